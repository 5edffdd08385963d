"""site_html: this site's corrections to the HTML Sphinx writes for Furo's chrome.

Sphinx writes a toctree caption as ``role="heading"`` without the ``aria-level`` that
role requires (axe: aria-required-attr); Furo repeats those captions in its sidebar. The
site's translator gives them level 2, under the page's ``<h1>``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata
    from sphinx.writers.html5 import HTML5Translator

CAPTION_LEVEL = "2"


class CaptionLevel:
    """Mixed into the builder's own translator class, whatever it is."""

    def visit_title(self: HTML5Translator, node: nodes.title) -> None:
        if isinstance(node.parent, addnodes.compact_paragraph) and node.parent.get("toctree"):
            self.body.append(
                self.starttag(node, "p", "", CLASS="caption", ROLE="heading", **{"aria-level": CAPTION_LEVEL})
            )
            self.body.append('<span class="caption-text">')
            self.context.append("</span></p>\n")
        else:
            super().visit_title(node)


def use_site_translator(app: Sphinx) -> None:
    if app.builder.format == "html":
        base = app.registry.get_translator_class(app.builder)
        app.set_translator(app.builder.name, type("SiteTranslator", (CaptionLevel, base), {}), override=True)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", use_site_translator)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
