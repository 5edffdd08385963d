"""course_site.once_per_build: work Sphinx repeats for every page it writes, done once per
build; what it gives is the same.

- The search index stems every word of every page, remembering stems within one page
  only; with snowball's pure-Python stemmer that was most of the time a course of many
  weeks spent writing its pages. Here each word is stemmed once per build.
- Every page renders the titles of its previous, next and parent pages (and its own) as
  HTML, each a small docutils document of its own; a title is rendered once per build.
- Every page links each style sheet and script with its checksum, and Sphinx resolves
  the file's path on disk for each (its own cache is by resolved path); here each
  asset's checksum is looked up once per build.
- Jinja asks whether each template file changed at every include of every page; while
  pages are written, templates do not change.
- Python's cycle collector scans every object the build holds at each full collection,
  a few times a build; what exists when writing starts (the environment above all)
  lives until the build ends, so it is set aside then (``gc.freeze``) and given back to
  the collector when the build ends.

Both matter most when a retitle gives every page new navigation and every page is
written again."""

from __future__ import annotations

import functools
import gc
import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary, WeakSet

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata


def remember_stems(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Before the first page is fed to the index (its doctree is resolved first)."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is not None and not hasattr(indexer.lang.stem, "cache_info"):
        indexer.lang.stem = functools.cache(indexer.lang.stem)


@dataclass
class Titles:
    """One build's title nodes (the environment holds each until the build ends, so no
    id is reused) and their renderings."""

    ids: set[int]
    rendered: dict[int, dict[str, str]] = field(default_factory=dict)


TITLES: WeakKeyDictionary[Any, Titles] = WeakKeyDictionary()
WATCHED: WeakSet[Any] = WeakSet()  # builders whose render_partial is wrapped


def remember_titles(app: Sphinx, builder: Any) -> None:
    """When writing starts: the environment's title nodes no longer change."""
    render_partial = getattr(builder, "render_partial", None)
    if render_partial is None:
        return
    env = builder.env
    TITLES[builder] = Titles({id(node) for node in (*env.titles.values(), *env.longtitles.values())})
    if builder in WATCHED:
        return
    WATCHED.add(builder)

    def render_partial_once(node: nodes.Node | None) -> dict[str, str]:
        titles = TITLES.get(builder)
        if titles is None or id(node) not in titles.ids:
            return render_partial(node)
        if id(node) not in titles.rendered:
            titles.rendered[id(node)] = render_partial(node)
        return dict(titles.rendered[id(node)])

    builder.render_partial = render_partial_once


def forget_titles(app: Sphinx, exception: Exception | None) -> None:
    TITLES.pop(app.builder, None)


def remember_checksums(app: Sphinx, builder: Any) -> None:
    """When writing starts; filled as pages are written, once Sphinx has copied the assets."""
    from sphinx.builders import html

    file_checksum = getattr(html._file_checksum, "__wrapped__", html._file_checksum)
    checksums: dict[tuple[str, str], str] = {}

    @functools.wraps(file_checksum)
    def file_checksum_once(outdir: os.PathLike[str], filename: str | os.PathLike[str]) -> str:
        key = os.fspath(outdir), os.fspath(filename)
        if key not in checksums:
            checksums[key] = file_checksum(outdir, filename)
        return checksums[key]

    html._file_checksum = file_checksum_once


def template_environment(builder: Any) -> Any:
    """The builder's Jinja environment, where it has one."""
    return getattr(getattr(builder, "templates", None), "environment", None)


def templates_checked_once(app: Sphinx, builder: Any) -> None:
    """The templates compiled before writing starts (a previous build of this application
    may have compiled them) are checked now, once."""
    environment = template_environment(builder)
    if environment is not None:
        if environment.cache is not None:
            for key, template in list(environment.cache.items()):
                if not template.is_up_to_date:
                    del environment.cache[key]
        environment.auto_reload = False


def set_aside(app: Sphinx, builder: Any) -> None:
    gc.freeze()


def give_back(app: Sphinx, exception: Exception | None) -> None:
    from sphinx.builders import html

    html._file_checksum = getattr(html._file_checksum, "__wrapped__", html._file_checksum)
    environment = template_environment(app.builder)
    if environment is not None:
        environment.auto_reload = True
    gc.unfreeze()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("write-started", remember_titles)
    app.connect("write-started", remember_checksums)
    app.connect("write-started", templates_checked_once)
    # Last, once the other extensions have made what they keep for the writing.
    app.connect("write-started", set_aside, priority=1000)
    app.connect("build-finished", forget_titles)
    app.connect("build-finished", give_back)
    app.connect("doctree-resolved", remember_stems)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
