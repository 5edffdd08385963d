"""Sphinx's per-page repeats done once per build (_ext/course_site/once_per_build.py): the
pages and the search index are byte for byte what Sphinx writes without it (serial and
parallel), while each word is stemmed once and each title rendered once; what it sets
aside while pages are written (objects from the cycle collector, template checks) is
given back when the build ends."""

from __future__ import annotations

import gc
import shutil
import time
from collections import Counter

import pytest
from sphinx.builders import html as sphinx_html
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search.en import SearchEnglish
from test_fast_navigation import NAV_ROOT, assert_same_files

from conftest import sphinx_build

EXTENSION = "course_site.once_per_build"


def with_extension(source, destination, loaded: bool):
    shutil.copytree(source, destination)
    if loaded:
        with (destination / "conf.py").open("a") as conf:
            conf.write(f"extensions.append({EXTENSION!r})\n")
    return destination


@pytest.mark.parametrize("jobs", [(), ("-j", "2")], ids=["serial", "parallel"])
def test_the_output_is_what_sphinx_writes_without_it(tmp_path, jobs):
    outputs = []
    for loaded in (False, True):
        source = with_extension(NAV_ROOT, tmp_path / f"src-{loaded}", loaded)
        result = sphinx_build(source, tmp_path / f"out-{loaded}", "html", *jobs)
        assert result.returncode == 0 and not result.stderr, result.stderr
        outputs.append(tmp_path / f"out-{loaded}")
    assert_same_files(*outputs)
    assert (outputs[1] / "searchindex.js").stat().st_size > 500


@pytest.mark.parametrize("loaded", [False, True])
def test_each_word_is_stemmed_once_and_each_title_rendered_once(loaded, make_app, tmp_path, monkeypatch):
    stemmed: Counter[str] = Counter()
    rendered: Counter[int] = Counter()
    stem, render_partial = SearchEnglish.stem, StandaloneHTMLBuilder.render_partial

    def counted_stem(self, word):
        stemmed[word] += 1
        return stem(self, word)

    def counted_render(self, node):
        rendered[id(node)] += 1
        return render_partial(self, node)

    monkeypatch.setattr(SearchEnglish, "stem", counted_stem)
    monkeypatch.setattr(StandaloneHTMLBuilder, "render_partial", counted_render)
    app = make_app("html", srcdir=with_extension(NAV_ROOT, tmp_path / "src", loaded))
    app.build()
    titles = {id(node) for node in (*app.env.titles.values(), *app.env.longtitles.values())}
    repeated_titles = [key for key in titles if rendered[key] > 1]
    repeated_words = [word for word, count in stemmed.items() if count > 1]
    assert stemmed and any(rendered[key] for key in titles)
    # Without the extension Sphinx repeats both: the counts can tell.
    assert (not repeated_words and not repeated_titles) is loaded, (repeated_words[:5], len(repeated_titles))


def test_what_it_sets_aside_while_pages_are_written_is_given_back(make_app, tmp_path):
    """The objects the build holds are out of the cycle collector's scans, template files
    are not checked and assets' checksums are remembered while pages are written; all is
    as before once the build ends, a failed build too."""
    file_checksum = sphinx_html._file_checksum
    app = make_app("html", srcdir=with_extension(NAV_ROOT, tmp_path / "src", True), freshenv=True)
    templates = app.builder.templates.environment
    seen = []

    def note(app, pagename, *args):
        seen.append(
            (gc.get_freeze_count(), templates.auto_reload, sphinx_html._file_checksum is file_checksum)
        )

    app.connect("html-page-context", note)
    app.build()
    assert seen and all(
        frozen > 0 and not reloading and not sphinx_own for frozen, reloading, sphinx_own in seen
    )
    assert (
        gc.get_freeze_count() == 0 and templates.auto_reload and sphinx_html._file_checksum is file_checksum
    )

    def fail(app, pagename, *args):
        raise RuntimeError("a failing page")

    app.connect("html-page-context", fail)
    with pytest.raises(Exception, match="a failing page"):
        app.build(force_all=True)
    assert (
        gc.get_freeze_count() == 0 and templates.auto_reload and sphinx_html._file_checksum is file_checksum
    )


@pytest.mark.parametrize("loaded", [False, True])
def test_a_template_changed_between_two_builds_of_one_application_is_used(make_app, tmp_path, loaded):
    source = with_extension(NAV_ROOT, tmp_path / "src", loaded)
    brand = source / "_templates" / "sidebar" / "brand.html"
    brand.parent.mkdir(parents=True)
    brand.write_text("<p>first brand</p>")
    with (source / "conf.py").open("a") as conf:
        conf.write('templates_path = ["_templates"]\n')
    app = make_app("html", srcdir=source, freshenv=True)
    app.build()
    assert "first brand" in (app.outdir / "index.html").read_text()
    time.sleep(0.01)
    brand.write_text("<p>second brand</p>")
    app.build()
    assert "second brand" in (app.outdir / "index.html").read_text()
