"""Doctree nodes for course cards.

Cards subclass the concrete ``nodes.admonition`` so that any translator without
handlers of ours (xml, or a third-party builder) still renders them by falling
back through the class hierarchy.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.locale import get_translation

_ = get_translation("course_cards")


class course_card(nodes.admonition):
    """What the two card kinds share; ``kind`` names the directive."""

    kind = ""


class metaphor_card(course_card):
    kind = "metaphor"


class reflection_card(course_card):
    kind = "reflection"


CARD_CLASSES: dict[str, type[course_card]] = {cls.kind: cls for cls in (metaphor_card, reflection_card)}


KIND_LABELS = {"metaphor": _("Metaphor"), "reflection": _("Reflection")}
NUMBER_FORMATS = {"metaphor": _("Metaphor %s"), "reflection": _("Reflection %s")}


class card_title(nodes.title):
    """The author's title of a card; absent when the card is titled by its kind."""


class card_list(nodes.General, nodes.Element):
    """Placeholder replaced by collected cards once every page has been read."""


class notes_tools(nodes.container):
    """Where course_notes.js puts the workbook's download, import and delete buttons."""


def kind_label(kind: str) -> str:
    """The translated name of a card kind, e.g. "Metaphor"."""
    return str(KIND_LABELS[kind])


def card_label(node: course_card) -> str:
    """The kind label, or its numbered form ("Metaphor 3") when the card was numbered."""
    return node.get("numbered_label") or kind_label(node.kind)


def card_heading(node: course_card) -> str:
    """One line naming a card, for formats without styling: "Metaphor 3: Title"."""
    label = card_label(node)
    title = own_title(node)
    return f"{label}: {title.astext()}" if title else label


def card_title_text(node: course_card) -> str:
    """The text a ``{ref}`` to the card shows: its title, else its kind."""
    title = own_title(node)
    return title.astext() if title else kind_label(node.kind)


def own_title(node: course_card) -> card_title | None:
    """The card's title node: always its first child when there is one."""
    if node.children and isinstance(node[0], card_title):
        return node[0]
    return None
