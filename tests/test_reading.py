"""The site as a reader meets it: the home page, the collected pages, reading order, the
phone layout and the week as an e-book."""

from __future__ import annotations

import json
import re
import zipfile

import pytest
from test_epub import run_epubcheck

from browser import LocalServer, visit
from conftest import COURSE, FIRST_WEEK, soup, title_of

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
        start = page.get_by_role("link", name=f"Start {title_of(FIRST_WEEK.index)}")
        assert start.is_visible() and start.get_attribute("href") == f"{FIRST_WEEK.index}.html"
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


@pytest.mark.parametrize("week", COURSE.weeks, ids=lambda week: week.name)
def test_collected_pages_read_as_pages(html, week):
    for collected in (week.workbook, week.metaphors):
        article = soup(html / f"{collected}.html").find("article")
        groups = article.select("section.course-card-group")
        assert len(groups) == len(week.sections)
        for group in groups:
            assert group.h2.find("a", class_="reference") is None, "the heading is a heading, not a link"
            assert len(group.select("a.reference")) == 1, "one quiet link back to the section"
    workbook = soup(html / f"{week.workbook}.html")
    contents = workbook.select(".course-card-contents a")
    groups = [f"#{group['id']}" for group in workbook.select("section.course-card-group")]
    # A list of contents from two groups on; a week of one section needs none.
    assert [a["href"] for a in contents] == (groups if len(groups) > 1 else [])


@pytest.mark.parametrize("week", COURSE.weeks, ids=lambda week: week.name)
def test_metaphors_at_a_glance_lead_with_the_metaphors_names(html, week):
    article = soup(html / f"{week.metaphors}.html").find("article")
    assert not article.select(".course-card-contents"), "the headings are the list"
    for group, docname in zip(article.select("section.course-card-group"), week.sections, strict=True):
        section = soup(html / f"{docname}.html")
        name = section.select_one(".course-card.metaphor .course-card-title").get_text()
        assert group.h2.get_text().rstrip("¶") == name
        back = group.select_one(".course-card-back a")
        assert back["href"] == f"{docname.split('/')[-1]}.html"
        assert back.get_text() == section.h1.get_text().rstrip("¶")


GLANCE = """[...document.querySelectorAll('.course-card-group')].map(g => {
  const box = el => el.getBoundingClientRect();
  const card = g.querySelector('.course-card');
  return {x: Math.round(box(g).x), heading: Math.round(box(g.querySelector('h2')).bottom),
          top: Math.round(box(card).top), bottom: Math.round(box(card).bottom),
          labels: [...card.querySelectorAll('.course-card-kind, .course-card-title')].filter(e => e.offsetParent).length};
})"""


