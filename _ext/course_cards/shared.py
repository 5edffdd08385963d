"""What every module of the extension shares: the warning type and the records kept in
the build environment."""

from __future__ import annotations

from typing import TypedDict

from sphinx.util import logging

logger = logging.getLogger("course_cards")

WARNING_TYPE = "course_cards"


def warning_handlers() -> list:
    """The handlers through which Sphinx gives, counts and fails on warnings."""
    import logging as std_logging

    from sphinx.util.logging import NAMESPACE, WarningStreamHandler

    return [h for h in std_logging.getLogger(NAMESPACE).handlers if isinstance(h, WarningStreamHandler)]


def warn(message: str, subtype: str, location) -> None:
    """A located warning typed ``course_cards.<subtype>``, so ``suppress_warnings`` can
    silence one kind of mistake at a time."""
    logger.warning(message, location=location, type=WARNING_TYPE, subtype=subtype)


class CardRecord(TypedDict):
    """One card as the environment keeps it: plain data, never a node, so that a page's
    doctree is not pickled with the environment."""

    id: str
    name: str
    kind: str
    title: str
    line: int | None
    text: str
    # The text of the card's first block after its title, and how many list items it holds
    opening: str
    items: int
    # Its text was indented with a tab (already warned about, so its prompts are not counted).
    tab_indented: bool
    notes: bool
    note_key: str
    legacy_id: str
    # Note keys this card had before a rename (its ``:formerly:`` option).
    formerly: list[str]
    # The ``only`` and ``ifconfig`` expressions the card sits under; it is collected only
    # where all of them hold for the build that writes the collecting page.
    conditions: list[tuple[str, str]]


# A ``cardlist`` on a page: (the page-name prefix it collects from, the card kind).
ListScope = tuple[str, str]
