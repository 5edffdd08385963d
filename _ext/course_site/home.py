"""course_site.home: ``course-weeks``, a link to every week of the course, from the toctree.

The home page writes ``course-weeks`` where the weeks are offered; each week's link
("Start Week 7 – Safe Connections", from the week page's title) is filled in once every
page is read, so a new week appears without editing the home page. (Sphinx writes the home
page again when a week is added or retitled: its toctree lists the weeks.)"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.nodes import make_refnode

from . import structure

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

# The look of a sphinx-design primary button, and the site's own class for it.
BUTTON = ["sd-sphinx-override", "sd-btn", "sd-text-wrap", "sd-btn-primary", "course-start"]


class course_weeks(nodes.General, nodes.Element):
    """Placeholder for the links, filled in when the page is written."""


class CourseWeeks(SphinxDirective):
    def run(self) -> list[nodes.Node]:
        placeholder = course_weeks()
        self.set_source_info(placeholder)
        return [placeholder]


def week_titles(env: BuildEnvironment) -> list[tuple[str, str]]:
    return [
        (week.index, env.titles[week.index].astext() if week.index in env.titles else week.title)
        for week in structure.from_env(env).weeks
    ]


# The container where the first week's link shares its place with the "continue" line.
WAY_IN = "course-home-way"


def fill_in(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The links in place of ``course-weeks``. In the way in, only the first week's stays:
    the later weeks' follow the way in, so that the keyboard, like the eye, meets the
    "continue" line before them."""
    for placeholder in list(doctree.findall(course_weeks)):
        links = []
        for index, title in week_titles(app.env):
            link = make_refnode(app.builder, docname, index, "", nodes.inline(text=f"Start {title}"))
            link["classes"] += BUTTON
            links.append(nodes.paragraph("", "", link))
        way_in = placeholder.parent
        if WAY_IN in way_in.get("classes", []) and way_in.parent is not None:
            placeholder.replace_self(links[:1])
            way_in.parent.insert(way_in.parent.index(way_in) + 1, links[1:])
        else:
            placeholder.replace_self(links)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("course_site.structure")
    app.add_node(course_weeks)
    app.add_directive("course-weeks", CourseWeeks)
    app.connect("doctree-resolved", fill_in)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
