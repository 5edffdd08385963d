"""A card directive's name misspelt (``metaphore``): one message that says what was meant.

The parser reports an unknown directive itself, before any extension sees the page; that
message gets the name it was probably meant to be, and the card it would have been counts
as left out, as an empty card does: the page's rules and the published ids do not report
its absence a second and third time.
"""

from __future__ import annotations

import difflib
import logging as std_logging
import re
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.transforms import SphinxTransform

from .nodes import KINDS
from .shared import warning_handlers

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# As MyST ("Unknown directive type: 'metaphore'") and docutils ('Unknown directive type
# "metaphore".') word it.
UNKNOWN = re.compile(r"""Unknown directive type:? ['"]([\w:.-]+)['"]\.?""")


def meant(text: str) -> str | None:
    """The card kind an unknown directive's message names, misspelt; None for another."""
    found = UNKNOWN.search(text)
    close = difflib.get_close_matches(found[1].lower(), KINDS, n=1, cutoff=0.75) if found else []
    return close[0] if close else None


class SuggestTheKind(std_logging.Filter):
    """On the build's warning handlers: the parser's message, with what to write instead."""

    def filter(self, record: std_logging.LogRecord) -> bool:
        message = record.getMessage()
        kind = meant(message)
        if kind:
            record.msg = UNKNOWN.sub(
                lambda found: (
                    f"{found[0].rstrip('.')}; did you mean {kind!r}? Until it is spelt "
                    "so, the card is left out of the page."
                ),
                message,
                count=1,
            )
            record.args = ()
        return True


SUGGESTIONS = SuggestTheKind()


def suggest(app: Sphinx) -> None:
    for handler in warning_handlers():
        if SUGGESTIONS not in handler.filters:
            # First, before Sphinx words and counts the warning.
            handler.filters.insert(0, SUGGESTIONS)


def stop_suggesting(app: Sphinx, exception: BaseException | None) -> None:
    for handler in warning_handlers():
        if SUGGESTIONS in handler.filters:
            handler.filters.remove(SUGGESTIONS)


class MisspeltCards(SphinxTransform):
    """Before Sphinx drops the parser's messages from the doctree: the cards they stand for."""

    default_priority = 500

    def apply(self, **kwargs) -> None:
        for message in self.document.findall(nodes.system_message):
            kind = meant(message.astext())
            if kind:
                self.document.setdefault("empty_cards", []).append(kind)


def setup(app: Sphinx) -> None:
    app.add_transform(MisspeltCards)
    app.connect("builder-inited", suggest)
    app.connect("build-finished", stop_suggesting)
