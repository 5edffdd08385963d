"""How a speed-up says it is off: an info line, not a warning, so a ``-W`` build goes on
whatever upstream releases; CI's job on the newest Sphinx looks for these lines."""

from __future__ import annotations

from sphinx.util import logging

logger = logging.getLogger(__name__)
OFF = "build_speedups: the {} speed-up is off: {}"


def report(speedup: str, reason: str) -> None:
    logger.info(OFF.format(speedup, reason))
