"""What a page's template writes when the page has no content: its frame.

The written page is compared with it (``page``) and the policy is hashed from it
(``policy``), so nothing a page's content holds can add to either. Rendered once per template, folder depth, asset list and address, with every value that
carries content emptied.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from selectolax.lexbor import LexborHTMLParser

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder

# Context values that carry a page's content.
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
# Elements whose every attribute and text must be the template's own.
ACTIVE = frozenset(
    "script style link meta base iframe frame frameset object embed applet form template portal".split()
)


def fingerprint(node) -> tuple:
    text = node.text(deep=True) if node.tag in ("script", "style") else None
    return node.tag, tuple(sorted(node.attributes.items())), text


@dataclass(frozen=True)
class Frame:
    elements: frozenset[tuple]
    # (element, attribute) pairs the template writes, for content's elements of those kinds.
    shapes: frozenset[tuple[str, str]]
    inline_scripts: frozenset[str]
    styles: frozenset[str]
    style_attributes: frozenset[str]
    # Whether content may write an (element, attribute) pair, as pages ask (``page``).
    attribute_kinds: dict[tuple[str, str], bool] = field(default_factory=dict, compare=False, hash=False)


def frame_of(app: Sphinx, pagename: str, templatename: str, context: dict) -> Frame:
    scripts = tuple(sorted(context.get("script_files", ()), key=lambda js: getattr(js, "priority", 500)))
    styles = tuple(sorted(context.get("css_files", ()), key=lambda css: getattr(css, "priority", 500)))
    # Pages as deep in the folders share a frame: the template's links differ only by it.
    depth = app.builder.get_target_uri(pagename).count("/")
    key = (templatename, depth, scripts, styles, context.get("pageurl"))
    cache = FRAMES.setdefault(app.builder, {})
    if key not in cache:
        empty = {
            **context,
            **dict.fromkeys(CONTENT_KEYS, ""),
            "script_files": list(scripts),
            "css_files": list(styles),
            "toctree": lambda **options: "",
        }
        cache[key] = build_frame(render(app, templatename, empty))
    return cache[key]


def build_frame(html: str) -> Frame:
    tree = LexborHTMLParser(html)
    nodes = [node for node in tree.root.traverse() if not (node.tag or "-").startswith("-")]
    return Frame(
        elements=frozenset(fingerprint(node) for node in nodes),
        shapes=frozenset((node.tag, name) for node in nodes for name in node.attributes),
        inline_scripts=frozenset(node.text(deep=True) for node in tree.css("script:not([src])")),
        styles=frozenset(node.text(deep=True) for node in tree.css("style")),
        style_attributes=frozenset(node.attributes["style"] or "" for node in tree.css("[style]")),
    )


def render(app: Sphinx, templatename: str, context: dict) -> str:
    """The template rendered as the builder would, without the written page's check."""
    templates = app.builder.templates
    return getattr(templates, "unchecked", templates).render(templatename, context)


# Per builder, so a second build in the same process (tests) starts afresh.
FRAMES: WeakKeyDictionary[Builder, dict[tuple, Frame]] = WeakKeyDictionary()