def test_metaphors_sit_side_by_side_in_rows_where_there_is_room_and_stack_on_phones(browser, server):
    with visit(browser, server, f"{FIRST_WEEK.metaphors}.html") as (page, _):
        groups = page.evaluate(GLANCE)
        assert len({g["x"] for g in groups}) >= 2
        rows = {}
        for group in groups:
            rows.setdefault(group["heading"], []).append(group)
        assert len(rows) < len(groups), "groups share rows"
        for row in rows.values():
            assert len({(g["top"], g["bottom"]) for g in row}) == 1, f"cards of a row line up: {row}"
        assert all(g["labels"] == 0 for g in groups), "the heading names the card; no label repeats it"
    with visit(browser, server, f"{FIRST_WEEK.metaphors}.html", width=PHONE) as (page, _):
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
    footers: [...document.querySelectorAll('.sd-card .sd-card-footer')].filter(f => f.offsetParent).map(f => f.innerText.trim()),
  };
}"""


@pytest.mark.parametrize("week", [week.name for week in COURSE.weeks])
def test_on_a_phone_the_footer_lines_up_and_the_grid_cards_sit_in_the_text_column(browser, server, week):
    with visit(browser, server, f"{week}/index.html", width=PHONE) as (page, _):
        facts = page.evaluate(ALIGNMENT)
        assert abs(facts["copyright"] - facts["privacy"]) <= 2, "both footer lines centred alike"
        assert facts["cards"] and all(abs(x - facts["text"]) <= 1 for x in facts["cards"]), facts
        assert facts["footers"] == [], "no repeated 'Read the section' bands"


WAYS_IN = """() => {
  const top = el => el.getBoundingClientRect().top + window.scrollY;
  const cards = [...document.querySelectorAll('.course-sections .sd-card')];
  return {
    waysIn: [...document.querySelectorAll('article .course-ways-in a')].map(a => [a.textContent, top(a)]),
    firstCard: top(cards[0]),
    listHeight: cards.at(-1).getBoundingClientRect().bottom - cards[0].getBoundingClientRect().top,
    cards: cards.map(card => ({links: card.querySelectorAll('a').length,
                               title: card.querySelector('.sd-card-title').innerText,
                               text: card.querySelector('.sd-card-text').innerText})),
  };
}"""


@pytest.mark.parametrize("week", [week.name for week in COURSE.weeks])
def test_a_week_page_is_a_compact_numbered_list_with_its_ways_in_near_the_top(browser, server, week):
    sections = list(COURSE.week(week).sections)
    for width, height in ((1280, 900), (PHONE, 812)):
        with visit(browser, server, f"{week}/index.html", width=width, height=height) as (page, _):
            facts = page.evaluate(WAYS_IN)
            names = [name for name, _ in facts["waysIn"]]
            assert names[:2] == [f"Your Week {week[4:]} workbook", "Metaphors at a glance"]
            assert names[2] == "Download this week as an e-book"
            assert all(y < min(height, facts["firstCard"]) for _, y in facts["waysIn"]), facts["waysIn"]
            assert [card["title"].split(".")[0] for card in facts["cards"]] == [
                str(n) for n in range(1, len(sections) + 1)
            ]
            assert all(card["links"] == 1 and card["text"].count(".") <= 1 for card in facts["cards"])
            # Compact at any size: each section takes at most a little over an eighth of a
            # screen, so the week's eight sections fit on about one and a grown week's scale.
            per_section = facts["listHeight"] / len(sections)
            assert per_section <= 1.25 * height / 8, "each section's card is compact"


@pytest.mark.parametrize("week", [week.name for week in COURSE.weeks])
def test_each_week_is_an_e_book_linked_from_its_page_and_valid(html, week):
    link = soup(html / week / "index.html").select_one("article .course-ebook a")
    assert link is not None and link.get_text() == "Download this week as an e-book"
    book = (html / week / link["href"]).resolve()
    assert book.is_file() and book.suffix == ".epub"
    checked = run_epubcheck(book)
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


LINES = """() => [...document.querySelectorAll('article section > p')].map(p => {
  // Characters on each rendered line of a paragraph, found from where each character sits.
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  const lines = new Map();
  for (let node; (node = walker.nextNode()); ) {
    for (let i = 0; i < node.length; i++) {
      const range = document.createRange();
      range.setStart(node, i); range.setEnd(node, i + 1);
      const box = range.getBoundingClientRect();
      if (box.width === 0) continue;
      const top = Math.round(box.top);
      lines.set(top, (lines.get(top) || '') + node.data[i]);
    }
  }
  return [...lines.values()].map(line => line.trim().length);
})"""
HEADINGS = """() => [...document.querySelectorAll('article h1, article h2')].map(h => {
  const s = getComputedStyle(h);
  return {tag: h.tagName, size: parseFloat(s.fontSize), weight: parseInt(s.fontWeight),
          lines: Math.round(h.getBoundingClientRect().height / parseFloat(s.lineHeight))};
})"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_body_text_keeps_a_comfortable_measure_on_a_desktop(browser, server, mode):
    # The author's words as input: a section of long paragraphs.
    with visit(browser, server, "week7/03-connection-and-compliance.html", mode=mode) as (page, _):
        paragraphs = [lines for lines in page.evaluate(LINES) if len(lines) >= 3]
        assert paragraphs
        full_lines = [count for lines in paragraphs for count in lines[:-1]]
        assert max(full_lines) <= 75, full_lines
        assert sorted(full_lines)[len(full_lines) // 2] >= 60, full_lines


@pytest.mark.parametrize("docname", [*FIRST_WEEK.sections, FIRST_WEEK.index, FIRST_WEEK.workbook, "index"])
def test_titles_are_calm_on_a_phone_and_on_a_desktop(browser, server, docname):
    with visit(browser, server, f"{docname}.html", width=PHONE) as (page, _):
        (title, *rest) = page.evaluate(HEADINGS)
        assert title["tag"] == "H1" and title["size"] <= 34 and title["lines"] <= 3, title
        assert all(h["size"] < title["size"] for h in rest)
        page.set_viewport_size({"width": 1280, "height": 900})
        (title, *rest) = page.evaluate(HEADINGS)
        assert title["size"] <= 40 and title["weight"] <= 600, title
        assert all(h["size"] <= 0.75 * title["size"] and h["weight"] <= 600 for h in rest), rest


def search(page, query: str) -> list[str]:
    """The results' titles and excerpts once Sphinx's search has finished."""
    # Polled from here: Playwright's own polling evaluates strings in the page, which the
    # site's Content-Security-Policy forbids.
    done = """!!document.querySelector('#search-results .search-summary, #search-results p')
      && !document.querySelector('#search-results h2')?.innerText.startsWith('Searching')"""
    for _ in range(100):
        if page.evaluate(done):
            break
        page.wait_for_timeout(100)
    page.wait_for_timeout(300)  # excerpts arrive one by one after the list
    return page.evaluate("[...document.querySelectorAll('#search-results li')].map(li => li.innerText)")


def test_search_read_from_disk_finds_pages_without_errors(browser, html):
    context = browser.new_context()
    page = context.new_page()
    errors, failed = [], []
    page.on("console", lambda m: m.type in ("error", "warning") and errors.append(m.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("requestfailed", lambda request: failed.append(request.url))
    try:
        page.goto((html / "search.html").as_uri() + "?q=warmth", wait_until="load")
        results = search(page, "warmth")
    finally:
        context.close()
    assert len(results) >= 2, results
    assert errors == [] and failed == []


def test_search_excerpts_keep_a_cards_label_and_title_apart(browser, server):
    with visit(browser, server, "search.html?q=warmth") as (page, traffic):
        results = search(page, "warmth")
        assert traffic.console_errors == []
    excerpts = " ".join(results)
    assert "Learning to trust warmth" in excerpts, results
    assert not re.search(r"(Metaphor|Reflection)[A-Z]", excerpts), results


# Pages no toctree reaches from the home page: the contributors' guides, linked from the footer.
CONTRIBUTOR_PAGES = ("contributing/authoring", "contributing/extension")


@pytest.mark.parametrize("query", ["reflection", "notes", "safe", "boundaries"])
def test_a_readers_search_finds_course_pages_and_no_contributor_page(browser, server, query):
    with visit(browser, server, f"search.html?q={query}") as (page, traffic):
        search(page, query)
        found = page.evaluate(
            "[...document.querySelectorAll('#search-results li > a')].map(a => a.getAttribute('href'))"
        )
        assert traffic.console_errors == []
    assert len(found) >= 2, found
    assert [href for href in found if href.startswith("contributing/")] == [], found


def test_the_search_index_holds_nothing_from_the_contributor_pages(html):
    text = (html / "searchindex.js").read_text(encoding="utf-8")
    index = json.loads(text.removeprefix("Search.setIndex(").removesuffix(")"))
    left_out = {index["docnames"].index(docname) for docname in CONTRIBUTOR_PAGES}
    assert all(index["titles"][number] == "" for number in left_out)
    for kind in ("terms", "titleterms"):
        for word, pages in index[kind].items():
            pages = {pages} if isinstance(pages, int) else set(pages)
            assert not pages & left_out, f"{kind}: {word}"
    for title, places in index["alltitles"].items():
        assert not {number for number, _ in places} & left_out, title
    # Every other page is there with its title and words: the course and the privacy page.
    readers = set(range(len(index["docnames"]))) - left_out
    indexed = {
        number
        for pages in index["terms"].values()
        for number in ([pages] if isinstance(pages, int) else pages)
    }
    assert "privacy" in index["docnames"] and len(readers) >= 3
    assert all(index["titles"][number] for number in readers) and readers <= indexed


# Every transition and animation the page's elements (and their ::before/::after) have.
MOTION = """() => [...document.querySelectorAll('*')].flatMap(el => [null, '::before', '::after'].map(part => {
  const style = getComputedStyle(el, part);
  const moving = style.transitionDuration.split(',').some(d => parseFloat(d) > 0)
    || (style.animationName !== 'none' && parseFloat(style.animationDuration) > 0);
  return moving ? `${el.tagName}.${el.className}${part || ''}` : null;
})).filter(Boolean)"""


def test_reduced_motion_turns_off_smooth_scrolling_and_animations(browser, server):
    with visit(browser, server, f"{FIRST_WEEK.sections[0]}.html", width=PHONE) as (page, _):
        assert page.evaluate(MOTION) != [], "the theme moves things when motion is welcome"
        page.emulate_media(reduced_motion="reduce")
        assert page.evaluate("getComputedStyle(document.documentElement).scrollBehavior") == "auto"
        assert page.evaluate(MOTION) == []


# The site's own controls: the notes tools, the way on, Previous/Next.
CONTROLS = """() => [...document.querySelectorAll(
  'article button, .course-progress-next, .course-start, .related-pages a')]
  .filter(el => el.checkVisibility({visibilityProperty: true}))
  .map(el => { const box = el.getBoundingClientRect();
    return {name: el.textContent.trim().replace(/\\s+/g, ' '), width: box.width, height: box.height}; })"""


def test_the_sites_own_controls_are_big_enough_to_touch_on_a_phone(browser, server):
    with visit(browser, server, "index.html", width=PHONE) as (page, _):
        seen = []
        for path in ("index.html", f"{FIRST_WEEK.index}.html", f"{FIRST_WEEK.workbook}.html"):
            page.goto(server.url + path)
            if path == f"{FIRST_WEEK.index}.html":
                page.evaluate(
                    "first => localStorage.setItem('course-notes:/:@progress', JSON.stringify([first]))",
                    FIRST_WEEK.sections[0],
                )
                page.reload()
            controls = page.evaluate(CONTROLS)
            seen += [c["name"] for c in controls]
            small = [c for c in controls if c["width"] < 44 or c["height"] < 44]
            assert small == [], path
        assert any("Download my notes" in name for name in seen) and any("Next" in name for name in seen)
        assert any(name.startswith("Forget") for name in seen)


FOCUSED = """() => { const el = document.activeElement, box = el.getBoundingClientRect();
  return {tag: el.tagName, id: el.id, text: (el.textContent || el.getAttribute('aria-label') || '').trim().slice(0, 40),
          drawer: !!el.closest('.sidebar-drawer, .toc-drawer'),
          seen: box.bottom > 0 && box.right > 0 && box.top < innerHeight && box.left < innerWidth}; }"""


@pytest.mark.parametrize(("width", "height"), [(640, 400), (PHONE, 812)], ids=["200-percent-zoom", "phone"])
def test_the_keyboard_never_lands_off_screen_and_reaches_the_menu(browser, server, width, height):
    """At 200 % zoom (a 1280×800 screen) and on a phone, every Tab stop is on screen, none
    is inside a closed drawer, and the menu opens from the keyboard."""
    with visit(browser, server, f"{FIRST_WEEK.sections[0]}.html", width=width, height=height) as (
        page,
        _,
    ):
        stops = []
        for _ in range(25):
            page.keyboard.press("Tab")
            stop = page.evaluate(FOCUSED)
            if not stop["seen"]:  # where focus lands, once a smooth scroll or a slide is over
                page.wait_for_timeout(500)
                stop = page.evaluate(FOCUSED)
            stops.append(stop)
        stops = [stop for stop in stops if stop["tag"] != "BODY"]  # past the last stop
        assert [stop for stop in stops if stop["drawer"] or not stop["seen"]] == [], stops
        assert stops[0]["id"] == "__navigation", "the first stop is the menu"
        page.evaluate("window.scrollTo(0, 0)")
        page.focus("#__navigation")
        page.keyboard.press("Space")
        drawer_link = page.locator(".sidebar-drawer a.reference").first
        drawer_link.wait_for(state="visible")
        opened = []
        for _ in range(8):
            page.keyboard.press("Tab")
            opened.append(page.evaluate(FOCUSED))
        assert any(stop["drawer"] and stop["seen"] for stop in opened), "with the menu open, Tab goes into it"


# Text the reader can see that a box covers: visible elements holding words, each clipped
# to the part of the screen below the sticky header (which already hides what is under it).
TEXT_UNDER = """selector => {
  const cover = document.querySelector(selector).getBoundingClientRect();
  const header = document.querySelector('.mobile-header');
  const below = header.checkVisibility() ? header.getBoundingClientRect().bottom : 0;
  return [...document.querySelectorAll('body *')]
    .filter(el => !el.closest(selector) && el.checkVisibility({visibilityProperty: true, opacityProperty: true})
      && [...el.childNodes].some(node => node.nodeType === Node.TEXT_NODE && node.textContent.trim()))
    .filter(el => {
      const box = el.getBoundingClientRect();
      const top = el.closest('.mobile-header') ? box.top : Math.max(box.top, below);
      return box.left < cover.right && box.right > cover.left && top < cover.bottom && box.bottom > cover.top;
    })
    .map(el => `${el.tagName}.${el.className}: ${el.textContent.trim().slice(0, 40)}`);
}"""


@pytest.mark.parametrize(("width", "height"), [(PHONE, 812), (768, 1024), (1280, 800)])
@pytest.mark.parametrize(
    ("path", "card"),
    [("week7/05-boundaries-in-connection.html", ".metaphor"), ("week7/workbook.html", ".reflection")],
)
def test_back_to_top_covers_no_text_while_the_reader_scrolls_up(
    browser, server, path, card, width, height, tmp_path
):
    with visit(browser, server, path, width=width, height=height) as (page, _):
        # Scrolled up a little, a card's label is where the pill shows.
        label = page.locator(f".course-card{card} .course-card-kind").nth(1 if card == ".reflection" else 0)
        top = page.evaluate("el => el.getBoundingClientRect().top + scrollY", label.element_handle())
        page.evaluate("y => window.scrollTo({top: y, behavior: 'instant'})", top - 60 + 200)
        page.mouse.move(width / 2, height / 2)
        page.mouse.wheel(0, -200)
        page.wait_for_timeout(500)
        pill = page.get_by_role("link", name="Back to top")
        assert pill.is_visible(), "Furo shows the pill as the reader scrolls up"
        assert label.bounding_box()["y"] < height / 4, "the label is near the top of the screen"
        page.screenshot(path=str(tmp_path / f"back-to-top-{width}.png"))  # for reviewers
        assert page.evaluate(TEXT_UNDER, ".back-to-top") == []
        box = pill.bounding_box()
        assert box["height"] >= 44 and box["width"] >= 44
        pill.focus()
        page.keyboard.press("Enter")
        page.wait_for_function("() => scrollY === 0")
