"""course_site.shape: this course's own rules for its pages, checked while the site builds.

Every section page (as ``course_site.structure`` knows them: a week page's toctree
entries) has exactly one metaphor card, opening with "Think of", and its last card is a
reflection card of two to four prompts; every card has a ``:name:``, unique across the
site; a week's landing grid links exactly the sections of its toctree, in order; no
scaffold placeholder is left. (What content may contain at all is ``content_security``'s
concern.) Each finding is a warning with file and line, typed ``course_shape.<rule>``, so
``sphinx-build -W`` fails on it."""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from course_cards.collection import card_domain, document_order
from course_cards.nodes import course_card
from course_cards.shared import CardRecord

from . import structure

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


# What `make new-section` and `make new-week` write where the author's words go.
PLACEHOLDER = "[WRITE:"
FILL_IN = "replace each [WRITE: …] with your own words"


# Every rule, as the authoring guide lists it (the ``course-rules`` directive writes this).
RULES = {
    "metaphor": "A section page needs exactly one metaphor card.",
    "think-of": "A section's metaphor card opens with the course's words \"Think of\".",
    "reflection": "A section page's last card is its reflection card (text may follow it).",
    "prompts": "A reflection card holds two to four prompts, written as a list.",
    "name": "Every card needs a `:name:`; the message suggests one.",
    "unique": "A card's `:name:` is already used on another page.",
    "grid": "A week page's landing grid links exactly the sections of its toctree, in the same order.",
    "placeholder": "A scaffold's `[WRITE: …]` is still on the page; replace it with your own words.",
    "alt": "Every image needs alt text: `![what it shows](picture.png)`, or `:alt:` under `{image}` "
    "and `{figure}`.",
    "orphan": "A page no toctree lists cannot be reached; the message names the `index.md` to list it in.",
}


def warn(message: str, rule: str, location) -> None:
    assert rule in RULES, rule
    logger.warning(message, location=location, type="course_shape", subtype=rule)


class CourseRules(SphinxDirective):
    """``course-rules``: the list of these rules, for the authoring guide."""

    def run(self) -> list[nodes.Node]:
        rules = nodes.definition_list()
        for rule, text in RULES.items():
            meaning, messages = self.parse_inline(text, lineno=self.lineno)
            term = nodes.term("", "", nodes.literal(text=f"course_shape.{rule}"))
            rules += nodes.definition_list_item(
                "", term, nodes.definition("", nodes.paragraph("", "", *meaning))
            )
            rules += messages
        return [rules]


def check_section_page(docname: str, cards: list[CardRecord], left_out: list[str]) -> None:
    """The rules for a section, over its cards in page order (``left_out``: the kinds of
    its cards course_cards dropped for being empty, and has warned about)."""
    metaphors = [card for card in cards if card["kind"] == "metaphor"]
    if len(metaphors) != 1 and (metaphors or "metaphor" not in left_out):
        line = metaphors[1]["line"] if metaphors else 1
        warn(
            f"a section page has exactly one metaphor card; this one has {len(metaphors)}. "
            f"Keep one :::{{metaphor}} per section",
            "metaphor",
            (docname, line),
        )
    if (not cards or cards[-1]["kind"] != "reflection") and "reflection" not in left_out:
        last = cards[-1] if cards else None
        warn(
            "a section page ends with a reflection card; "
            + (
                f"the last card on this page is a {last['kind']} card: move the :::{{reflection}} card "
                f"below it, or add one"
                if last and any(card["kind"] == "reflection" for card in cards)
                else "add a :::{reflection} card after the section's text"
            ),
            "reflection",
            (docname, last["line"] if last else 1),
        )
    for metaphor in metaphors:
        if metaphor["opening"] and not metaphor["opening"].startswith("Think of"):
            warn(
                "a section's metaphor opens with the course's words \"Think of\"; start the "
                "card's first paragraph with them",
                "think-of",
                (docname, metaphor["line"]),
            )
    for card in cards:
        if card["kind"] == "reflection" and not card.get("tab_indented") and not 2 <= card["items"] <= 4:
            warn(
                f"a reflection card holds 2 to 4 prompts as a list; this one has {card['items']}",
                "prompts",
                (docname, card["line"]),
            )


def check_cards_are_named(doctree: nodes.document) -> None:
    for card in doctree.findall(course_card):
        if not card["names"]:
            warn(
                f"this {card.kind} card has no :name:; add one (e.g. ':name: {card['ids'][0]}') so "
                f"links and saved notes keep pointing at it",
                "name",
                card,
            )


def check_placeholders(docname: str, doctree: nodes.document) -> None:
    """Scaffolded pages mark every text still to write; none may be published."""
    for meta in doctree.findall(nodes.meta):
        if PLACEHOLDER in meta.get("content", ""):
            warn(f"the page description is still a placeholder; {FILL_IN}", "placeholder", (docname, 1))
    for text in doctree.findall(nodes.Text):
        if PLACEHOLDER in text and not isinstance(text.parent, nodes.literal):
            warn(f"this text is still a placeholder; {FILL_IN}", "placeholder", located(text, docname))


