"""Bodies kept between builds (_ext/course_site/kept_bodies.py): a page written again for
what it carries from other pages keeps its translated body, and the output is byte for
byte what a clean build writes, serial and parallel, after every kind of change that
reaches a body without its page being read again: a title it names, its section
numbers, the configuration, an extension's code. A kept body that is not what
translating gives, or a damaged record, costs time, never the output."""

from __future__ import annotations

import dataclasses
import inspect
import pickle
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.search import IndexBuilder
from test_epub import png
from test_fast_navigation import assert_same_files

from conftest import REPO, sphinx_build
from course_site import kept_bodies

ROOT = REPO / "tests" / "roots" / "test-kept-bodies"
PAGES = 5  # index, intro, linking, figures, maths
KEPT = re.compile(r"kept_bodies: (\d+) of (\d+) pages written kept their bodies")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def build(source: Path, out: Path, *options: str) -> str:
    """A strict build; returns its messages."""
    result = sphinx_build(source, out, "html", "-v", *options, quiet=False)
    assert result.returncode == 0 and not result.stderr, result.stderr
    counts = KEPT.findall(result.stdout)
    assert len(counts) == 1 and int(counts[0][1]) == PAGES, result.stdout[-3000:]
    return result.stdout


@dataclass
class Rebuilt:
    kept: set[str]  # pages written with their kept body
    keepable: set[str]  # and those whose kept body was compared with a translation
    messages: str
    out: Path
    clean: Path


