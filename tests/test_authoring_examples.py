"""The authoring page's examples are test input: each builds on its own, cleanly, into
what the page says, and the published page shows each one rendered."""

from __future__ import annotations

import re

import pytest

from conftest import REPO, soup

AUTHORING = REPO / "contributing" / "authoring.md"
CONF = (
    'extensions = ["myst_parser", "course_cards"]\n'
    'myst_enable_extensions = ["colon_fence"]\n'
    'root_doc = "contributing/authoring"\n'
)


def examples(language: str) -> list[str]:
    text = AUTHORING.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_page_has_examples_of_every_directive():
    sources = "".join(examples("markdown") + examples("rst"))
    for directive in ("{metaphor}", "{reflection}", "{cardlist}", ".. metaphor::"):
        assert directive in sources


EXAMPLES = [("md", e) for e in examples("markdown")] + [("rst", e) for e in examples("rst")]


@pytest.mark.parametrize("suffix, example", EXAMPLES)
def test_each_example_builds_cleanly_into_cards(make_app, tmp_path, suffix, example):
    (tmp_path / "conf.py").write_text(CONF)
    heading = "# Example\n\n" if suffix == "md" else "Example\n=======\n\n"
    (tmp_path / "contributing").mkdir()
    (tmp_path / "contributing" / f"authoring.{suffix}").write_text(heading + example)
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert app.warning.getvalue() == ""
    page = soup(app.outdir / "contributing" / "authoring.html")
    for name in re.findall(r":name: (\S+)", example):
        assert "course-card" in page.find(id=name)["class"]
    if "{cardlist}" in example:
        assert page.select_one(".course-card-list.empty") is not None


def test_the_published_page_renders_each_named_example(site):
    page = soup(site("html") / "contributing" / "authoring.html")
    names = re.findall(r":name: (\S+)", "".join(examples("markdown")))
    assert names
    for name in names:
        assert "course-card" in page.find(id=name)["class"]
    listing = page.select("section.course-card-group a")
    assert "Two instruments tuning together" in [a.get_text() for a in listing]
