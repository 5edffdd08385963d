"""course_site.once_per_build: work Sphinx repeats for every page it writes, done once per
build; what it gives is the same.

- The search index stems every word of every page, remembering stems within one page
  only; with snowball's pure-Python stemmer that was most of the time a course of many
  weeks spent writing its pages. Here each word is stemmed once per build.
- Every page renders the titles of its previous, next and parent pages (and its own) as
  HTML, each a small docutils document of its own; a title is rendered once per build.

Both matter most when a retitle gives every page new navigation and every page is
written again."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def remember_stems(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Before the first page is fed to the index (its doctree is resolved first)."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is not None and not hasattr(indexer.lang.stem, "cache_info"):
        indexer.lang.stem = functools.cache(indexer.lang.stem)


def remember_titles(app: Sphinx, builder: Any) -> None:
    """When writing starts: the environment's title nodes no longer change."""
    render_partial = getattr(builder, "render_partial", None)
    if render_partial is None or getattr(render_partial, "remembers_titles", False):
        return
    env = builder.env
    # The environment holds every title node until the build ends, so no id is reused.
    titles = {id(node) for node in (*env.titles.values(), *env.longtitles.values())}
    rendered: dict[int, dict[str, str]] = {}

    def render_partial_once(node: nodes.Node | None) -> dict[str, str]:
        if id(node) not in titles:
            return render_partial(node)
        if id(node) not in rendered:
            rendered[id(node)] = render_partial(node)
        return dict(rendered[id(node)])

    render_partial_once.remembers_titles = True  # type: ignore[attr-defined]
    builder.render_partial = render_partial_once


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("write-started", remember_titles)
    app.connect("doctree-resolved", remember_stems)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
