"""reader_search: the site's search is the readers' search.

The pages no toctree reaches from the home page (the contributors' guides, linked from
every page's footer as "For contributors") are left out of the search index, so a reader
who searches "reflection" or "notes" finds the course and the privacy page, never a page
about directives and options. They are left out rather than ranked last: a reader has no
use for them in a list of results, and their example cards take notes like the course's
own. Contributors reach them from the footer.

Sphinx leaves a page out of the index when its metadata holds ``nosearch``; that is set
here, once every page is read, from the toctrees as they are in this build."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

LEFT_OUT = "nosearch"


def reached_from_root(env: BuildEnvironment) -> set[str]:
    """The root page and every page its toctrees lead to, however deep."""
    reached: set[str] = set()
    pending = [env.config.root_doc]
    while pending:
        docname = pending.pop()
        if docname not in reached:
            reached.add(docname)
            pending.extend(env.toctree_includes.get(docname, ()))
    return reached


def leave_out_pages_outside_the_navigation(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Marks each page in or out of the index; returns those whose mark changed, so their
    pages (and with them the index) are written again."""
    reached = reached_from_root(env)
    changed = []
    for docname in sorted(env.found_docs):
        metadata = env.metadata.setdefault(docname, {})
        out = docname not in reached
        if out != (LEFT_OUT in metadata):
            changed.append(docname)
        if out:
            metadata[LEFT_OUT] = True
        else:
            metadata.pop(LEFT_OUT, None)
    return changed


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-updated", leave_out_pages_outside_the_navigation)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
