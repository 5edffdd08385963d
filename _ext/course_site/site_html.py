"""site_html: this site's corrections to the HTML Sphinx writes for Furo's chrome.

- Sphinx writes a toctree caption as ``role="heading"`` without the ``aria-level`` that
  role requires (axe: aria-required-attr); Furo repeats those captions in its sidebar. The
  site's translator gives them level 2, under the page's ``<h1>``.
- The Previous/Next links follow the toctrees, which would lead a reader from the last
  course page into the contributors' pages. They stay within one part of the site: the
  course (the home page and the weeks), or everything else.
- The single-page build puts every page into one document, where two pages' ids (every
  week's "Metaphors at a glance") would clash; the later ones get their page's name in
  front, and the links to them follow. Links to a place on another page get the one
  fragment the single page has for it."""

from __future__ import annotations

import re
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


def page_of(node: nodes.Node | None, root: str) -> str:
    """The page a node of the single page came from: the single-page builder names it on
    each of the page's sections."""
    while node is not None and not (isinstance(node, nodes.section) and "docname" in node):
        node = node.parent
    return node["docname"] if node is not None else root


def unique_ids_in_one_page(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Once the single page's references are resolved; its links to a place on another
    page (``#document-page#id``, which no browser finds) become ``#id``."""
    if app.builder.name != "singlehtml":
        return
    seen: set[str] = set()
    renamed: dict[tuple[str, str], str] = {}
    for node in doctree.findall(nodes.Element):
        ids = node.get("ids", [])
        for index, old in enumerate(ids):
            if old in seen:
                page = page_of(node, docname)
                new = nodes.make_id(f"{page}-{old}")
                while new in seen:
                    new += "-1"
                ids[index] = renamed[page, old] = new
            seen.add(ids[index])
    for reference in doctree.findall(nodes.reference):
        # A link to a place on another page: one fragment, as the single page has it.
        if found := re.fullmatch(r"#document-(.+?)#(.+)", reference.get("refuri", "")):
            reference["refuri"] = "#" + renamed.get((found[1], found[2]), found[2])
        elif "refid" in reference and (key := (page_of(reference, docname), reference["refid"])) in renamed:
            reference["refid"] = renamed[key]


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("course_site.structure")
    app.connect("builder-inited", use_site_translator)
    app.connect("html-page-context", keep_reading_order_in_one_part)
    app.connect("doctree-resolved", unique_ids_in_one_page)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
