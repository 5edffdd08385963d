"""content_security: content that cannot attack readers, by construction.

Content arrives as pull requests from people we don't know, and readers keep private notes
on the site's origin. So:

1. ``content``: raw HTML ships as a sanitizer re-serialized it (``sanitize``), never as
   written; page metadata and links are limited; images and downloads must be inert files
   of the source folder (``files``).
2. ``files``: every directive that reads a file reads only from the source folder, and
   nothing is fetched.
3. ``page``: each written page is read again whole with an HTML5 parser and compared with
   its ``frame``, what its template writes with no content; anything else fails the build.
4. ``policy``: a strict Content-Security-Policy on every page, hashed from the frame,
   that runs script files only from the site's script folder.

Whatever is refused is a located warning typed ``content_security.<rule>`` (``html``,
``meta``, ``url``, ``remote``, ``file``, ``path``, ``fetch``, ``page``) that fails the
strict build; built without ``-W``, the page ships without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util import logging

from .content import ContentPolicy
from .files import CONFINED_DIRECTIVES
from .limits import bound_parsers
from .page import check_pages
from .policy import add_policy
from .sources import setup_sources

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)


def announce_live_preview(app: Sphinx) -> None:
    if app.config.content_security_live_preview and app.builder.format == "html":
        logger.info("content_security: live preview build, pages carry no Content-Security-Policy")


def setup(app: Sphinx) -> ExtensionMetadata:
    # Only `make livehtml` sets this: sphinx-autobuild injects an inline reload script.
    # Every page carries its assets' checksums, so a changed asset rewrites every page.
    app.setup_extension("course_site.shared_inputs")
    app.add_config_value("content_security_live_preview", False, "html", types=frozenset({bool}))
    setup_sources(app)
    app.add_transform(ContentPolicy)
    for name, directive in CONFINED_DIRECTIVES.items():
        app.add_directive(name, directive, override=True)
    app.connect("builder-inited", announce_live_preview)
    app.connect("builder-inited", bound_parsers)
    app.connect("builder-inited", check_pages)
    app.connect("html-page-context", add_policy, priority=1000)
    return {"version": "0.3.0", "parallel_read_safe": True, "parallel_write_safe": True}
