"""The Content-Security-Policy on every HTML page, from the page's frame alone.

Inline scripts and styles the theme writes (Furo's theme script, its icons' ``style``
values) are allowed by hash. The hashes come from the frame (``frame``): the template
rendered with no content, so nothing on the page itself is read and no inline code from
content can be hashed into the policy.

Script files run only from the site's script folder (``_static/``) and the search index:
not from ``_images/``, ``_downloads/`` or ``_sources/``, where content's files land, so a
download whose bytes are JavaScript never runs. A ``<meta>`` policy cannot name a path
without the site's address, which only the browser knows; so the first script of every
page, allowed by hash, adds a second policy naming those paths at the page's own address.
Browsers enforce both: a script runs only if each allows it. Read from disk (``file://``)
the first alone applies, as a page there shares its origin with every local file anyway.
"""

from __future__ import annotations

import base64
import hashlib
from typing import TYPE_CHECKING

from .frame import Frame, frame_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# Each directive and why. A <meta> policy cannot set frame-ancestors, report-uri or sandbox.
POLICY = {
    # Anything not named below: this site only.
    "default-src": "'self'",
    # The site's own scripts, narrowed to its script folder by SCRIPT_FOLDER, and the
    # theme's inline ones by hash (added per page).
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
# The second policy: script-src with the first one's hashes, and the site's script folder
# and search index at the page's address (the page's root is the script's data-root).
SCRIPT_FOLDER = (
    '(()=>{if(location.protocol==="file:")return;'
    "const s=document.currentScript,r=new URL(s.dataset.root,location.href),"
    "h=document.querySelector('meta[http-equiv=\"Content-Security-Policy\"]').content"
    '.split(";").find(d=>d.trim().startsWith("script-src")).match(/\'sha256-[^\']+\'/g)||[],'
    'm=document.createElement("meta");m.httpEquiv="Content-Security-Policy";'
    'm.content=["script-src",new URL("_static/",r),new URL("searchindex.js",r),...h].join(" ");'
    "s.after(m)})();"
)


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def policy(frame: Frame) -> str:
    """The policy allowing exactly the inline scripts and styles of ``frame``."""
    scripts = {sha256(text) for text in frame.inline_scripts | {SCRIPT_FOLDER}}
    styles = {sha256(text) for text in frame.styles | frame.style_attributes}
    directives = dict(POLICY)
    directives["script-src"] += "".join(" " + h for h in sorted(scripts))
    unsafe_hashes = " 'unsafe-hashes'" if frame.style_attributes else ""
    directives["style-src"] += unsafe_hashes + "".join(" " + h for h in sorted(styles))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def policy_elements(frame: Frame, context: dict) -> list[str]:
    """The policy's <meta> and the script that narrows it, as the page's head carries them."""
    return [
        f'<meta http-equiv="Content-Security-Policy" content="{policy(frame)}">',
        f'<script data-root="{context.get("content_root") or "./"}">{SCRIPT_FOLDER}</script>',
    ]


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name.startswith("epub") or app.config.content_security_live_preview:
        return
    elements = policy_elements(frame_of(app, pagename, templatename, context), context)
    # First in <head>'s metadata, before any script or style it governs.
    context["metatags"] = "\n".join(elements) + "\n" + context.get("metatags", "")
