"""Every builder builds the real site strictly, alone and beside peer extensions, and a
parallel build writes the same pages as a serial one."""

from __future__ import annotations

import re

import pytest

from conftest import BUILDERS, COURSE, PEER_EXTENSIONS, soup

PEERS = ("-D", f"extensions={PEER_EXTENSIONS}")


@pytest.fixture(scope="module", autouse=True)
def every_build(site):
    site.prebuild([(b,) for b in BUILDERS] + [(b, *PEERS) for b in BUILDERS] + [("html", "-j", "2")])


@pytest.mark.parametrize("builder", BUILDERS)
def test_the_real_site_builds_strictly(site, builder):
    assert any(site(builder).iterdir())


@pytest.mark.parametrize("builder", BUILDERS)
def test_the_real_site_builds_strictly_beside_sphinx_exercise_and_sphinx_design(site, builder):
    assert any(site(builder, *PEERS).iterdir())


def test_singlehtml_keeps_sphinx_design_cards_beside_ours(site):
    page = soup(site("singlehtml", *PEERS) / "index.html")
    # A grid card per section on the week pages; each metaphor on its section and again
    # on its week's metaphors page.
    assert len(page.select(".sd-card")) == len(COURSE.sections)
    assert len(page.select("div.course-card.metaphor")) >= 2 * len(COURSE.sections)


def test_singlehtml_has_no_duplicate_ids(site):
    page = soup(site("singlehtml") / "index.html")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert sorted(i for i in ids if ids.count(i) > 1) == []


def article_html(outdir):
    pages = {}
    for path in sorted(outdir.rglob("*.html")):
        article = soup(path).find("article")
        if article is not None:
            pages[str(path.relative_to(outdir))] = str(article)
    return pages


def test_parallel_build_writes_the_same_pages_as_a_serial_one(site):
    serial = article_html(site("html"))
    parallel = article_html(site("html", "-j", "2"))
    assert serial.keys() == parallel.keys()
    for name in serial:
        assert parallel[name] == serial[name], name


def test_text_output_heads_each_card_and_indents_its_body(site):
    text = (site("text") / "week7" / "05-boundaries-in-connection.txt").read_text()
    assert re.search(r"^Metaphor: A dance floor\n\n   Think of boundaries in connection", text, re.M)
    assert re.search(r"^Reflection\n\n   \* Where do you notice", text, re.M)


def test_latex_output_frames_each_card_with_kind_and_title(site):
    tex = (site("latex") / "safe-connections.tex").read_text()
    assert tex.count(r"\begin{sphinxadmonition}{note}{") >= 8
    assert "Metaphor: A dance floor}" in tex
    assert tex.count(r"\begin{sphinxadmonition}{tip}{") >= 8
