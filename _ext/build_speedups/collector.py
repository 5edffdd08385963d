"""The cycle collector skips what lives until the build ends.

Python's cycle collector scans every object the build holds at each full collection, a
few times a build. What exists when writing starts (the environment above all) lives
until the build ends, so it is set aside then (``gc.freeze``) and given back to the
collector when the build ends."""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def set_aside(app: Sphinx, builder: Any) -> None:
    gc.freeze()


def give_back(app: Sphinx, exception: Exception | None) -> None:
    gc.unfreeze()


def setup(app: Sphinx) -> None:
    # Last, once the other extensions have made what they keep for the writing.
    app.connect("write-started", set_aside, priority=1000)
    app.connect("build-finished", give_back)
