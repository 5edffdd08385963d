"""Each word stemmed once per build.

The search index stems every word of every page, remembering stems within one page only;
with snowball's pure-Python stemmer that was most of the time a course of many weeks spent
writing its pages. A stem depends on the word alone, so the language's ``stem`` is cached
for the build."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from . import upstream
from .report import report

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


def remember_stems(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Before the first page is fed to the index (its doctree is resolved first)."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is None:
        return
    try:
        language = upstream.stemmer(indexer)
    except AttributeError:
        report("stems", "Sphinx's search index has no 'lang'")
        return
    if not hasattr(language.stem, "cache_info"):
        language.stem = functools.cache(language.stem)


def setup(app: Sphinx) -> None:
    app.connect("doctree-resolved", remember_stems)
