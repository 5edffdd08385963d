"""course_cards: ``metaphor`` and ``reflection`` cards, and pages that collect them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from . import collection, directives, misspelt, nodes, notes, published, writers
from .directives import card_id
from .shared import WARNING_TYPE, logger
from .writers import with_notes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__all__ = ["card_id", "setup"]
__version__ = "0.2.0"

# The oldest Sphinx the extension runs on: it uses ``env.current_document`` (Sphinx 8.2).
SPHINX_FLOOR = "8.2"

HERE = Path(__file__).parent


def add_number_formats(app: Sphinx, config: Config) -> None:
    """Give cards their own numfig formats, so that numfig switched on by anyone
    finds an entry for them; an entry the project set itself wins."""
    for kind in nodes.KINDS.values():
        config.numfig_format.setdefault(kind.name, str(kind.number_format))
    if config.course_cards_numbered and not config.numfig:
        logger.warning(
            "course_cards_numbered needs numfig = True in conf.py; cards stay unnumbered",
            type=WARNING_TYPE,
            subtype="config",
        )


NOTES_SCRIPTS = ["course_notes_format.js", "course_notes_store.js", "course_notes.js"]
WORKBOOK_SCRIPT = "course_notes_workbook.js"


def add_assets(app: Sphinx) -> None:
    """Copy the stylesheet and scripts into the output's _static before any page is
    written, so Sphinx can add its ``?v=`` checksum; extending ``html_static_path``
    instead would make every rebuild report a changed configuration."""
    if app.builder.format != "html":
        return
    scripts = [*NOTES_SCRIPTS, WORKBOOK_SCRIPT] if with_notes(app) else []
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    for asset in ["course_cards.css", *scripts]:
        (static / asset).write_text(shipped(asset), encoding="utf-8")
    app.add_css_file("course_cards.css")


CSS_COMMENT = re.compile(r"[ \t]*/\*.*?\*/\n?", re.DOTALL)


def shipped(asset: str) -> str:
    """An asset as readers download it, without the comments: they are written for the
    extension's maintainers and were half the stylesheet's and a quarter of the scripts'
    gzipped bytes. Scripts lose whole-line ``//`` comments only, so nothing inside a
    string or after code is touched."""
    text = (HERE / "static" / asset).read_text(encoding="utf-8")
    if asset.endswith(".css"):
        return CSS_COMMENT.sub("", text)
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("//"))


def add_notes_scripts(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The notes scripts, on the pages that use them only: a card with notes, the
    workbook's tools or a "continue reading" line. Classic deferred scripts, run in
    order: modules do not load from file://."""
    if doctree is None or not with_notes(app):
        return
    workbook = doctree.next_node(nodes.notes_tools) is not None
    if not (
        workbook
        or doctree.next_node(nodes.reading_progress) is not None
        or any(card.get("notes") for card in doctree.findall(nodes.reflection_card))
    ):
        return
    for script in NOTES_SCRIPTS:
        # The page's scripts only: Sphinx resets them for every page.
        attributes = {"data-course-notes": notes.script_settings(app)} if script == "course_notes.js" else {}
        app.add_js_file(script, loading_method="defer", **attributes)
    if workbook:
        app.add_js_file(WORKBOOK_SCRIPT, loading_method="defer")


def restore_format_handlers(app: Sphinx) -> None:
    """Work around sphinx-doc/sphinx#14587 (also #9160): Sphinx looks up node handlers
    by builder name and falls back to the format only when no extension registered any
    under that name. One that does (sphinx-exercise, for singlehtml) hides every other
    extension's handlers, ours and sphinx-design's included; give that builder the
    format's handlers it lacks. ``tests/test_builders.py`` fails once Sphinx merges the
    two itself, which is when this can go."""
    handlers = app.registry.translation_handlers
    by_name = handlers.get(app.builder.name)
    if by_name is not None and app.builder.name != app.builder.format:
        for node_name, pair in handlers.get(app.builder.format, {}).items():
            by_name.setdefault(node_name, pair)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.require_sphinx(SPHINX_FLOOR)
    app.add_config_value("course_cards_numbered", False, "env", types=frozenset({bool}))
    app.add_config_value("course_cards_notes", False, "env", types=frozenset({bool}))
    app.add_config_value("course_cards_privacy_page", "", "html", types=frozenset({str}))
    app.add_config_value("course_cards_published_ids", "", "env", types=frozenset({str}))
    app.add_message_catalog("course_cards", str(HERE / "locale"))

    for card_class in nodes.CARD_CLASSES.values():
        app.add_enumerable_node(
            card_class, card_class.kind, nodes.course_card.reference_text, **writers.CARD_HANDLERS
        )
    app.add_node(nodes.card_title, **writers.TITLE_HANDLERS)
    app.add_node(nodes.card_list)
    app.add_node(nodes.notes_tools, **writers.NOTES_TOOLS_HANDLERS)
    for kind, directive in directives.CARD_DIRECTIVES.items():
        app.add_directive(kind, directive)
    app.add_directive("cardlist", directives.CardListDirective)
    app.add_node(nodes.reading_progress, **writers.READING_PROGRESS_HANDLERS)
    app.add_directive("continue-reading", directives.ReadingProgressDirective)

    app.add_domain(collection.CardDomain)
    misspelt.setup(app)
    app.connect("env-get-updated", collection.collecting_pages_to_rewrite)
    app.connect("build-finished", collection.keep_shown)
    app.connect("builder-inited", add_assets)
    app.connect("builder-inited", restore_format_handlers)
    app.connect("config-inited", add_number_formats, priority=900)
    app.connect("doctree-resolved", collection.number_cards)
    app.connect("env-updated", collection.forget_write_cache)
    app.connect("doctree-resolved", collection.fill_card_lists)
    app.connect("doctree-resolved", collection.fill_reading_progress)
    app.connect("html-page-context", add_notes_scripts)
    app.connect("env-check-consistency", published.check_published_ids)
    return {
        "version": __version__,
        "env_version": 6,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
