"""The Content-Security-Policy ``<meta>`` on every HTML page, from the templates alone.

Inline scripts and styles the theme writes (Furo's theme script, its code colours, its
icons' ``style`` values) are allowed by hash. The hashes come from rendering the page's
template with every content-bearing value emptied, once per template and build; nothing
on the page itself is read. So no inline code from content can be hashed into the policy,
wherever the theme copies that content (article, sidebar, title).
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from selectolax.lexbor import LexborHTMLParser

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

# Each directive and why. A <meta> policy cannot set frame-ancestors, report-uri or sandbox.
POLICY = {
    # Anything not named below: this site only.
    "default-src": "'self'",
    # The site's own scripts, and the theme's inline ones by hash (added per page).
    "script-src": "'self'",
    # The site's stylesheets, and the theme's inline styles by hash (added per page).
    "style-src": "'self'",
    # The site's images, and the data: URIs Furo and the cards use for icons.
    "img-src": "'self' data:",
    "font-src": "'self'",
    "media-src": "'self'",
    # The search index and the notes script fetch nothing from anywhere else.
    "connect-src": "'self'",
    # No plugins, frames, workers or manifests: the site uses none.
    "object-src": "'none'",
    "frame-src": "'none'",
    "child-src": "'none'",
    "worker-src": "'none'",
    "manifest-src": "'none'",
    # A <base> element could point every relative link elsewhere.
    "base-uri": "'self'",
    # Furo's search box submits to the site's own search page, nowhere else.
    "form-action": "'self'",
}

# Context values that carry a page's content; emptied to render a page with none.
CONTENT_KEYS = (
    "body",
    "title",
    "toc",
    "metatags",
    "meta",
    "parents",
    "prev",
    "next",
    "rellinks",
    "sourcename",
    "display_toc",
    "furo_navigation_tree",
)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(page: str) -> str:
    """The policy allowing exactly the inline scripts and styles of ``page``."""
    tree = LexborHTMLParser(page)
    scripts = {sha256(node.text(deep=True)) for node in tree.css("script:not([src])")}
    styles = {sha256(node.text(deep=True)) for node in tree.css("style")}
    style_attributes = {sha256(node.attributes["style"] or "") for node in tree.css("[style]")}
    directives = dict(POLICY)
    directives["script-src"] += "".join(" " + h for h in sorted(scripts))
    unsafe_hashes = " 'unsafe-hashes'" if style_attributes else ""
    directives["style-src"] += unsafe_hashes + "".join(" " + h for h in sorted(styles | style_attributes))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# Per builder, so a second build in the same process (tests) starts afresh.
POLICIES: WeakKeyDictionary[Builder, dict[str, str]] = WeakKeyDictionary()


def template_policy(app: Sphinx, templatename: str, context: dict) -> str:
    """The policy for pages of one template: its inline code when rendered with no
    content at all. Computed once per template and build."""
    cache = POLICIES.setdefault(app.builder, {})
    if templatename not in cache:
        empty = {**context, **dict.fromkeys(CONTENT_KEYS, ""), "toctree": lambda **options: ""}
        cache[templatename] = policy(app.builder.templates.render(templatename, empty))
    return cache[templatename]


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name.startswith("epub") or app.config.content_security_live_preview:
        return
    meta = f'<meta http-equiv="Content-Security-Policy" content="{template_policy(app, templatename, context)}">\n'
    # First in <head>'s metadata, before any script or style it governs.
    context["metatags"] = meta + context.get("metatags", "")
