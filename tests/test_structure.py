"""The course's structure, discovered rather than counted (course_site.structure): weeks are
the week<N>/ pages of the home page's toctree, sections the entries of each week's toctree. Any number of weeks and sections
passes, as long as each is whole; every failure names the page and what to do."""

from __future__ import annotations

import posixpath
from pathlib import Path

import pytest

from conftest import COURSE, REPO, soup
from course_site import structure

WEEKS = [week.name for week in COURSE.weeks]
SECTIONS = [(week.name, page) for week in COURSE.weeks for page in week.sections]


@pytest.fixture(scope="module")
def html(site) -> Path:
    return site("html")


def test_the_course_has_weeks_and_every_week_has_sections():
    assert WEEKS, "no week<N>/index.md found; run `make new-week WEEK=1 TITLE=…`"
    for week in COURSE.weeks:
        assert week.sections, (
            f"{week.index}.md lists no section in its toctree; run `make new-section WEEK={week.number} TITLE=…`"
        )


def test_a_weeks_pages_are_its_landing_page_then_its_toctrees_depth_first_within_its_folder():
    """What each week's e-book holds, in order, from the one toctree walk."""
    includes = {
        "index": ["week1/index", "week2/index"],
        "week1/index": ["week1/b", "week1/a", "week1/workbook", "week2/index", "privacy"],
        "week1/b": ["week1/b-more", "week1/a"],
        "week2/index": ["week2/one"],
    }
    course = structure.from_toctrees("index", includes)
    assert course.week("week1").pages == (
        "week1/index",
        "week1/b",
        "week1/b-more",
        "week1/a",
        "week1/workbook",
    )
    assert course.week("week1").sections == ("week1/b", "week1/a")
    assert course.week("week2").pages == ("week2/index", "week2/one")
    for week in COURSE.weeks:
        assert week.pages[0] == week.index and set(week.sections) <= set(week.pages)
        assert {week.workbook, week.metaphors} <= set(week.pages)


ON_DISK = sorted(
    folder
    for page in REPO.glob("*/index.md")
    if (folder := structure.week_folder(f"{page.parent.name}/index"))
)


@pytest.mark.parametrize("week", ON_DISK)
def test_every_week_is_in_the_course_toctree_and_read(week, html):
    assert week in WEEKS, f"add {week}/index to the first toctree in index.md"
    assert (html / week / "index.html").is_file(), (
        f"{week}/ is not built; is it in include_patterns in conf.py?"
    )


@pytest.mark.parametrize("week", WEEKS)
def test_every_section_file_of_a_week_is_in_its_toctree(week):
    files = sorted(
        p.stem for p in (REPO / week).glob("*.md") if p.stem not in ("index", *structure.SPECIAL_PAGES)
    )
    listed = sorted(Path(page).name for page in COURSE.week(week).sections)
    assert files == listed, f"{week}/index.md: its toctree should list every page of {week}/"


@pytest.mark.parametrize("week", WEEKS)
def test_the_landing_grid_links_every_section_in_toctree_order(week, html):
    page = soup(html / week / "index.html").find("article")
    grid = page.select_one(".sd-container-fluid")
    assert grid is not None, f"{week}/index.md: add a grid of section cards"
    links = [a["href"] for a in grid.select("a.sd-stretched-link")]
    expected = [f"{Path(p).name}.html" for p in COURSE.week(week).sections]
    assert links == expected, f"{week}/index.md: the grid should link {expected}, in toctree order"


@pytest.mark.parametrize("week", WEEKS)
def test_the_sidebar_lists_sections_in_toctree_order(week, html):
    nav = soup(html / week / "index.html").select_one(".sidebar-tree")
    hrefs = [a["href"] for a in nav.select("a.reference.internal")]
    pages = [posixpath.normpath(posixpath.join(week, href)).removesuffix(".html") for href in hrefs]
    sections = list(COURSE.week(week).sections)
    assert [page for page in pages if page in sections] == sections, (
        f"{week}: sidebar order differs from its toctree"
    )


