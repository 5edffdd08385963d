"""build_speedups: general speed-ups for Sphinx builds, each with output identical to
Sphinx's and Furo's own, and none of them part of the course or its card extension.

- ``navigation``: Furo's site navigation rendered once per build, not once per page.
- ``stems``: each word stemmed once per build for the search index.
- ``collector``: Python's cycle collector skips what lives until the build ends.

Every private upstream name they use is in ``upstream``, cited and canary-tested. Where a
speed-up's promise may not hold (another Sphinx or Furo than the tested ones, a missing
name, a builder or toctree it does not know), it turns itself off and says so in an info
line starting ``build_speedups: the … speed-up is off`` (``report``); the build goes on
with upstream's own code. Incremental correctness is not here: it is the site's
(``course_site.incremental``), whatever the theme and whether or not this is loaded.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import collector, navigation, stems

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

__version__ = "1.0"


def setup(app: Sphinx) -> ExtensionMetadata:
    navigation.setup(app)
    stems.setup(app)
    collector.setup(app)
    return {"version": __version__, "parallel_read_safe": True, "parallel_write_safe": True}
