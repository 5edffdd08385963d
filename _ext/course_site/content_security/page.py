"""The last line of defence: each written page's content, read with an HTML5 parser, may
hold only the elements and attributes the theme and the project's extensions write. If
anything else reached it (a bug in the first line, a new extension writing raw HTML), the
build fails, located at the page's source, and the page ships without it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser
from sphinx.util import logging

from .sanitize import unsafe_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

# What docutils, Sphinx, MyST, sphinx-design and the card extension (its notes and reading
# progress controls are buttons) write in an article.
ELEMENTS = frozenset(
    """a abbr article aside blockquote br button caption cite code col colgroup dd del details dfn
    div dl dt em figcaption figure footer h1 h2 h3 h4 h5 h6 header hr i img input ins kbd label
    li mark nav noscript ol p pre q rp rt ruby s samp section small span strong sub summary sup
    table tbody td tfoot th thead tr tt u ul var wbr svg path g circle rect line polyline
    polygon ellipse""".split()
)
ATTRIBUTES = frozenset(
    """class id title lang dir role hidden tabindex href src alt width height loading
    decoding colspan rowspan scope headers span start reversed type value open name for
    checked download rel datetime cite abbr viewbox d fill fill-rule clip-rule stroke
    stroke-width stroke-linecap stroke-linejoin xmlns version focusable x y cx cy r rx ry
    x1 x2 y1 y2 points transform""".split()
)
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
# sphinx-design's tabs are radio buttons; nothing else in content is a form control.
INPUT_TYPES = frozenset({"radio", "checkbox"})
CHECKED_CONTEXT = ("body", "title", "toc")


def findings(html: str) -> tuple[list[str], str]:
    """What ``html`` holds outside the allowlist, and ``html`` without it."""
    tree = LexborHTMLParser(html, is_fragment=True)
    found: list[str] = []
    for node in list(tree.root.traverse()) if tree.root else ():
        tag = node.tag or ""
        if tag.startswith("-"):
            continue
        if tag not in ELEMENTS or (tag == "input" and node.attributes.get("type") not in INPUT_TYPES):
            found.append(f"<{tag}>")
            node.decompose()
            continue
        for name, value in node.attributes.items():
            allowed = name.lower() in ATTRIBUTES or name.startswith(("aria-", "data-"))
            if not allowed or (name in URL_ATTRIBUTES and value and unsafe_url(value)):
                found.append(f"{name}= on <{tag}>")
                del node.attrs[name]
    if not found:
        return [], html
    return list(dict.fromkeys(found)), tree.html or ""


def check_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None:
        return
    for key in CHECKED_CONTEXT:
        if not isinstance(context.get(key), str):
            continue
        found, cleaned = findings(context[key])
        if found:
            logger.warning(
                f"the written page's {key} holds {', '.join(found)}, which nothing in this site "
                "writes; it was left out of the page. Report this: content got past the content policy",
                location=pagename,
                type="content_security",
                subtype="page",
            )
            context[key] = cleaned
