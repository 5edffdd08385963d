"""course_cards: ``metaphor`` and ``reflection`` cards, and pages that collect them."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

from . import collection, directives, nodes, writers

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.util.typing import ExtensionMetadata

__version__ = "0.1.0"

HERE = Path(__file__).parent
logger = logging.getLogger(__name__)


def add_number_formats(app: Sphinx, config: Config) -> None:
    """Give cards their own numfig formats, so that numfig switched on by anyone
    finds an entry for them; an entry the project set itself wins."""
    for kind, number_format in nodes.NUMBER_FORMATS.items():
        config.numfig_format.setdefault(kind, str(number_format))
    if config.course_cards_numbered and not config.numfig:
        logger.warning(
            "course_cards_numbered needs numfig = True in conf.py; cards stay unnumbered",
            type=directives.WARNING_TYPE,
            subtype="config",
        )


def add_assets(app: Sphinx) -> None:
    if app.builder.format == "html":
        app.add_css_file("course_cards.css")
        if app.config.course_cards_notes:
            app.add_js_file("course_notes.js", loading_method="defer")


def restore_format_handlers(app: Sphinx) -> None:
    """Sphinx looks up node handlers by builder name and falls back to the format only
    when no extension registered any under that name. One that does (sphinx-exercise,
    for singlehtml) hides every other extension's handlers, ours and sphinx-design's
    included; give that builder the format's handlers it lacks."""
    handlers = app.registry.translation_handlers
    by_name = handlers.get(app.builder.name)
    if by_name is not None and app.builder.name != app.builder.format:
        for node_name, pair in handlers.get(app.builder.format, {}).items():
            by_name.setdefault(node_name, pair)


def add_static_path(app: Sphinx, config: Config) -> None:
    config.html_static_path.append(str(HERE / "static"))


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("course_cards_numbered", False, "env", types=frozenset({bool}))
    app.add_config_value("course_cards_notes", False, "env", types=frozenset({bool}))
    app.add_config_value("course_cards_privacy_page", "", "html", types=frozenset({str}))
    app.add_message_catalog("course_cards", str(HERE / "locale"))

    for card_class in nodes.CARD_CLASSES.values():
        app.add_enumerable_node(card_class, card_class.kind, nodes.card_title_text, **writers.CARD_HANDLERS)
    app.add_node(nodes.card_title, **writers.TITLE_HANDLERS)
    app.add_node(nodes.card_list)
    app.add_node(nodes.notes_tools, **writers.NOTES_TOOLS_HANDLERS)
    app.add_directive("metaphor", directives.MetaphorDirective)
    app.add_directive("reflection", directives.ReflectionDirective)
    app.add_directive("cardlist", directives.CardListDirective)

    app.add_env_collector(collection.CardCollector)
    app.connect("builder-inited", collection.init_environment)
    app.connect("builder-inited", add_assets)
    app.connect("builder-inited", restore_format_handlers)
    app.connect("config-inited", add_number_formats, priority=900)
    app.connect("config-inited", add_static_path)
    app.connect("doctree-resolved", collection.number_cards)
    app.connect("env-updated", collection.forget_source_cards)
    app.connect("doctree-resolved", collection.fill_card_lists)
    return {
        "version": __version__,
        "env_version": 3,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
