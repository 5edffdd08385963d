"""content_security: what content may contain, and a strict Content-Security-Policy on
every HTML page.

Two halves, because content arrives as pull requests from people we don't know:

1. **Content policy, on the doctree.** Raw HTML (including the raw HTML MyST leaves in
   titles and paragraphs) is parsed with a real HTML parser. Only the elements and
   attributes in ``ALLOWED_ELEMENTS`` / ``ALLOWED_ATTRIBUTES`` pass; anything else, and
   any ``javascript:``/``data:``/``vbscript:`` link or off-site image, and any page
   metadata outside ``ALLOWED_META``, is a located warning typed
   ``content_security.<rule>`` (``html``, ``meta``, ``url``, ``remote``) that fails the strict build, and is removed from the page,
   so even a build without ``-W`` cannot run, load, restyle or redirect anything.

2. **The policy, from the templates alone.** Inline scripts and styles the theme writes
   (Furo's theme script, its code colours, its icons' ``style`` values) are allowed by
   hash. The hashes come from rendering the page's template with every content-bearing
   value emptied, once per template and build; nothing on the page itself is read. So no
   inline code from content can ever be hashed into the policy, wherever the theme copies
   that content (article, sidebar, title), and there is no boundary to forge.
"""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Harmless phrasing elements content may write as raw HTML, and the attributes they may carry.
ALLOWED_ELEMENTS = frozenset(
    {"br", "wbr", "kbd", "abbr", "sup", "sub", "small", "mark", "em", "strong", "span"}
)
ALLOWED_ATTRIBUTES = frozenset({"title", "lang", "dir"})
# Page metadata a page's front matter may set (MyST ``html_meta``).
ALLOWED_META = frozenset({"description", "keywords", "author", "robots"})
UNSAFE_SCHEMES = frozenset({"javascript", "data", "vbscript"})

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


def warn(message: str, rule: str, location) -> None:
    logger.warning(message, location=location, type="content_security", subtype=rule)


# Content policy.


class RawHTMLFindings(HTMLParser):
    """What a piece of raw HTML holds that the content policy does not allow."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[str] = []
        self.rule = "html"

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_ELEMENTS:
            self.findings.append(f"<{tag}>")
            return
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES:
                self.findings.append(f"{name}= on <{tag}>")
            elif value and unsafe_url(value):
                self.findings.append(f"a {value.split(':')[0].strip()}: URL")

    handle_startendtag = handle_starttag

    def handle_pi(self, data: str) -> None:
        self.findings.append("a processing instruction")

    def unknown_decl(self, data: str) -> None:
        self.findings.append("a markup declaration")


def unsafe_url(url: str) -> bool:
    # Browsers ignore tabs, newlines and leading spaces in a scheme: "java\tscript:".
    cleaned = re.sub(r"[\x00-\x20]", "", url).lower()
    return cleaned.split(":", 1)[0] in UNSAFE_SCHEMES and ":" in cleaned


def off_site(url: str) -> bool:
    return bool(re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", url.strip(), re.I))


def check_content(app: Sphinx, doctree: nodes.document) -> None:
    """Report and remove whatever the content policy does not allow."""
    for raw in list(doctree.findall(nodes.raw)):
        if "html" not in raw.get("format", "").split():
            continue
        parser = RawHTMLFindings()
        parser.feed(raw.astext())
        parser.close()
        if parser.findings:
            warn(
                f"raw HTML here holds {', '.join(dict.fromkeys(parser.findings))}, which content may "
                f"not contain; allowed are <{'>, <'.join(sorted(ALLOWED_ELEMENTS))}> with "
                f"{', '.join(sorted(ALLOWED_ATTRIBUTES))}= (CONTRIBUTING: 'What content may contain')",
                "html",
                raw,
            )
            raw.parent.remove(raw)
    for meta in list(doctree.findall(nodes.meta)):
        name = meta.get("name", "").lower()
        if name not in ALLOWED_META:
            key = f"http-equiv={meta['http-equiv']}" if meta.get("http-equiv") else (name or "metadata")
            warn(
                f"page metadata {key!r} is not allowed; front matter html_meta may set "
                f"{', '.join(sorted(ALLOWED_META))}",
                "meta",
                (app.env.current_document.docname, 1),
            )
            meta.parent.remove(meta)
    for reference in list(doctree.findall(nodes.reference)):
        if unsafe_url(reference.get("refuri", "")):
            warn(
                f"link {reference['refuri']!r} runs code or embeds data; link to a page instead",
                "url",
                reference,
            )
            reference.replace_self(nodes.inline("", "", *reference.children))
    for image in list(doctree.findall(nodes.image)):
        if off_site(image["uri"]) or unsafe_url(image["uri"]):
            warn(
                f"image {image['uri']!r} is not a file of this site; put it in _static/ and link it from there",
                "remote",
                image,
            )
            image.parent.remove(image)


# The policy.


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


class InlineCode(HTMLParser):
    """Inline scripts, style elements and style attributes of a rendered page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.style_attributes: list[str] = []
        self._open: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("style") is not None:
            self.style_attributes.append(attributes["style"])
        if (tag == "script" and "src" not in attributes) or tag == "style":
            self._open = self.scripts if tag == "script" else self.styles
            self._open.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style"):
            self._open = None

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self._open[-1] += data


def policy(code: InlineCode) -> str:
    directives = dict(POLICY)
    directives["script-src"] += "".join(" " + h for h in sorted({sha256(s) for s in code.scripts}))
    style_hashes = sorted({sha256(s) for s in code.styles + code.style_attributes})
    unsafe_hashes = " 'unsafe-hashes'" if code.style_attributes else ""
    directives["style-src"] += unsafe_hashes + "".join(" " + h for h in style_hashes)
    return "; ".join(f"{name} {value}" for name, value in directives.items())


# Per builder, so a second build in the same process (tests) starts afresh.
POLICIES: WeakKeyDictionary[Builder, dict[str, str]] = WeakKeyDictionary()


def template_policy(app: Sphinx, templatename: str, context: dict) -> str:
    """The policy for pages of one template: its inline code when rendered with no
    content at all. Computed once per template and build."""
    cache = POLICIES.setdefault(app.builder, {})
    if templatename not in cache:
        empty = {**context, **dict.fromkeys(CONTENT_KEYS, ""), "toctree": lambda **options: ""}
        found = InlineCode()
        found.feed(app.builder.templates.render(templatename, empty))
        cache[templatename] = policy(found)
    return cache[templatename]


def add_policy(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.name.startswith("epub"):
        return
    if app.config.content_security_live_preview:
        return
    meta = f'<meta http-equiv="Content-Security-Policy" content="{template_policy(app, templatename, context)}">\n'
    # First in <head>'s metadata, before any script or style it governs.
    context["metatags"] = meta + context.get("metatags", "")


def announce_live_preview(app: Sphinx) -> None:
    if app.config.content_security_live_preview and app.builder.format == "html":
        logger.info("content_security: live preview build, pages carry no Content-Security-Policy")


def setup(app: Sphinx) -> ExtensionMetadata:
    # Only `make livehtml` sets this: sphinx-autobuild injects an inline reload script.
    app.add_config_value("content_security_live_preview", False, "html", types=frozenset({bool}))
    app.connect("doctree-read", check_content)
    app.connect("builder-inited", announce_live_preview)
    app.connect("html-page-context", add_policy, priority=1000)
    return {"version": "0.2.0", "parallel_read_safe": True, "parallel_write_safe": True}