def located(node: nodes.Node, docname: str):
    """The nearest ancestor that knows its line, else the page."""
    while node is not None and not node.line:
        node = node.parent
    return node if node is not None else (docname, 1)


def check_landing_grid(docname: str, doctree: nodes.document) -> None:
    """A week's landing page links every section of its toctree from its grid, in the same
    order, and links nothing else from it."""
    folder = docname.rsplit("/", 1)[0]
    listed = [
        (entry, toctree)
        for toctree in doctree.findall(addnodes.toctree)
        for entry in structure.sections_among(docname, [entry for _, entry in toctree["entries"] if entry])
    ]
    cards = [
        (xref["reftarget"] if xref["reftarget"].startswith("/") else f"{folder}/{xref['reftarget']}", xref)
        for xref in doctree.findall(addnodes.pending_xref)
        if "sd-stretched-link" in xref["classes"]
    ]
    linked = [target.lstrip("/") for target, _ in cards]
    for entry, toctree in listed:
        if entry not in linked:
            warn(
                f"section {entry!r} is in the toctree but not in the landing grid; add a "
                f"grid-item-card with ':link: {entry.rsplit('/', 1)[-1]}'",
                "grid",
                located(toctree, docname),
            )
    for (target, xref), name in zip(cards, linked, strict=True):
        if name not in [entry for entry, _ in listed]:
            warn(
                f"this grid card links {target!r}, which is not a section in this page's toctree; "
                f"fix the link or add the section to the toctree",
                "grid",
                located(xref, docname),
            )
    in_both = [name for name in linked if name in [entry for entry, _ in listed]]
    if in_both != [entry for entry, _ in listed if entry in linked]:
        warn(
            "the landing grid lists the sections in another order than the toctree",
            "grid",
            located(cards[0][1], docname),
        )


def as_written(uri: str, docname: str) -> str:
    """An image's path as its page would write it: Sphinx has made it relative to the
    source folder by now."""
    if "://" in uri or uri.startswith(("data:", "/")):
        return uri
    return posixpath.relpath(uri, posixpath.dirname(docname) or ".")


def check_images(docname: str, doctree: nodes.document) -> None:
    for image in doctree.findall(nodes.image):
        if not image.get("alt", "").strip():
            path = as_written(image["uri"], docname)
            warn(
                f"this image ({path}) has no alt text; say what it shows for readers who "
                f"cannot see it: ![what it shows]({path}), or ':alt: what it shows' under "
                f"{{image}} or {{figure}}",
                "alt",
                located(image, docname),
            )


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.current_document.docname
    if structure.week_folder(docname):
        check_landing_grid(docname, doctree)
    check_placeholders(docname, doctree)
    check_cards_are_named(doctree)
    check_images(docname, doctree)


def check_every_page_is_listed(env: BuildEnvironment) -> None:
    """Sphinx's own warning (``toc.not_included``, which conf.py suppresses) does not say
    where the page belongs: the ``index.md`` of its folder, else the home page."""
    listed = {entry for entries in env.toctree_includes.values() for entry in entries}
    for docname in sorted(env.found_docs - listed - {env.config.root_doc}):
        if "orphan" in env.metadata.get(docname, {}):
            continue
        folder, _, name = docname.rpartition("/")
        index = f"{folder}/index" if folder and f"{folder}/index" in env.found_docs else env.config.root_doc
        if index == docname:
            index = env.config.root_doc
        entry = name if index.rpartition("/")[0] == folder else docname
        where = (
            " (before workbook), and a card for it to the week's grid" if structure.week_folder(index) else ""
        )
        warn(
            f"no toctree lists this page, so readers cannot reach it; add '{entry}' to the toctree "
            f"in {env.doc2path(index, False)}{where}",
            "orphan",
            (docname, 1),
        )


def check_the_course(app: Sphinx, env: BuildEnvironment) -> None:
    """The rules that need the whole course: which pages are sections (the toctrees, read
    once every page is), and names unique across the site. They run on every build, so a
    mistake stays reported until it is fixed."""
    check_every_page_is_listed(env)
    domain = card_domain(env)
    cards = domain.cards
    for docname in structure.from_env(env).sections:
        check_section_page(docname, cards.get(docname, []), domain.empty.get(docname, []))
    first_seen: dict[str, str] = {}
    for docname in document_order(env):
        for card in cards.get(docname, []):
            if not card["name"]:
                continue
            if card["name"] in first_seen:
                warn(
                    f"card name {card['name']!r} is also used in {first_seen[card['name']]}; "
                    f"give this card another name",
                    "unique",
                    (docname, card["line"]),
                )
            else:
                first_seen[card["name"]] = docname


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("course_cards")
    app.setup_extension("course_site.structure")
    app.add_directive("course-rules", CourseRules)
    app.connect("doctree-read", check_page)
    # env-updated, not env-check-consistency: Sphinx skips the latter when no page was read.
    app.connect("env-updated", check_the_course)
    return {"version": "0.2.0", "parallel_read_safe": True, "parallel_write_safe": True}
