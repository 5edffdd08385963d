"""The course's own rules, checked during the build: located, typed, and failing -W."""

from __future__ import annotations

import re
import runpy

import pytest

from conftest import REPO, assert_located_warnings, warning_lines

EXPECTED = [
    ("sections/broken.md", 9, "metaphor", "exactly one metaphor card; this one has 2"),
    ("sections/broken.md", 9, "name", "this metaphor card has no :name:"),
    ("sections/broken.md", 13, "prompts", "2 to 4 prompts as a list; this one has 1"),
    ("sections/broken.md", 19, "reflection", "ends with a reflection card"),
    ("other.md", 3, "unique", "card name 'metaphor-good' is also used in sections/good"),
    ("sections/untold.md", 1, "placeholder", "the page description is still a placeholder"),
    ("sections/untold.md", 9, "placeholder", "this text is still a placeholder"),
    ("sections/untold.md", 14, "think-of", 'opens with the course\'s words "Think of"'),
    ("week1/index.md", 9, "grid", "this grid card links 'week1/elsewhere', which is not a section"),
    ("week1/index.md", 14, "grid", "section 'week1/01-first' is in the toctree but not in the landing grid"),
]


@pytest.mark.sphinx("html", testroot="shape", freshenv=True)
def test_each_broken_rule_is_reported_at_its_line(app):
    app.build()
    lines = warning_lines(app, "[course_shape.")
    assert_located_warnings(lines, EXPECTED, "course_shape")
    assert not any("good.md" in w for w in lines), "the good page passes every rule"


def test_the_real_site_is_checked_and_follows_the_rules(site):
    conf = runpy.run_path(str(REPO / "conf.py"))
    assert "course_site.shape" in conf["extensions"]
    assert re.match(
        conf.get("course_shape_sections", r"week\d+/\d\d-"), "week7/01-the-power-of-safe-connection"
    )
    site("html")
