"""Where a reader is and where care is, on every course page and in every format the page
is read in: the web, paper and the e-book (reader_guide)."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from browser import LocalServer, require_tool, visit
from conftest import COURSE, FIRST_WEEK, REPO, soup, warning_lines


@pytest.fixture(scope="module")
def html(site):
    return site("html")


def course_pages(html: Path) -> list[Path]:
    return sorted(
        page
        for week in (REPO / week.name for week in COURSE.weeks)
        for page in (html / week.name).glob("*.html")
    )


def text_of(tag) -> str:
    return re.sub(r"\s+", " ", tag.get_text(" ", strip=True))


def test_every_course_page_ends_with_a_care_line_that_links_the_note_of_care(html):
    note = soup(html / "index.html").find(id="a-note-of-care")
    assert note is not None and note.select_one(".course-care-note")
    pages = course_pages(html)
    assert len(pages) == sum(
        len(list(week.glob("*.md"))) for week in (REPO / week.name for week in COURSE.weeks)
    )
    for page in pages:
        lines = soup(page).select("article .course-care-line")
        assert len(lines) == 1, page
        assert "not therapy" in text_of(lines[0]) and "emergency services" in text_of(lines[0])
        assert lines[0].find_next_sibling() is None, "the page's last words"
        target, _, anchor = lines[0].a["href"].partition("#")
        assert (page.parent / target).resolve() == (html / "index.html").resolve(), page
        assert anchor == "a-note-of-care"


def test_each_section_says_where_it_is_in_its_week_from_the_toctree(html):
    for week, sections in ((week.name, week.sections) for week in COURSE.weeks):
        name = text_of(soup(html / week / "index.html").find("h1")).rstrip(" #¶")
        for number, docname in enumerate(sections, start=1):
            article = soup(html / f"{docname}.html").find("article")
            place = article.select("p.course-place")
            assert len(place) == 1, docname
            assert article.h1.find_next_sibling() is place[0], "right under the title"
            assert text_of(place[0]) == f"Section {number} of {len(sections)} · {name}"
            assert place[0].a["href"] == "index.html"
    others = [
        page
        for page in course_pages(html)
        if not COURSE.is_section(page.relative_to(html).with_suffix("").as_posix())
    ]
    assert others and not any(soup(page).select(".course-place") for page in others)


def as_read_in_the_e_book(browser, html: Path, folder: Path, names: list[str]) -> dict[str, str]:
    """What an e-reader shows of each page: the book unpacked, each page rendered with the
    book's own stylesheets, its visible text."""
    (book,) = (html / "ebooks").glob(f"*{FIRST_WEEK.name}.epub")
    with zipfile.ZipFile(book) as epub:
        epub.extractall(folder)
    context = browser.new_context()
    try:
        page = context.new_page()
        shown = {}
        for name in names:
            page.goto((folder / name).as_uri())
            shown[name] = re.sub(r"\s+", " ", page.inner_text("body"))
        return shown
    finally:
        context.close()


def test_the_e_book_carries_the_care_line_and_the_place_on_every_page(browser, html, tmp_path):
    (book,) = (html / "ebooks").glob(f"*{FIRST_WEEK.name}.epub")
    with zipfile.ZipFile(book) as epub:
        pages = {
            name: soup_of(epub.read(name))
            for name in epub.namelist()
            if name.startswith(f"{FIRST_WEEK.name}/")
        }
    assert sorted(pages) == sorted(f"{page}.xhtml" for page in FIRST_WEEK.pages)
    shown = as_read_in_the_e_book(browser, html, tmp_path, sorted(pages))
    for name, page in pages.items():
        line = page.select_one(".course-care-line")
        assert line is not None and "emergency services" in text_of(line), name
        assert "straight away." in shown[name] and "says more" not in shown[name], (
            "no pointer to a note the book does not hold"
        )
    for number, docname in enumerate(FIRST_WEEK.sections, start=1):
        assert text_of(pages[f"{docname}.xhtml"].select_one(".course-place")).startswith(
            f"Section {number} of"
        )


def soup_of(data: bytes):
    from bs4 import BeautifulSoup

    return BeautifulSoup(data.decode(), "html.parser")


