"""The course's own rules, checked during the build: located, typed, and failing -W."""

from __future__ import annotations

import pickle
import re
import runpy

import pytest

from conftest import REPO, assert_located_warnings, warning_lines
from course_site import structure

EXPECTED = [
    ("week2/02-broken.md", 9, "metaphor", "exactly one metaphor card; this one has 2"),
    ("week2/02-broken.md", 9, "name", "this metaphor card has no :name:"),
    ("week2/02-broken.md", 13, "prompts", "2 to 4 prompts as a list; this one has 1"),
    ("other.md", 3, "unique", "card name 'metaphor-good' is also used in week2/01-good"),
    ("week2/03-untold.md", 1, "placeholder", "the page description is still a placeholder"),
    ("week2/03-untold.md", 9, "placeholder", "this text is still a placeholder"),
    ("week2/03-untold.md", 11, "think-of", 'opens with the course\'s words "Think of"'),
    ("week2/04-reversed.md", 10, "reflection", "the last card on this page is a metaphor card"),
    ("week2/05-unreflected.md", 3, "reflection", "add a :::{reflection} card"),
    ("week1/index.md", 9, "grid", "this grid card links 'week1/elsewhere', which is not a section"),
    ("week1/index.md", 14, "grid", "section 'week1/01-first' is in the toctree but not in the landing grid"),
    ("other.md", 9, "alt", "this image (picture.svg) has no alt text; say what it shows"),
    ("other.md", 13, "alt", "':alt: what it shows' under {image} or {figure}"),
    ("week1/lost.md", 1, "orphan", "add 'lost' to the toctree in week1/index.md (before workbook)"),
    ("stray.md", 1, "orphan", "add 'stray' to the toctree in index.md"),
]


@pytest.mark.sphinx("html", testroot="shape", freshenv=True)
def test_each_broken_rule_is_reported_at_its_line(app):
    app.build()
    lines = warning_lines(app, "[course_shape.")
    assert_located_warnings(lines, EXPECTED, "course_shape")
    assert not any("01-good.md" in w for w in lines), "the good page passes every rule"
    # An empty reflection is course_cards' one message, not also a missing reflection.
    assert "06-empty-reflection.md:9: WARNING: reflection card is empty" in app.warning.getvalue()
    assert not any("06-empty-reflection.md" in w for w in lines)


def test_the_real_site_is_checked_and_follows_the_rules(site):
    conf = runpy.run_path(str(REPO / "conf.py"))
    assert "course_site.shape" in conf["extensions"]
    html = site("html")
    # The sections the rules were applied to are the build's own: its toctrees, as the
    # environment it left behind holds them, name the same sections as the sources do.
    with html.with_name(html.name + ".doctrees").joinpath("environment.pickle").open("rb") as pickled:
        env = pickle.load(pickled)
    built = structure.from_toctrees(env.config.root_doc, env.toctree_includes)
    assert built == structure.from_source(REPO)
    assert built.sections, "the course has sections to check"
    for section in built.sections:
        assert (REPO / f"{section}.md").is_file(), section


@pytest.mark.sphinx("html", testroot="shape", freshenv=True)
def test_the_section_rules_repeat_on_a_rebuild_that_reads_nothing(app, make_app):
    app.build()
    again = make_app("html", srcdir=app.srcdir, builddir=app.outdir.parent)
    again.build()
    repeated = [line for line in warning_lines(again, "[course_shape.") if "reflection]" in line]
    assert len(repeated) == 2, repeated


def test_the_alt_text_hint_names_the_image_as_its_page_writes_it(make_app, tmp_path):
    """A page in a folder writes its image's path from that folder; the hint does too, so
    the path it suggests is one that exists."""
    (tmp_path / "conf.py").write_text('extensions = ["myst_parser", "course_site.shape"]\n')
    (tmp_path / "index.md").write_text("# Home\n\n```{toctree}\nweek1/boats\n```\n")
    (tmp_path / "week1").mkdir()
    (tmp_path / "week1" / "boats.png").write_bytes(
        (REPO / "tests" / "roots" / "test-hostile" / "pictures" / "dot.png").read_bytes()
    )
    (tmp_path / "week1" / "boats.md").write_text("# Boats\n\n![](boats.png)\n")
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    (hint,) = [line for line in app.warning.getvalue().splitlines() if "[course_shape.alt]" in line]
    suggested = re.search(r"!\[what it shows\]\(([^)]+)\)", hint)[1]
    assert suggested == "boats.png" and (tmp_path / "week1" / suggested).is_file(), hint
