"""Doctree nodes for course cards.

Cards subclass the concrete ``nodes.admonition`` so that any translator without
handlers of ours (xml, or a third-party builder) still renders them by falling
back through the class hierarchy.
"""

from __future__ import annotations

from dataclasses import dataclass

from docutils import nodes
from sphinx.locale import get_translation

_ = get_translation("course_cards")


@dataclass(frozen=True)
class CardKind:
    """What tells one kind of card from another, declared once: its directive and node
    name, its translated label and numbered label, and the LaTeX box it is written in."""

    name: str
    label: str
    number_format: str
    latex_box: str


KINDS = {
    kind.name: kind
    for kind in (
        CardKind("metaphor", _("Metaphor"), _("Metaphor %s"), "note"),
        CardKind("reflection", _("Reflection"), _("Reflection %s"), "tip"),
    )
}


class card_title(nodes.title):
    """The author's title of a card; absent when the card is titled by its kind."""


class course_card(nodes.admonition):
    """What the two card kinds share; ``kind`` names the directive."""

    kind = ""

    @property
    def title(self) -> card_title | None:
        """The author's title: always the first child when there is one."""
        if self.children and isinstance(self[0], card_title):
            return self[0]
        return None

    @property
    def label(self) -> str:
        """The translated kind ("Metaphor"), numbered ("Metaphor 3") when numfig gave a number."""
        return self.get("numbered_label") or str(KINDS[self.kind].label)

    @property
    def heading(self) -> str:
        """One line naming the card, for formats without styling: "Metaphor 3: Title"."""
        return f"{self.label}: {self.title.astext()}" if self.title else self.label

    def reference_text(self) -> str:
        """What a ``{ref}`` to the card shows: its title, else its translated kind."""
        return self.title.astext() if self.title else str(KINDS[self.kind].label)

    @property
    def note_key(self) -> str:
        """Where the reader's notes for this card are kept: its page and its id, the same
        for the card and its copies on collected pages, different for any two cards."""
        return f"{self['docname']}#{self.get('card_id') or self['ids'][0]}"

    @property
    def collapsible(self) -> bool:
        """Rendered as ``<details>`` in HTML; ``starts_open`` says how it first shows."""
        return "collapsible" in self

    @property
    def starts_open(self) -> bool:
        return self.get("collapsible") == "open"


class metaphor_card(course_card):
    kind = "metaphor"


class reflection_card(course_card):
    kind = "reflection"


# A node class per kind (doctrees are pickled by class name), each kind's and no other.
CARD_CLASSES: dict[str, type[course_card]] = {cls.kind: cls for cls in (metaphor_card, reflection_card)}
assert CARD_CLASSES.keys() == KINDS.keys()


class card_list(nodes.General, nodes.Element):
    """Placeholder replaced by collected cards once every page has been read."""


class notes_tools(nodes.container):
    """Where course_notes.js puts the workbook's download, import and delete buttons."""


class reading_progress(nodes.General, nodes.Element):
    """Placeholder for the "continue with" line; the sections are known once every page is read."""
