"""The ``metaphor`` and ``reflection`` directives, and the collectors' placeholder."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util.docutils import SphinxDirective

from .nodes import CARD_CLASSES, KINDS, card_list, card_title, course_card, reading_progress
from .shared import warn

if TYPE_CHECKING:
    from docutils.nodes import Node


class UnknownOption(str):
    """The value of an option the directive does not know, kept to be reported."""


class LenientOptions(dict):
    """An option spec that accepts unknown names so that the directive can report
    them itself: located and typed, in reST and MyST alike, with the card kept."""

    def __missing__(self, name: str):
        return UnknownOption


class CourseDirective(SphinxDirective):
    """Reports options it does not know itself, located and typed, and keeps going."""

    option_spec: ClassVar[LenientOptions] = LenientOptions()

    def report_unknown_options(self, location) -> None:
        for option, value in list(self.options.items()):
            if isinstance(value, UnknownOption):
                del self.options[option]
                known = ", ".join(f":{name}:" for name in sorted(self.option_spec))
                warn(
                    f"{self.name} has an unknown option :{option}:; the options are {known}",
                    "option",
                    location,
                )


class CardDirective(CourseDirective):
    """What ``metaphor`` and ``reflection`` share: an optional title, a name, classes,
    and a body of any block content."""

    kind: ClassVar[str] = ""
    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    option_spec = LenientOptions(
        name=directives.unchanged,
        label=directives.unchanged,
        collapsible=directives.unchanged,
        formerly=directives.unchanged_required,
        **{"class": directives.class_option},
    )

    def run(self) -> list[Node]:
        location = self.get_location()
        self.report_unknown_options(location)
        if not "\n".join(self.content).strip():
            warn(
                f"{self.name} card is empty; write its text on the lines after the directive line",
                "empty",
                location,
            )
            self.state.document.setdefault("empty_cards", []).append(self.kind)
            return []

        card = CARD_CLASSES[self.kind]()
        self.set_source_info(card)
        card["tab_indented"] = self.report_tabs()
        card["classes"] += ["course-card", self.kind, *self.options.get("class", [])]
        card["docname"] = self.env.current_document.docname
        # The ids this card had before a rename ("old-name", or "page#old-name" from
        # another page): readers' notes move from them, and the published ids stay kept.
        card["formerly"] = [
            former_key(card["docname"], old) for old in self.options.get("formerly", "").split()
        ]
        self.make_collapsible(card, location)
        if self.arguments:
            title_nodes, messages = self.parse_inline(self.arguments[0], lineno=self.lineno)
            title = card_title(self.arguments[0], "", *title_nodes)
            self.set_source_info(title)
            card += title
            card += messages
        card += self.parse_content_to_nodes()
        self.flatten_nested_cards(card)
        self.report_headings(card)
        self.id_is_numbered = self.assign_id(card, location)
        return [card]

    def report_tabs(self) -> bool:
        """Markdown reads a line indented by a tab as code: one warning, at the first."""
        offset = next((i for i, line in enumerate(self.content) if line.startswith("\t")), None)
        if offset is None:
            return False
        warn(
            f"this {self.name} card's text is indented with a tab, which Markdown reads as a "
            "code block (and a reflection's list as no prompts at all); indent with spaces, or "
            "start its lines at the margin",
            "tabs",
            (self.env.current_document.docname, self.line_of(self.content[offset])),
        )
        return True

    def line_of(self, text: str) -> int:
        """The line of the page, from the directive's on, that reads ``text`` (MyST gives a
        directive's content no lines of its own)."""
        try:
            page = self.env.doc2path(self.env.current_document.docname).read_text(encoding="utf-8")
        except OSError:
            return self.lineno
        after = page.splitlines()[self.lineno - 1 :]
        return self.lineno + after.index(text) if text in after else self.lineno

    def make_collapsible(self, card: course_card, location) -> None:
        """``:collapsible:`` as Sphinx's own admonitions read it (bare or ``open``: starts
        open; ``closed``: starts closed); ``:class: dropdown``, sphinx-togglebutton's
        convention, starts closed without needing that extension."""
        if "dropdown" in card["classes"]:
            card["collapsible"] = "closed"
        if "collapsible" not in self.options:
            return
        state = (self.options["collapsible"] or "open").strip().lower()
        if state not in ("open", "closed"):
            warn(
                f"{self.name} card :collapsible: takes 'open' or 'closed', not {state!r}; the card starts closed",
                "option",
                location,
            )
            state = "closed"
        card["collapsible"] = state

    def flatten_nested_cards(self, card: course_card) -> None:
        """A card inside a card reads as one muddled card: keep the inner content, drop the frame."""
        for inner in list(card.findall(course_card, include_self=False)):
            warn(
                f"a {inner.kind} card is nested inside a {self.name} card; "
                f"close the outer card before starting the next one",
                "nested",
                inner,
            )
            content = [
                nodes.rubric(child.astext(), "", *child.children) if isinstance(child, card_title) else child
                for child in inner.children
            ]
            position = inner.parent.index(inner)
            inner.parent[position : position + 1] = content

    def report_headings(self, card: course_card) -> None:
        """MyST turns a heading inside a directive into a rubric that remembers its level,
        so it stays out of the page outline; the author should still hear about it."""
        for rubric in card.findall(nodes.rubric):
            if "level" in rubric:
                warn(
                    f"heading {rubric.astext()!r} inside a {self.name} card; cards cannot "
                    f"hold headings, use bold text or end the card before the heading",
                    "heading",
                    rubric,
                )

    def assign_id(self, card: course_card, location) -> bool:
        """Give the card an id that does not depend on its position: its name, in any
        script, else its kind and title; never an id another element of the page has.
        Returns whether a number had to be added to tell it from another card."""
        document = self.state.document
        name = self.options.get("name") or self.options.get("label")
        if name and slug(name) != name.strip().casefold():
            warn(
                f"the name {name!r} is read as {slug(name)!r}; write it that way, so no other "
                "card's name can be read the same",
                "name",
                location,
            )
        # A section's implicit name gives way to a card's explicit one, as docutils decides.
        if name and document.nametypes.get(nodes.fully_normalize_name(name)):
            warn(
                f"the name {name!r} is already used on this page; give this card a different :name:",
                "duplicate",
                location,
            )
            name = None
        title = card.title.astext() if card.title else ""
        base = card_id(self.kind, title, name or "")
        if name and isinstance(document.ids.get(base), course_card):
            warn(
                f"another card of this page already has the id {base!r}; give this card a different :name:",
                "duplicate",
                location,
            )
        if not base or base in document.ids:  # e.g. a section of the same name
            base = slug(f"{self.kind}-{name or title}") or self.kind
        unique_id, suffix = base, 1
        while unique_id in document.ids:
            suffix += 1
            unique_id = f"{base}-{suffix}"
        card["ids"].append(unique_id)
        document.ids[unique_id] = card
        if name:
            self.options["name"] = name
            self.add_name(card)
        return suffix > 1