@pytest.mark.parametrize(("week", "page"), SECTIONS)
def test_a_section_page_has_one_metaphor_and_ends_with_a_reflection(week, page, html):
    body = soup(html / f"{page}.html").find("article").section
    where = f"{page}.md"
    assert len(body.select(".course-card.metaphor")) == 1, f"{where}: keep exactly one metaphor card"
    assert len(body.select(".course-card.reflection")) == 1, f"{where}: keep exactly one reflection card"
    # The site's care line follows every course page; the author's page ends before it.
    last = [
        child for child in body.find_all(recursive=False) if "course-care-line" not in child.get("class", [])
    ][-1]
    assert "reflection" in last["class"], f"{where}: move the reflection card to the end of the page"
    assert 2 <= len(last.select(".course-card-body li")) <= 4, f"{where}: give the reflection 2 to 4 prompts"


@pytest.mark.parametrize("week", WEEKS)
def test_every_week_has_its_workbook_and_metaphors(week, html):
    for page, kind in (("workbook", "reflection"), ("metaphors", "metaphor")):
        built = soup(html / week / f"{page}.html").find("article")
        cards = built.select(f".course-card.{kind}")
        assert len(cards) == len(COURSE.week(week).sections), (
            f"{week}/{page}.md should collect one {kind} per section"
        )


def test_the_home_page_offers_every_week_of_the_toctree_in_order(html):
    links = soup(html / "index.html").select("article a.course-start")
    assert [a["href"] for a in links] == [f"{week.index}.html" for week in COURSE.weeks]
    for link, week in zip(links, COURSE.weeks, strict=True):
        assert link.get_text().startswith(f"Start Week {week.number}"), link


def test_a_retitled_or_added_week_shows_on_the_home_page_after_an_incremental_build(make_app, tmp_path):
    source = tmp_path / "course"
    (source / "week1").mkdir(parents=True)
    (source / "conf.py").write_text('extensions = ["myst_parser", "course_site.home"]\n')
    (source / "index.md").write_text("# Home\n\n```{course-weeks}\n```\n\n```{toctree}\nweek1/index\n```\n")
    (source / "week1" / "index.md").write_text("# Week 1 – First\n")

    def offered() -> list[str]:
        app = make_app("html", srcdir=source, builddir=tmp_path / "build")
        app.build()
        app.cleanup()
        return [a.get_text() for a in soup(app.outdir / "index.html").select("a.course-start")]

    assert offered() == ["Start Week 1 – First"]
    (source / "week1" / "index.md").write_text("# Week 1 – Retitled\n")
    assert offered() == ["Start Week 1 – Retitled"]


def test_later_weeks_follow_the_way_in_so_the_keyboard_meets_continue_first(make_app, tmp_path):
    """The first week's "Start" and the "continue" line share one place; a second week's
    link comes after both in the page, which is the order Tab follows."""
    source = tmp_path / "course"
    conf = 'extensions = ["myst_parser", "course_site.home"]\nmyst_enable_extensions = ["colon_fence"]\n'
    (source / "week1").mkdir(parents=True)
    (source / "week2").mkdir()
    (source / "conf.py").write_text(conf)
    (source / "index.md").write_text(
        "# Home\n\n::::{container} course-home-way\n```{course-weeks}\n```\n\nContinue here.\n::::\n\n"
        "After the way in.\n\n```{toctree}\nweek1/index\nweek2/index\n```\n"
    )
    (source / "week1" / "index.md").write_text("# Week 1 – First\n")
    (source / "week2" / "index.md").write_text("# Week 2 – Second\n")
    app = make_app("html", srcdir=source, builddir=tmp_path / "build")
    app.build()
    article = soup(app.outdir / "index.html").select_one("[role=main]")
    order = [
        element.get_text(" ", strip=True)
        for element in article.find_all("p")
        if element.get_text(strip=True)
        in {"Start Week 1 – First", "Continue here.", "Start Week 2 – Second", "After the way in."}
    ]
    assert order == ["Start Week 1 – First", "Continue here.", "Start Week 2 – Second", "After the way in."]
    way_in = article.select_one(".course-home-way")
    assert [a.get_text() for a in way_in.select("a.course-start")] == ["Start Week 1 – First"]
