"""content_security: a strict Content-Security-Policy ``<meta>`` on every HTML page.

Scripts may come from the site itself or be an inline script of the theme's templates,
allowed by hash (Furo's theme script); inline styles likewise. Inline scripts inside the
page's content are never hashed, so a ``<script>`` smuggled into content is refused by the
browser. Hashes depend on the templates and the configuration, so they are computed from
each written page, with the content marked off while the page is rendered."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

CONTENT_START = "<!-- content_security: page content -->"
CONTENT_END = "<!-- content_security: end of page content -->"
CONTENT = re.compile(re.escape(CONTENT_START) + ".*?" + re.escape(CONTENT_END), re.S)
META = re.compile(r'<meta http-equiv="Content-Security-Policy"[^>]*>\n?')
CHARSET = re.compile(r"<meta charset=[^>]*>\n?", re.I)


class InlineCode(HTMLParser):
    """Collects the text of inline scripts and style elements, and style attributes."""

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


def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def hashes(texts: list[str]) -> str:
    return "".join(" " + digest for digest in sorted({sha256(text) for text in texts}))


def policy(code: InlineCode) -> str:
    unsafe_hashes = " 'unsafe-hashes'" if code.style_attributes else ""
    directives = [
        "default-src 'self'",
        f"script-src 'self'{hashes(code.scripts)}",
        f"style-src 'self'{unsafe_hashes}{hashes(code.styles + code.style_attributes)}",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
    ]
    return "; ".join(directives)


def add_policy(page: Path) -> None:
    """Adds or renews the page's policy; a page whose policy is current is left untouched."""
    written = page.read_text(encoding="utf-8")
    html = META.sub("", written)
    found = InlineCode()
    found.feed(CONTENT.sub("", html))
    meta = f'<meta http-equiv="Content-Security-Policy" content="{policy(found)}">\n'
    html, replaced = CHARSET.subn(lambda match: match.group(0) + meta, html, count=1)
    if not replaced:
        html = meta + html
    if html != written:
        page.write_text(html, encoding="utf-8")


def mark_content(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if "body" in context:
        context["body"] = f"{CONTENT_START}{context['body']}{CONTENT_END}"


def add_policies(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.format == "html" and app.builder.name != "epub":
        for page in Path(app.outdir).rglob("*.html"):
            add_policy(page)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("html-page-context", mark_content)
    app.connect("build-finished", add_policies)
    return {"version": "0.1.0", "parallel_read_safe": True, "parallel_write_safe": True}
