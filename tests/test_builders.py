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


def test_the_single_page_gives_each_weeks_notes_box_its_own_backup(make_app, tmp_path):
    """Two weeks, each with its workbook: on the single page each workbook's notes tools
    have an id of their own, and each card's backup link lands on its own week's."""
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "course_cards"]\nmyst_enable_extensions = ["colon_fence"]\n'
        "course_cards_notes = True\n"
    )
    (tmp_path / "index.md").write_text("# Home\n\n```{toctree}\na/index\nb/index\n```\n")
    for week in ("a", "b"):
        (tmp_path / week).mkdir()
        (tmp_path / week / "index.md").write_text(f"# Week {week}\n\n```{{toctree}}\npage\nworkbook\n```\n")
        (tmp_path / week / "page.md").write_text(
            f"# Page {week}\n\n:::{{reflection}} Looking\n:name: reflect-{week}\n\n- A prompt?\n- Another?\n:::\n"
        )
        (tmp_path / week / "workbook.md").write_text(
            f"# Workbook {week}\n\n:::{{cardlist}}\n:kind: reflection\n:from: {week}/\n:::\n"
        )
    app = make_app("singlehtml", srcdir=tmp_path, freshenv=True)
    app.build()
    page = soup(app.outdir / "index.html")
    ids = [tag["id"] for tag in page.find_all(id=True)]
    assert sorted(i for i in ids if ids.count(i) > 1) == []
    tools = page.select(".course-notes-tools")
    assert len(tools) == 2
    for week, own_tools in zip(("a", "b"), tools, strict=True):
        # Each card appears on its section and in its workbook; all lead to one box.
        cards = page.select(f"[data-notes$='#reflect-{week}']")
        assert len(cards) == 2
        for card in cards:
            assert card["data-backup"].count("#") == 1, card["data-backup"]
            assert page.find(id=card["data-backup"].split("#")[1]) is own_tools


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
    # A metaphor and a reflection per section, at least (the collected pages repeat them).
    assert tex.count(r"\begin{sphinxadmonition}{note}{") >= len(COURSE.sections)
    assert "Metaphor: A dance floor}" in tex
    assert tex.count(r"\begin{sphinxadmonition}{tip}{") >= len(COURSE.sections)


def test_the_single_page_has_unique_ids_and_every_link_finds_its_place(make_app, tmp_path):
    """Two pages with one title (every week's "Metaphors at a glance"): on the single page
    each id is there once, and each link, within a page or to another, lands where it did."""
    from collections import Counter

    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "course_site.site_html"]\nmyst_heading_anchors = 3\n'
    )
    (tmp_path / "index.md").write_text("# Home\n\n```{toctree}\na/page\nb/page\n```\n")
    for week, other in (("a", "b"), ("b", "a")):
        (tmp_path / week).mkdir()
        (tmp_path / week / "page.md").write_text(
            f"# Same title\n\n({week}-label)=\n## Part\n\nSee {{ref}}`{other}-label` and [the part here](#part).\n"
        )
    app = make_app("singlehtml", srcdir=tmp_path, freshenv=True)
    app.build()
    page = soup(app.outdir / "index.html")
    ids = Counter(element["id"] for element in page.select("[id]"))
    assert [name for name, count in ids.items() if count > 1] == []
    links = {}
    body = page.select_one("[role=main]")
    for link in body.select("a[href^='#']"):
        target = page.find(id=link["href"][1:])
        assert target is not None, link
        links.setdefault(link.get_text(), []).append(target)
    # Each page's own "#part" leads to its own Part, not both to the first page's.
    assert len({target["id"] for target in links["the part here"]}) == 2, links
    assert {target["id"] for target in links["Part"]} == {"a-label", "b-label"}