def rebuilt_and_clean(tmp_path: Path, change, *options: str, clean: Path | None = None) -> Rebuilt:
    """Builds the root, changes it, builds again; and builds the changed root from nothing,
    unless ``clean`` is that build already."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    build(source, tmp_path / "out", *options)
    rebuild_options = change(source) or ()
    messages = build(source, tmp_path / "out", *options, *rebuild_options)
    if clean is None:
        clean = tmp_path / "clean"
        shutil.copytree(source, tmp_path / "clean-src")
        build(tmp_path / "clean-src", clean, *options, *rebuild_options)
    record = kept_record(tmp_path / "out.doctrees")
    return Rebuilt(record.used, record.used | record.compared, messages, tmp_path / "out", clean)


def kept_record(doctrees: Path) -> kept_bodies.Record:
    return pickle.loads((doctrees / "kept_bodies-html.pickle").read_bytes())[1]


def assert_same_output(clean: Path, out: Path) -> None:
    # When the configuration changed, Sphinx 9 keeps the last build's .buildinfo as
    # .buildinfo.bak; a clean build has none to keep.
    (out / ".buildinfo.bak").unlink(missing_ok=True)
    assert_same_files(clean, out)


def retitle_the_introduction(source: Path) -> None:
    edit(source / "intro.rst", "Introduction\n============", "Getting started\n===============")


@pytest.fixture(scope="module")
def retitled_clean(tmp_path_factory) -> Path:
    """The retitled root built from nothing (with two processes the bytes are the same)."""
    base = tmp_path_factory.mktemp("retitled")
    shutil.copytree(ROOT, base / "src")
    retitle_the_introduction(base / "src")
    build(base / "src", base / "clean")
    return base / "clean"


# What a retitle of the introduction leaves alone: every page carries the new title in its
# navigation, but only these bodies are the same (the index lists the title, the linking
# page names it, the introduction was read again).
UNCHANGED_BODIES = {"figures", "maths"}


@pytest.mark.parametrize("jobs", [(), ("-j", "2")], ids=["serial", "parallel"])
def test_a_retitle_keeps_the_bodies_it_cannot_change(tmp_path, jobs, retitled_clean):
    rebuilt = rebuilt_and_clean(tmp_path, retitle_the_introduction, *jobs, clean=retitled_clean)
    assert rebuilt.keepable == UNCHANGED_BODIES
    if not jobs:  # the first kept body a process would use is compared with a translation
        assert rebuilt.kept == {"maths"}
    assert_same_output(rebuilt.clean, rebuilt.out)
    assert "Getting started" in (rebuilt.out / "linking.html").read_text()


def reorder_the_pages(source: Path) -> None:
    edit(source / "index.rst", "   intro\n   linking\n", "   linking\n   intro\n")


def change_the_configuration(source: Path) -> tuple[str, ...]:
    retitle_the_introduction(source)
    return ("-D", "html_permalinks_icon=#")


def widen_the_image(source: Path) -> None:
    """The figure's size in the page is read from the image's file when it is written."""
    retitle_the_introduction(source)
    (source / "dot.png").write_bytes(png(3))


def change_the_extension(source: Path) -> None:
    retitle_the_introduction(source)
    edit(source / "_ext" / "marker.py", 'MARK = "first mark"', 'MARK = "second mark"')


@pytest.mark.parametrize(
    ("change", "keepable", "seen"),
    [
        # Only the two pages that swap places get new section numbers.
        (reorder_the_pages, UNCHANGED_BODIES, ("linking.html", "1. Linking")),
        (widen_the_image, {"maths"}, ("figures.html", 'height="2" src="_images/dot.png" width="6"')),
        (change_the_configuration, set(), ("maths.html", 'title="Link to this heading">#</a>')),
        (change_the_extension, set(), ("linking.html", "second mark")),
    ],
    ids=["section-numbers", "image-file", "configuration", "extension-code"],
)
def test_what_changes_a_body_is_never_kept(tmp_path, change, keepable, seen):
    """Each change reaches bodies (numbers in headings, an image's size, the permalink's
    sign, the code that writes a node) while Sphinx reads no page but the edited one (and
    the page that shows the image)."""
    rebuilt = rebuilt_and_clean(tmp_path, change)
    assert rebuilt.keepable == keepable
    assert_same_output(rebuilt.clean, rebuilt.out)
    page, text = seen
    assert text in (rebuilt.out / page).read_text()


def forged(forge):
    """A change that retitles the introduction and replaces every kept piece of one kind
    by one that making it would not give."""

    def change(source: Path) -> None:
        retitle_the_introduction(source)
        path = source.parent / "out.doctrees" / "kept_bodies-html.pickle"
        code, record = pickle.loads(path.read_bytes())
        forge(record)
        path.write_bytes(pickle.dumps((code, record)))

    return change


@forged
def forge_the_bodies(record: kept_bodies.Record) -> None:
    for docname, (digest, translation) in record.pages.items():
        record.pages[docname] = digest, dataclasses.replace(translation, body="<p>forged</p>")


@forged
def forge_the_renderings(record: kept_bodies.Record) -> None:
    for key, parts in record.renders.items():
        record.renders[key] = dict.fromkeys(parts, "forged")


@forged
def forge_the_search_words(record: kept_bodies.Record) -> None:
    for docname, (digest, words) in record.words.items():
        record.words[docname] = digest, dataclasses.replace(words, words=["forged"], title_words=["forged"])


def damage_the_record(source: Path) -> None:
    retitle_the_introduction(source)
    path = source.parent / "out.doctrees" / "kept_bodies-html.pickle"
    path.write_bytes(path.read_bytes()[:100])


# Each forked writer compares the first kept body it would use; a damaged record is read,
# and dropped, by the main process alone, as the titles and words are made.
@pytest.mark.parametrize(
    ("change", "jobs"),
    [
        (forge_the_bodies, ()),
        (forge_the_bodies, ("-j", "2")),
        (forge_the_renderings, ()),
        (forge_the_search_words, ()),
        (damage_the_record, ()),
    ],
    ids=["forged-bodies", "forged-bodies-parallel", "forged-titles", "forged-search-words", "damaged"],
)
def test_a_wrong_or_damaged_record_costs_time_not_the_output(tmp_path, change, jobs, retitled_clean):
    rebuilt = rebuilt_and_clean(tmp_path, change, *jobs, clean=retitled_clean)
    assert not rebuilt.kept
    assert_same_output(rebuilt.clean, rebuilt.out)
    assert not any(
        "forged" in page.read_text() for page in [*rebuilt.out.glob("*.html"), rebuilt.out / "searchindex.js"]
    )
    if change is not damage_the_record:
        assert "is not made as kept; everything is made afresh" in rebuilt.messages


def test_rebuilds_in_one_application_keep_bodies_and_write_what_a_clean_build_writes(make_app, tmp_path):
    """Two builds of one application (as a test or a server does): nothing of the first
    build's state is taken for the second's."""
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    app = make_app("html", srcdir=source, builddir=tmp_path / "out", freshenv=True, warningiserror=True)
    app.build()
    retitle_the_introduction(source)
    app.build()
    assert app.statuscode == 0
    clean_source = tmp_path / "clean-src"
    shutil.copytree(source, clean_source)
    make_app("html", srcdir=clean_source, builddir=tmp_path / "clean", freshenv=True).build()
    assert_same_output(tmp_path / "clean" / "html", tmp_path / "out" / "html")
    record = kept_record(tmp_path / "out" / "doctrees")
    assert record.used | record.compared == UNCHANGED_BODIES


def test_the_private_names_it_relies_on_are_there():
    write_doc = inspect.getsource(StandaloneHTMLBuilder.write_doc)
    for name in (
        "self.create_translator(doctree, self)",
        "visitor.fragment",
        "visitor.meta[2:]",
        "_has_maths_elements",
    ):
        assert name in write_doc, name
    assert "self.render_partial(self_toc)" in inspect.getsource(StandaloneHTMLBuilder.get_doc_context)
    assert "self._word_collector(doctree)" in inspect.getsource(IndexBuilder.feed)
    from sphinx.builders.html._build_info import BuildInfo

    assert BuildInfo(None, None).config_hash == ""
    assert kept_bodies.TESTED_SPHINX == __import__("sphinx").version_info[:2]
