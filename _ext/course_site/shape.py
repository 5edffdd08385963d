"""course_site.shape: this course's own rules for its pages, checked while the site builds.

Every section page (a page whose name matches ``course_shape_sections``) has exactly one
metaphor card, opening with "Think of", and ends with a reflection card of two to four
prompts; every card has a ``:name:``, unique across the site; a week's landing grid links
exactly the sections of its toctree, in order; no scaffold placeholder is left. (What content
may contain at all is ``content_security``'s concern.) Each finding is a warning with file and line, typed
``course_shape.<rule>``, so ``sphinx-build -W`` fails on it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.util import logging

from course_cards.collection import document_order
from course_cards.nodes import course_card, metaphor_card, reflection_card

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


# What `make new-section` and `make new-week` write where the author's words go.
PLACEHOLDER = "[WRITE:"
FILL_IN = "replace each [WRITE: …] with your own words"


def warn(message: str, rule: str, location) -> None:
    logger.warning(message, location=location, type="course_shape", subtype=rule)


def check_section_page(docname: str, doctree: nodes.document) -> None:
    page = doctree.next_node(nodes.section) or doctree
    metaphors = list(doctree.findall(metaphor_card))
    if len(metaphors) != 1:
        where = metaphors[1] if metaphors else (docname, page.line or 1)
        warn(
            f"a section page has exactly one metaphor card; this one has {len(metaphors)}. "
            f"Keep one :::{{metaphor}} per section",
            "metaphor",
            where,
        )
    last = page.children[-1] if page.children else page
    if not isinstance(last, reflection_card):
        warn(
            "a section page ends with a reflection card; move the :::{reflection} card to "
            "the end of the page, or add one",
            "reflection",
            last if last.line else (docname, 1),
        )
    for metaphor in metaphors:
        body = [child for child in metaphor.children if not isinstance(child, nodes.title)]
        if body and not body[0].astext().startswith("Think of"):
            warn(
                "a section's metaphor opens with the course's words \"Think of\"; start the "
                "card's first paragraph with them",
                "think-of",
                body[0] if body[0].line else metaphor,
            )
    for card in doctree.findall(reflection_card):
        prompts = list(card.findall(nodes.list_item))
        if not 2 <= len(prompts) <= 4:
            warn(
                f"a reflection card holds 2 to 4 prompts as a list; this one has {len(prompts)}",
                "prompts",
                card,
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


def check_landing_grid(docname: str, doctree: nodes.document, sections: str) -> None:
    """A week's landing page links every section of its toctree from its grid, in the same
    order, and links nothing else from it."""
    folder = docname.rsplit("/", 1)[0]
    listed = [
        (entry, toctree)
        for toctree in doctree.findall(addnodes.toctree)
        for _, entry in toctree["entries"]
        if entry and re.match(sections, entry)
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


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.current_document.docname
    if re.match(app.config.course_shape_sections, docname):
        check_section_page(docname, doctree)
    if re.fullmatch(r"week\d+/index", docname):
        check_landing_grid(docname, doctree, app.config.course_shape_sections)
    check_placeholders(docname, doctree)
    check_cards_are_named(doctree)


def check_names_are_unique(app: Sphinx, env: BuildEnvironment) -> None:
    first_seen: dict[str, str] = {}
    for docname in document_order(env):
        for card in env.course_cards.get(docname, []):
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
    app.add_config_value("course_shape_sections", r"week\d+/\d\d-", "env", types=frozenset({str}))
    app.connect("doctree-read", check_page)
    app.connect("env-check-consistency", check_names_are_unique)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