def card_id(kind: str, title: str = "", name: str = "") -> str:
    """The id a card is known by on its page: its ``:name:``, in any script, else its kind
    and title. (Should another element of the page hold that id, the card's id gets a
    number, as ``assign_id`` decides.) Tools that follow cards through changes use it."""
    return slug(name) if name else slug(f"{kind}-{title}")


def former_key(docname: str, old: str) -> str:
    """The note key a ``:formerly:`` value names, its id read as card ids are."""
    page, _, old_id = old.rpartition("#")
    return f"{page or docname}#{slug(old_id)}"


def slug(text: str) -> str:
    """An id from any text, in any script: letters, digits, ``_`` and ``-`` kept (so
    ``reflect_one`` and ``reflect-one`` stay apart), every other run made one ``-``."""
    return "-".join(re.findall(r"[\w-]+", unicodedata.normalize("NFKC", text).casefold())).strip("-")


class MetaphorDirective(CardDirective):
    kind = "metaphor"


class ReflectionDirective(CardDirective):
    kind = "reflection"
    option_spec = LenientOptions(CardDirective.option_spec, **{"no-notes": directives.flag})

    def run(self) -> list[Node]:
        cards = super().run()
        for card in cards:
            card["notes"] = self.config.course_cards_notes and "no-notes" not in self.options
            if not card["notes"]:
                continue
            # The id the notes of this card were kept under before keys named the page.
            name = card["names"][0] if card["names"] else ""
            card["legacy_id"] = nodes.make_id(name) if name else card["ids"][0]
            if self.id_is_numbered:
                warn(
                    f"this reflection card's notes would be kept under {card['ids'][0]!r}, a number "
                    f"that changes when cards are added above it; give it a :name: of its own",
                    "note-key",
                    self.get_location(),
                )
        return cards


CARD_DIRECTIVES: dict[str, type[CardDirective]] = {
    directive.kind: directive for directive in (MetaphorDirective, ReflectionDirective)
}
assert CARD_DIRECTIVES.keys() == KINDS.keys()


class CardListDirective(CourseDirective):
    """``cardlist``: every card of one kind, gathered from the pages in toctree order."""

    has_content = False
    option_spec = LenientOptions(
        kind=directives.unchanged_required,
        **{"from": directives.unchanged_required, "titles-only": directives.flag},
    )

    def run(self) -> list[Node]:
        location = self.get_location()
        self.report_unknown_options(location)
        kind = self.options.get("kind", "").strip()
        if kind not in CARD_CLASSES:
            kinds = " or ".join(sorted(CARD_CLASSES))
            warn(f"cardlist needs :kind: {kinds}, not {kind!r}", "kind", location)
            return []
        placeholder = card_list(
            kind=kind,
            prefix=self.options.get("from", "").strip(),
            titles_only="titles-only" in self.options,
        )
        self.set_source_info(placeholder)
        placeholder["docname"] = self.env.current_document.docname
        return [placeholder]


class ReadingProgressDirective(CourseDirective):
    """``continue-reading``: where the reader left off among the sections under ``:from:``
    (pages ending with a reflection card with notes), filled in by the notes script."""

    has_content = False
    option_spec = LenientOptions(**{"from": directives.unchanged})

    def run(self) -> list[Node]:
        self.report_unknown_options(self.get_location())
        placeholder = reading_progress(prefix=self.options.get("from", "").strip())
        self.set_source_info(placeholder)
        placeholder["docname"] = self.env.current_document.docname
        return [placeholder]
