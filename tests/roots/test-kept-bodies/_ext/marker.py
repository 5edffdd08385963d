"""A role whose HTML is a constant of this file: changing the file changes the pages."""

from docutils import nodes

MARK = "first mark"


class marker(nodes.Inline, nodes.TextElement):
    pass


def marker_role(name, rawtext, text, lineno, inliner, options=None, content=None):
    return [marker(rawtext, text)], []


def visit_marker(self, node):
    self.body.append(f'<span class="marker">{MARK}: ')


def depart_marker(self, node):
    self.body.append("</span>")


def setup(app):
    app.add_node(marker, html=(visit_marker, depart_marker))
    app.add_role("marker", marker_role)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
