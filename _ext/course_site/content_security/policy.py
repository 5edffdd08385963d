"""The Content-Security-Policy ``<meta>`` on every HTML page, from the page's frame alone.

Scripts run only by hash: the theme's inline ones by the hash of their text, the site's
files by the hash of their bytes, which each ``<script src>`` carries as its ``integrity``
(``page.sign_scripts``). So no file content ships (a download, an image, a text file) can
run as a script, even from this site. Inline styles are allowed by hash. Every hash comes
from the frame (``frame``): the template rendered with no content, so nothing on the page
itself is read and no inline code from content can be hashed into the policy.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .frame import Frame, digest, frame_of

if TYPE_CHECKING:
    from sphinx.application import Sphinx

# Each directive and why. A <meta> policy cannot set frame-ancestors, report-uri or sandbox.
POLICY = {
    # Anything not named below: this site only.
    "default-src": "'self'",
    # Scripts only by hash (added per page): not 'self', which would let any file of the
    # site run, a download included.
    "script-src": "",
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


def sha256(text: str) -> str:
    return f"'sha256-{digest(text.encode())}'"


def policy(frame: Frame) -> str:
    """The policy allowing exactly the scripts and styles of ``frame``."""
    scripts = {sha256(text) for text in frame.inline_scripts} | {
        f"'sha256-{d}'" for d in frame.files.values()
    }
    styles = {sha256(text) for text in frame.styles | frame.style_attributes}
    directives = dict(POLICY)
    directives["script-src"] = " ".join(sorted(scripts)) or "'none'"
    unsafe_hashes = " 'unsafe-hashes'" if frame.style_attributes else ""
    directives["style-src"] += unsafe_hashes + "".join(" " + h for h in sorted(styles))
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def policy_meta(frame: Frame) -> str:
    return f'<meta http-equiv="Content-Security-Policy" content="{policy(frame)}">'


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name.startswith("epub") or app.config.content_security_live_preview:
        return
    # First in <head>'s metadata, before any script or style it governs.
    context["metatags"] = (
        policy_meta(frame_of(app, pagename, templatename, context)) + "\n" + context.get("metatags", "")
    )