def test_the_printed_workbook_carries_the_care_line(browser, html, tmp_path):
    require_tool("pdftotext")
    server = LocalServer(html)
    try:
        with visit(browser, server, f"{FIRST_WEEK.workbook}.html") as (page, _):
            page.emulate_media(media="print")
            assert page.locator(".course-care-line").is_visible()
            page.pdf(path=str(tmp_path / "workbook.pdf"), format="A4")
    finally:
        server.close()
    printed = subprocess.run(
        ["pdftotext", str(tmp_path / "workbook.pdf"), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "emergency services" in re.sub(r"\s+", " ", printed)


@pytest.mark.sphinx("html", testroot="guide", freshenv=True)
def test_places_follow_the_toctree_and_a_reordered_week_rewrites_its_sections(app, make_app):
    app.build()
    assert warning_lines(app) == []

    def place(docname: str) -> str:
        return text_of(soup(app.outdir / f"{docname}.html").select_one(".course-place"))

    assert place("week1/01-arriving") == "Section 1 of 2 · Week 1 – Beginnings"
    assert place("week1/02-staying") == "Section 2 of 2 · Week 1 – Beginnings"
    assert not soup(app.outdir / "week1" / "workbook.html").select(".course-place")
    week = app.srcdir / "week1" / "index.md"
    week.write_text(week.read_text().replace("01-arriving\n02-staying", "02-staying\n01-arriving"))
    again = make_app("html", srcdir=app.srcdir)
    again.build()
    assert place("week1/01-arriving") == "Section 2 of 2 · Week 1 – Beginnings"
    assert place("week1/02-staying") == "Section 1 of 2 · Week 1 – Beginnings"


# Sentences that speak of the page itself, and the formats in which they must hold.
HOME_NOTES = "Your notes"
LINKS_BACK = "Each group links back to its section"
PRINT_SPACE = "If you print this page, each prompt has space to write."
SECTION_NAMES = "each with the name of the section it comes from"


def printed_text(page, tmp_path: Path) -> str:
    require_tool("pdftotext")
    page.emulate_media(media="print")
    page.pdf(path=str(tmp_path / "page.pdf"), format="A4")
    raw = subprocess.run(
        ["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True, check=True
    )
    return re.sub(r"\s+", " ", raw.stdout)


@pytest.fixture(scope="module")
def server(html):
    local = LocalServer(html)
    yield local
    local.close()


def test_the_home_page_says_readers_can_write_under_each_reflection_and_where_to_find_them(
    browser, server, tmp_path
):
    with visit(browser, server, "index.html") as (page, _):
        sentence = page.locator("article .course-screen-only p", has_text=HOME_NOTES)
        assert sentence.is_visible() and "on your device" in sentence.inner_text()
        assert "above" not in sentence.inner_text(), "the example card takes no notes"
        assert page.locator("#home-reflection-example textarea").count() == 0
        assert sentence.get_by_role("link", name="workbook").get_attribute("href") == "week7/workbook.html"
        printed = printed_text(page, tmp_path)
    assert HOME_NOTES not in printed, "an empty box does not print, and the sentence about it neither"


def test_the_workbook_says_only_what_holds_on_screen_on_paper_and_in_the_e_book(
    browser, server, html, tmp_path
):
    with visit(browser, server, f"{FIRST_WEEK.workbook}.html") as (page, _):
        assert page.locator("article", has_text=LINKS_BACK).is_visible()
        assert page.locator(".course-card-back a").count() == len(FIRST_WEEK.sections)
        printed = printed_text(page, tmp_path)
    assert LINKS_BACK not in printed, "paper cannot follow links"
    assert PRINT_SPACE in printed
    in_the_book = f"{FIRST_WEEK.workbook}.xhtml"
    shown = as_read_in_the_e_book(browser, html, tmp_path / "book", [in_the_book])[in_the_book]
    assert LINKS_BACK in shown and "print" not in shown, "an e-reader has no space to write"


def test_printed_metaphors_name_the_section_each_comes_from(browser, server, tmp_path):
    with visit(browser, server, f"{FIRST_WEEK.metaphors}.html") as (page, _):
        assert page.locator("article p", has_text=SECTION_NAMES).count() == 1
        names = page.evaluate("[...document.querySelectorAll('.course-card-back')].map(p => p.innerText)")
        printed = printed_text(page, tmp_path)
    assert len(names) == len(FIRST_WEEK.sections)
    assert all(re.sub(r"\s+", " ", name) in printed for name in names)


TYPE_AND_INK = """selectors => {
  const body = document.querySelector('article section > p:not([class])');
  const of = el => ({size: parseFloat(getComputedStyle(el).fontSize), colour: getComputedStyle(el).color});
  return {body: of(body), found: selectors.flatMap(s => [...document.querySelectorAll(s)])
    .filter(el => el.checkVisibility()).map(el => ({name: el.className, ...of(el)}))};
}"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_care_line_and_the_privacy_line_are_body_size_and_full_contrast(browser, server, mode):
    pages = {
        # The home page's example card takes no notes: its own sentence says where they are.
        "index.html": [".course-care-line"],
        **{
            f"{path}.html": [".course-care-line", ".course-notes-privacy"]
            for path in (FIRST_WEEK.sections[0], FIRST_WEEK.workbook)
        },
    }
    with visit(browser, server, "index.html", width=375, mode=mode) as (page, _):
        for path, selectors in pages.items():
            page.goto(server.url + path)
            measured = page.evaluate(TYPE_AND_INK, selectors)
            body, found = measured["body"], measured["found"]
            assert len(found) == len(selectors), path
            for line in found:
                assert line["size"] >= body["size"], f"{path} {line['name']}: {line['size']} px"
                assert line["colour"] == body["colour"], f"{path} {line['name']}: {line['colour']}"


def test_without_javascript_every_notes_place_says_notes_need_it(browser, server):
    with visit(browser, server, "index.html", javascript=False) as (page, _):
        sentences = re.split(r"(?<=[.?!])\s+", page.locator("article").inner_text())
        boxes = [s for s in sentences if "box" in s and "JavaScript" not in s]
        assert boxes == [], "no words about a box that is not there"
        assert page.locator(".course-card.reflection[data-notes]").count() == 0, "the example takes none"
        for path in (f"{FIRST_WEEK.sections[0]}.html", f"{FIRST_WEEK.workbook}.html"):
            page.goto(server.url + path)
            places = page.locator(".course-card.reflection[data-notes]")
            assert places.count() > 0
            for card in places.all():
                said = card.locator(".course-notes-nojs")
                assert said.count() == 1 and said.is_visible(), path
                assert re.fullmatch(r"[^.]*JavaScript[^.]*\.", said.inner_text()), "one sentence"
        tools = page.locator(".course-notes-nojs-tools")
        assert tools.is_visible() and "JavaScript" in tools.inner_text()
    with visit(browser, server, f"{FIRST_WEEK.workbook}.html") as (page, _):
        assert page.locator(".course-notes-nojs:visible, .course-notes-nojs-tools:visible").count() == 0
