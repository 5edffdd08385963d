"""The last line of defence: every written page, read whole with an HTML5 parser, is
compared with its frame (``frame``: what its template writes with no content). Outside
what the frame holds as written, the page may hold only what content may: the elements and
attributes docutils, Sphinx, MyST, sphinx-design and the project's extensions write in an
article, the page metadata of ``content.ALLOWED_META``, links to the next and previous
page and the policy (``policy``). Head, header, sidebars, footer and every script are
read, not just the article. If anything else reached the page (a bug in the first line, a
new extension writing raw HTML, a template copying content), the build fails located at
the page, and the page ships without it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from selectolax.lexbor import LexborHTMLParser

from .content import ALLOWED_META, warn
from .frame import ACTIVE, Frame, fingerprint, frame_of
from .policy import policy_elements
from .sanitize import unsafe_url

if TYPE_CHECKING:
    from sphinx.application import Sphinx

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
URL_ATTRIBUTES = frozenset({"href", "src", "cite", "action", "formaction", "data", "poster", "srcset"})
# sphinx-design's tabs are radio buttons; nothing else in content is a form control.
INPUT_TYPES = frozenset({"radio", "checkbox"})
# What docutils' HTML writer adds to every page's metadata.
WRITER_ELEMENTS = frozenset(
    {("meta", (("content", "width=device-width, initial-scale=1"), ("name", "viewport")), None)}
)
# Links a page's neighbours write into its head.
NEIGHBOUR_LINKS = frozenset({"next", "prev"})


def content_may_hold(tag: str, attributes: dict) -> bool:
    """An active element that comes from a page's content: its metadata and neighbours."""
    names = set(attributes)
    if tag == "meta":
        return names == {"name", "content"} and (attributes["name"] or "").lower() in ALLOWED_META
    if tag == "link":
        href = attributes.get("href") or ""
        return (
            names <= {"rel", "title", "href"}
            and attributes.get("rel") in NEIGHBOUR_LINKS
            and ":" not in href.split("/", 1)[0]
        )
    return False


def allowed_attribute(frame: Frame, tag: str, name: str, value: str | None) -> bool:
    kind = frame.attribute_kinds.get((tag, name))
    if kind is None:
        kind = frame.attribute_kinds[tag, name] = allowed_kind(frame, tag, name)
    return kind and not (value and name.lower() in URL_ATTRIBUTES and unsafe_url(value))


def allowed_kind(frame: Frame, tag: str, name: str) -> bool:
    name = name.lower()
    written = name in ATTRIBUTES or name.startswith(("aria-", "data-"))
    # The theme's own kinds of attribute, but never a handler or a style: those only as
    # the frame writes them, element and all.
    themed = (tag, name) in frame.shapes and not name.startswith("on") and name != "style"
    return written or themed


def element_allowed(tag: str, attributes: dict, frame_tags: set[str]) -> bool:
    return not (
        (tag in ACTIVE and not content_may_hold(tag, attributes))
        or (tag not in ELEMENTS and tag not in frame_tags)
        or (tag == "input" and attributes.get("type") not in INPUT_TYPES)
    )


def findings(html: str, frame: Frame, extra: frozenset[tuple] = frozenset()) -> tuple[list[str], str]:
    """What ``html`` holds beyond ``frame`` and what content may hold, and ``html`` without it."""
    tree = LexborHTMLParser(html)
    allowed = frame.elements | WRITER_ELEMENTS | extra
    frame_tags = {element[0] for element in frame.elements}
    found: list[str] = []
    for node in list(tree.root.traverse()) if tree.root else ():
        tag = node.tag or ""
        if tag.startswith("-"):
            continue
        attributes = node.attributes
        kept = element_allowed(tag, attributes, frame_tags)
        refused = [
            name for name, value in attributes.items() if not allowed_attribute(frame, tag, name, value)
        ]
        # What content may hold needs no frame; the rest only as the frame writes it.
        if (kept and not refused) or fingerprint(node) in allowed:
            continue
        if not kept:
            found.append(f"<{tag}>")
            node.decompose()
            continue
        for name in refused:
            found.append(f"{name}= on <{tag}>")
            del node.attrs[name]
    if not found:
        return [], html
    return list(dict.fromkeys(found)), tree.html or ""


def has_policy(app: Sphinx) -> bool:
    return not app.builder.name.startswith("epub") and not app.config.content_security_live_preview


class CheckedTemplates:
    """The builder's templates, with every page they render checked whole."""

    def __init__(self, app: Sphinx, templates) -> None:
        self.app = app
        self.unchecked = templates

    def __getattr__(self, name: str):
        return getattr(self.unchecked, name)

    def render(self, templatename: str, context: dict) -> str:
        html = self.unchecked.render(templatename, context)
        pagename = context.get("pagename")
        if pagename is None:
            return html
        app = self.app
        frame = frame_of(app, pagename, templatename, context)
        own = policy_elements(frame, context) if has_policy(app) else []
        found, html = findings(html, frame, frozenset(fingerprint(element) for element in parsed(own)))
        if found:
            warn(
                f"the written page {app.builder.get_target_uri(pagename)} holds {', '.join(found)}, "
                "which neither its template writes nor its content may hold; it was left out of the "
                "page. Report this: content got past the content policy",
                "page",
                pagename if pagename in app.env.all_docs else None,
            )
        return html


def parsed(elements: list[str]) -> list:
    head = LexborHTMLParser("<head>" + "".join(elements) + "</head>").head
    return list(head.iter()) if head else []


def check_pages(app: Sphinx) -> None:
    if app.builder.format == "html" and not isinstance(app.builder.templates, CheckedTemplates):
        app.builder.templates = CheckedTemplates(app, app.builder.templates)
