"""Every upstream name the speed-ups rely on that is not public API, in one place.

Each is cited where upstream defines it (Sphinx 9.0.4, Furo 2025.12.19), and ``missing()``
is the canary: tests/test_speedups.py fails when an upstream release renames or removes
one. A speed-up whose names are missing, or that runs on versions other than those tested,
turns itself off and says so (``report``), and Sphinx's and Furo's own code runs.
"""

from __future__ import annotations

from typing import Any

import sphinx
from sphinx.builders.html import StandaloneHTMLBuilder

TESTED_SPHINX = (9, 0)
TESTED_FURO = ("2025.12.19",)

# sphinx/builders/html/__init__.py, StandaloneHTMLBuilder.handle_page: the builder's own
# ``context["toctree"]`` is a lambda calling ``_get_local_toctree``; only that one is known
# to give Sphinx's tree.
BUILDER_TOCTREE = "StandaloneHTMLBuilder.handle_page.<locals>.<lambda>"
# sphinx/builders/html/__init__.py: the method the builder's toctree lambda calls.
LOCAL_TOCTREE = "_get_local_toctree"


def furo_navigation() -> Any:
    """furo/navigation.py, ``get_navigation_tree`` without its ``functools`` cache (which
    would keep the whole site's HTML once per page and never hit)."""
    from furo.navigation import get_navigation_tree

    return get_navigation_tree.__wrapped__


def stemmer(indexer: Any) -> Any:
    """sphinx/search/__init__.py, ``IndexBuilder.lang``: the search language, whose
    ``stem`` every word of every page goes through."""
    return indexer.lang


def untested() -> str | None:
    """Why the installed Sphinx or Furo is not the one the speed-ups were tested with."""
    if sphinx.version_info[:2] != TESTED_SPHINX:
        return f"Sphinx {sphinx.__display_version__} (tested: {'.'.join(map(str, TESTED_SPHINX))}.x)"
    try:
        import furo
    except ImportError:
        return None
    if furo.__version__ not in TESTED_FURO:
        return f"Furo {furo.__version__} (tested: {', '.join(TESTED_FURO)})"
    return None


def missing() -> list[str]:
    """The names above that the installed Sphinx and Furo do not have."""
    found = []
    if not callable(getattr(StandaloneHTMLBuilder, LOCAL_TOCTREE, None)):
        found.append(f"StandaloneHTMLBuilder.{LOCAL_TOCTREE}")
    try:
        furo_navigation()
    except (ImportError, AttributeError):
        found.append("furo.navigation.get_navigation_tree.__wrapped__")
    from sphinx.search import IndexBuilder

    if "lang" not in IndexBuilder.__init__.__code__.co_names:
        found.append("IndexBuilder.lang")
    return found
