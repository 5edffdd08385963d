"""The examples on the authoring page and the extension page are test input: each builds on
its own, cleanly, into what the page says, and the published page shows each one rendered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import REPO, soup

AUTHORING = REPO / "contributing" / "authoring.md"
EXTENSION = REPO / "contributing" / "extension.md"
CONF = 'extensions = ["myst_parser", "course_cards"]\nmyst_enable_extensions = ["colon_fence"]\nroot_doc = "contributing/example"\n'


def examples(language: str, page: Path = AUTHORING) -> list[str]:
    text = page.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```$", text, flags=re.M | re.S)


def test_the_page_has_examples_of_every_directive():
    sources = "".join(examples("markdown") + examples("rst"))
    for directive in ("{metaphor}", "{reflection}", "{cardlist}", ".. metaphor::"):
        assert directive in sources


EXAMPLES = [("md", example) for page in (AUTHORING, EXTENSION) for example in examples("markdown", page)] + [
    ("rst", example) for page in (AUTHORING, EXTENSION) for example in examples("rst", page)
]


@pytest.mark.parametrize("suffix, example", EXAMPLES)
def test_each_example_builds_cleanly_into_cards(make_app, tmp_path, suffix, example):
    (tmp_path / "conf.py").write_text(CONF)
    heading = "# Example\n\n" if suffix == "md" else "Example\n=======\n\n"
    (tmp_path / "contributing").mkdir()
    (tmp_path / "contributing" / f"example.{suffix}").write_text(heading + example)
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert app.warning.getvalue() == ""
    page = soup(app.outdir / "contributing" / "example.html")
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


def test_the_extension_page_names_every_option_and_warning_type():
    """Read from the code, so a new option or warning cannot go undocumented."""
    import ast

    from course_cards.directives import CardListDirective, MetaphorDirective, ReflectionDirective

    page = EXTENSION.read_text(encoding="utf-8")
    options = {
        *MetaphorDirective.option_spec,
        *ReflectionDirective.option_spec,
        *CardListDirective.option_spec,
    }
    assert [option for option in sorted(options) if f"`:{option}:`" not in page] == []
    subtypes = set()
    for module in (REPO / "_ext" / "course_cards").glob("*.py"):
        for call in ast.walk(ast.parse(module.read_text())):
            if not isinstance(call, ast.Call):
                continue
            given = [k.value for k in call.keywords if k.arg == "subtype"]
            if getattr(call.func, "id", None) == "warn":
                given.append(call.args[1])
            subtypes |= {value.value for value in given if isinstance(value, ast.Constant)}
    assert len(subtypes) >= 8
    assert [s for s in sorted(subtypes) if f"`course_cards.{s}`" not in page] == []


def test_the_authoring_page_lists_every_course_rule_from_the_code(site):
    """Each rule shape.py can warn about is in its RULES, which the page is built from."""
    import ast

    from course_site import shape

    warned = {
        call.args[1].value
        for call in ast.walk(ast.parse((REPO / "_ext" / "course_site" / "shape.py").read_text()))
        if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "warn"
        if isinstance(call.args[1], ast.Constant)
    }
    assert len(warned) >= 10
    assert sorted(warned) == sorted(shape.RULES)
    page = soup(site("html") / "contributing" / "authoring.html")
    listed = [term.get_text() for term in page.select("article dl dt")]
    assert all(f"course_shape.{rule}" in listed for rule in shape.RULES), listed
