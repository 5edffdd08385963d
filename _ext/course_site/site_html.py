"""site_html: this site's corrections to the HTML Sphinx writes for Furo's chrome.

- Sphinx writes a toctree caption as ``role="heading"`` without the ``aria-level`` that
  role requires (axe: aria-required-attr); Furo repeats those captions in its sidebar. The
  site's translator gives them level 2, under the page's ``<h1>``.
- The Previous/Next links follow the toctrees, which would lead a reader from the last
  course page into the contributors' pages. They stay within one part of the site: the
  course (the home page and the weeks), or everything else."""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

from . import structure

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


def in_the_course(app: Sphinx, docname: str) -> bool:
    return structure.from_env(app.env).in_course(docname)


def keep_reading_order_in_one_part(
    app: Sphinx, pagename: str, templatename: str, context: dict, doctree
) -> None:
    relations = getattr(app.builder, "relations", {}).get(pagename)
    if not relations:
        return
    _, previous, following = relations
    for key, neighbour in (("prev", previous), ("next", following)):
        if neighbour and in_the_course(app, neighbour) != in_the_course(app, pagename):
            context[key] = None


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("course_site.structure")
    app.connect("builder-inited", use_site_translator)
    app.connect("html-page-context", keep_reading_order_in_one_part)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
