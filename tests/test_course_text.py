"""The author's words are checked by every HTML build (course_site.course_text): each
paragraph of the reference that is not on a page word for word is one located warning."""

from __future__ import annotations

import pytest

from conftest import assert_located_warnings, warning_lines

EXPECTED = [
    ("week1/page.md", 7, "changed", "this paragraph of the course text changed (reference.txt:5)"),
    ("reference.txt", 8, "missing", "this paragraph of the course text is on no page of week1/"),
]


@pytest.mark.sphinx("html", testroot="course-text", freshenv=True)
def test_a_changed_and_a_missing_paragraph_are_each_reported_where_they_are(app):
    app.build()
    lines = warning_lines(app, "[course_text.")
    assert_located_warnings(lines, EXPECTED, "course_text")
    changed = next(line for line in lines if "changed" in line)
    assert "-will +has -change +changed; " in changed, changed
    # And how to propose a change to the author's words, where the reviewer will see it.
    assert changed.endswith(
        "make it in reference.txt too: `make cards-diff` and the pull request's summary show it "
        "to the reviewer [course_text.changed]"
    ), changed


@pytest.mark.sphinx("html", testroot="course-text", freshenv=True)
def test_the_check_repeats_on_a_rebuild_until_the_words_are_restored(app, make_app):
    app.build()
    again = make_app("html", srcdir=app.srcdir, builddir=app.outdir.parent)
    again.build()
    assert len(warning_lines(again, "[course_text.")) == 2, "reported again, though nothing was re-read"


@pytest.mark.sphinx(
    "html",
    testroot="course-text",
    srcdir="course-text-no-reference",
    freshenv=True,
    confoverrides={"course_text": {"week1": "nowhere.txt"}},
)
def test_a_reference_that_is_not_there_is_a_warning_not_a_traceback(app):
    app.build()
    lines = warning_lines(app, "[course_text.")
    assert len(lines) == 1 and lines[0].endswith("[course_text.reference]"), lines
    assert "conf.py:2: WARNING: course_text names nowhere.txt for week1/" in lines[0], "the setting's line"
