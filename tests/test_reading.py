"""The site as a reader meets it: the home page, the collected pages, reading order, the
phone layout and the week as an e-book."""

from __future__ import annotations

import subprocess
import zipfile

import pytest

from browser import LocalServer, require_tool, visit
from conftest import COURSE, soup

PHONE = 375


@pytest.fixture(scope="module")
def html(site):
    return site("html")


@pytest.fixture(scope="module")
def server(html):
    local = LocalServer(html)
    yield local
    local.close()


def test_the_home_page_has_no_bare_lists_and_leads_into_the_course(browser, server):
    with visit(browser, server, "index.html") as (page, _):
        assert page.locator("article .toctree-wrapper:visible").count() == 0, (
            "the sidebar holds the navigation"
        )
        assert page.locator("article ul:visible").count() == page.locator("article .course-card ul").count()
        start = page.get_by_role("link", name="Start Week 7 – Safe Connections")
        assert start.is_visible() and start.get_attribute("href") == "week7/index.html"
        example = page.locator("#home-reflection-example")
        assert example.locator(".course-card-title").count() == 0, "like every real reflection card: no title"


def test_a_phone_reader_meets_the_care_line_on_the_first_screen(browser, server):
    with visit(browser, server, "index.html", width=PHONE, height=800) as (page, _):
        line = page.locator(".course-care-line")
        assert line.bounding_box()["y"] + line.bounding_box()["height"] <= 800
        assert "emergency services" in line.inner_text()
        line.get_by_role("link").click()
        assert page.url.endswith("#a-note-of-care")
        assert page.locator(".course-care-note").is_visible()


def test_next_links_walk_the_course_and_never_enter_the_contributor_pages(html):
    chain, current = [], html / "index.html"
    while True:
        link = soup(current).select_one(".related-pages a.next-page")
        if link is None:
            break
        current = (current.parent / link["href"]).resolve()
        chain.append(str(current.relative_to(html)))
    assert not any(page.startswith(("contributing/", "privacy")) for page in chain), chain
    for week in COURSE.weeks:
        sections = [f"{page}.html" for page in week.sections]
        assert sections == [page for page in chain if page in sections]
    authoring = soup(html / "contributing" / "authoring.html").select_one(".related-pages a.prev-page")
    assert authoring is None, "and the contributor pages do not lead back into it"


def test_collected_pages_read_as_pages(html):
    for name in ("workbook", "metaphors"):
        article = soup(html / "week7" / f"{name}.html").find("article")
        groups = article.select("section.course-card-group")
        assert len(groups) == len(COURSE.week("week7").sections)
        for group in groups:
            assert group.h2.find("a", class_="reference") is None, "the heading is a heading, not a link"
            assert len(group.select("a.reference")) == 1, "one quiet link back to the section"
        contents = article.select(".course-card-contents a")
        assert [a["href"] for a in contents] == [f"#{group['id']}" for group in groups]


def test_metaphors_sit_side_by_side_where_there_is_room_and_stack_on_phones(browser, server):
    with visit(browser, server, "week7/metaphors.html") as (page, _):
        columns = page.evaluate(
            "new Set([...document.querySelectorAll('.course-card-group')].map(g => Math.round(g.getBoundingClientRect().x))).size"
        )
        assert columns >= 2
    with visit(browser, server, "week7/metaphors.html", width=PHONE) as (page, _):
        columns = page.evaluate(
            "new Set([...document.querySelectorAll('.course-card-group')].map(g => Math.round(g.getBoundingClientRect().x))).size"
        )
        assert columns == 1


ALIGNMENT = """() => {
  const centre = el => { const r = document.createRange(); r.selectNodeContents(el); const b = r.getBoundingClientRect(); return b.x + b.width / 2; };
  const left = el => el.getBoundingClientRect().x;
  return {
    copyright: centre(document.querySelector('.bottom-of-page .left-details .copyright')),
    privacy: centre(document.querySelector('.site-privacy-link a')),
    text: left(document.querySelector('article p')),
    cards: [...document.querySelectorAll('.sd-card')].map(left),
    footers: [...document.querySelectorAll('.sd-card .sd-card-footer')].map(f => f.innerText.trim()),
  };
}"""


@pytest.mark.parametrize("week", [week.name for week in COURSE.weeks])
def test_on_a_phone_the_footer_lines_up_and_the_grid_cards_sit_in_the_text_column(browser, server, week):
    with visit(browser, server, f"{week}/index.html", width=PHONE) as (page, _):
        facts = page.evaluate(ALIGNMENT)
        assert abs(facts["copyright"] - facts["privacy"]) <= 2, "both footer lines centred alike"
        assert facts["cards"] and all(abs(x - facts["text"]) <= 1 for x in facts["cards"]), facts
        assert set(facts["footers"]) == {"Read the section →"}, "each card says it leads somewhere"


@pytest.mark.parametrize("week", [week.name for week in COURSE.weeks])
def test_each_week_is_an_e_book_linked_from_its_page_and_valid(html, week):
    link = soup(html / week / "index.html").select_one("article .course-ebook a")
    assert link is not None and link.get_text() == "Download this week as an e-book"
    book = (html / week / link["href"]).resolve()
    assert book.is_file() and book.suffix == ".epub"
    require_tool("/usr/bin/epubcheck")
    checked = subprocess.run(
        ["java", "-jar", "/usr/bin/epubcheck", str(book)], capture_output=True, text=True
    )
    assert checked.returncode == 0 and "No errors or warnings detected" in checked.stdout, checked.stdout
    with zipfile.ZipFile(book) as epub:
        pages = {name: epub.read(name).decode() for name in epub.namelist() if name.endswith(".xhtml")}
    sections = COURSE.week(week).sections
    for section in sections:
        page = soup_text(pages[f"{section}.xhtml"]) if f"{section}.xhtml" in pages else None
        assert page is not None, f"{section} is in the e-book"
        assert page.select_one(".course-card.metaphor .course-card-kind").get_text() == "Metaphor"
        assert page.select_one(".course-card.metaphor .course-card-title").get_text()
        assert page.select_one(".course-card.reflection .course-card-body li")
    everything = "".join(pages.values())
    assert "course_notes.js" not in everything and "data-notes" not in everything, "no notes UI in the e-book"
    assert not any(name.startswith(("contributing", "privacy")) for name in pages)


def soup_text(text: str):
    from bs4 import BeautifulSoup

    return BeautifulSoup(text, "html.parser")
