"""course_shape: this course's own rules for its pages, checked while the site builds.

Every section page (a page whose name matches ``course_shape_sections``) has exactly one
metaphor card and ends with a reflection card of two to four prompts; every card has a
``:name:``, unique across the site. (What content may contain at all is
``content_security``'s concern.) Each finding is a warning with file and line, typed
``course_shape.<rule>``, so ``sphinx-build -W`` fails on it."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

from course_cards.collection import document_order
from course_cards.nodes import course_card, metaphor_card, reflection_card

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


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


def check_page(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.current_document.docname
    if re.match(app.config.course_shape_sections, docname):
        check_section_page(docname, doctree)
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
