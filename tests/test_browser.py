"""The built site in a real browser: WCAG 2.2 AA in light, dark and OS-dark at desktop and
phone widths, privacy, contrast, the theme toggle, narrow screens, keyboard and print."""

from __future__ import annotations

import math
import re
import subprocess
import unicodedata

import pytest

from browser import (
    CARD_COLOURS,
    MODES,
    PAGES,
    WIDTHS,
    LocalServer,
    card_contrasts,
    parse_colour,
    require_tool,
    visit,
)
from conftest import COURSE, FIRST_WEEK

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# Rules axe reports on every Furo page, outside the article, that a theme template would
# have to change: two unlabelled <aside> landmarks (landmark-unique), Furo's view/edit
# icons outside any landmark (region), and search.html's missing h1 (page-has-heading-one).
# They are best-practice rules, not WCAG; inside the article none is allowed.
CARD_PAGES = [
    f"{page}.html" for week in COURSE.weeks for page in (*week.sections, week.workbook, week.metaphors)
] + ["index.html", "contributing/authoring.html"]


@pytest.fixture(scope="session")
def server(site):
    local = LocalServer(site("html"))
    yield local
    local.close()


@pytest.fixture(scope="session")
def axe():
    from axe_playwright_python.sync_playwright import Axe

    return Axe()


def describe(violations) -> list[str]:
    return [f"{v['id']}: {[n['target'] for n in v['nodes']]}" for v in violations]


def test_the_traffic_watch_records_and_the_browser_blocks_every_other_host(browser, tmp_path):
    """The guard the privacy checks rest on: a page (no policy of its own) asking other
    hosts by name and by address, from the page and from a second tab, is recorded and
    reaches nothing, not even this machine by another name; the next visit starts with
    none of it."""
    from playwright.sync_api import Error

    asks = [
        "http://192.0.2.1/by-address.png",
        "https://other.example/by-name.css",
        "http://[2001:db8::1]/v6.js",
    ]
    (tmp_path / "asks.html").write_text(
        '<!doctype html><title>Asks</title><img src="local.png" alt="">'
        + "".join(f'<img src="{url}" alt="">' for url in asks),
        encoding="utf-8",
    )
    (tmp_path / "quiet.html").write_text("<!doctype html><title>Quiet</title>", encoding="utf-8")
    server = LocalServer(tmp_path)
    by_another_name = f"http://localhost:{server.httpd.server_port}/quiet.html"
    try:
        with visit(browser, server, "asks.html") as (page, traffic):
            page.wait_for_function("[...document.images].every(img => img.complete)")
            tab = page.context.new_page()
            tab.goto(server.url + "quiet.html")
            tab.evaluate("url => fetch(url).catch(() => null)", "http://198.51.100.7/from-a-tab")
            with pytest.raises(Error, match="ERR_PROXY_CONNECTION_FAILED"):
                tab.goto(by_another_name)
            assert sorted(traffic.offsite) == sorted(
                [*asks, "http://198.51.100.7/from-a-tab", by_another_name]
            )
            # The page's own host is reached (and answers that it has no such file).
            assert sorted(traffic.failed) == sorted([f"404 {server.url}local.png", *asks]), "none is reached"
        with visit(browser, server, "quiet.html") as (quiet, later):
            quiet.wait_for_timeout(100)
        assert later.offsite == [] and later.failed == []
    finally:
        server.close()


def test_the_page_list_is_every_built_page(site):
    html = site("html")
    built = {str(p.relative_to(html)) for p in html.rglob("*.html") if "_static" not in p.parts}
    assert built == set(PAGES)
    assert set(DARK_REPRESENTATIVES) <= built


# Every page in light mode at both widths; dark and OS-dark at desktop width, and OS-dark
# on a phone, for one page of each kind (home, week page with its grid, section, both
# collected pages, a page with tables).
# Colours come from one stylesheet, so a dark-mode failure shows on every page of a kind.
DARK_REPRESENTATIVES = [
    "index.html",
    *(
        f"{page}.html"
        for page in (FIRST_WEEK.index, FIRST_WEEK.sections[0], FIRST_WEEK.workbook, FIRST_WEEK.metaphors)
    ),
    "contributing/extension.html",
]
# Each page and mode is opened once and checked at each of its widths in turn, desktop
# first, as a reader narrowing the window would see it.
ACCESSIBILITY_MATRIX = [
    (path, mode, widths)
    for path in PAGES
    for mode in MODES
    for widths in [
        [
            width
            for width in WIDTHS
            if mode == "light" or (path in DARK_REPRESENTATIVES and (width == "desktop" or mode == "os-dark"))
        ]
    ]
    if widths
]


def axe_violations(page, context: str | None, tags: list[str]) -> list[str]:
    """axe-core's violations of ``tags`` inside ``context`` (a selector; None for the whole
    page), on a page it was injected into."""
    found = page.evaluate(
        "([context, tags]) => axe.run(context ?? document, {resultTypes: ['violations'],"
        " runOnly: {type: 'tag', values: tags}}).then(results => results.violations)",
        [context, tags],
    )
    return describe(found)


@pytest.mark.parametrize(
    ("path", "mode", "widths"),
    ACCESSIBILITY_MATRIX,
    ids=lambda value: "-".join(value) if isinstance(value, list) else value,
)
def test_page_is_accessible_and_private(browser, server, axe, path, mode, widths):
    with visit(browser, server, path, mode=mode, width=WIDTHS[widths[0]]) as (page, traffic):
        page.evaluate(axe.axe_script)
        for width in widths:
            page.set_viewport_size({"width": WIDTHS[width], "height": 900})
            assert page.evaluate("innerWidth") == WIDTHS[width]
            assert axe_violations(page, None, WCAG_TAGS) == [], width
            assert axe_violations(page, "article", ["best-practice"]) == [], width
        assert traffic.offsite == []
        assert traffic.failed == []
        assert traffic.console_errors == []
        assert page.evaluate("window.cspViolations") == []
        # The built policy, and the one its first script adds to name the script folder.
        policies = page.locator('meta[http-equiv="Content-Security-Policy"]').evaluate_all(
            "metas => metas.map(meta => meta.content)"
        )
        assert len(policies) == 2 and f"script-src {server.url}_static/ " in policies[1]
        if "phone" in widths and mode == "light":
            # The narrowest phones: nothing may make the reader scroll sideways.
            page.set_viewport_size({"width": 320, "height": 800})
            assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0, "320 px"


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    "path", [f"{FIRST_WEEK.sections[0]}.html", f"{FIRST_WEEK.workbook}.html", "index.html"]
)
def test_card_text_icons_and_borders_have_enough_contrast(browser, server, path, mode):
    with visit(browser, server, path, mode=mode) as (page, _):
        assert page.locator(".course-card").count() > 0
        assert card_contrasts(page) == []


def test_card_colours_follow_the_theme_toggle(browser, server):
    with visit(browser, server, f"{FIRST_WEEK.sections[0]}.html", mode="light") as (page, _):

        def colours():
            return page.evaluate(CARD_COLOURS)[0]

        light = colours()
        for _ in range(3):
            if page.evaluate("document.body.dataset.theme") == "dark":
                break
            page.locator(".theme-toggle:visible").first.click()
        assert page.evaluate("document.body.dataset.theme") == "dark"
        dark = colours()
        assert dark["background"] != light["background"]
        assert dark["accent"] != light["accent"]
        assert dark["texts"][0][1] != light["texts"][0][1]
        assert card_contrasts(page) == []


FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  return {
    inCard: !!el.closest('.course-card-group, .course-card'),
    target: el.getAttribute('href') || el.id,
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0,
    shadow: style.boxShadow !== 'none',
  };
}"""
CARD_CONTROLS = """[...document.querySelectorAll('.course-card-group a[href]:not(.headerlink), .course-card textarea')]
  .map(el => el.getAttribute('href') || el.id)"""


@pytest.mark.parametrize("path", [f"{FIRST_WEEK.workbook}.html", f"{FIRST_WEEK.metaphors}.html"])
def test_keyboard_reaches_every_card_link_with_a_visible_focus_indicator(browser, server, path):
    with visit(browser, server, path) as (page, _):
        controls = page.evaluate(CARD_CONTROLS)
        assert len(controls) >= len(FIRST_WEEK.sections), "at least a link back to each section"
        focusable = page.evaluate(
            "document.querySelectorAll('a[href], button, input, textarea, [tabindex]').length"
        )
        reached = {}
        for _ in range(focusable + 5):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state["inCard"]:
                reached[state["target"]] = state["outline"] or state["shadow"]
        assert set(reached) == set(controls)
        assert all(reached.values()), [target for target, visible in reached.items() if not visible]


PRINT_STYLES = """() => [...document.querySelectorAll('.course-card')].map(card => {
  const s = getComputedStyle(card);
  const prompts = card.classList.contains('reflection')
    ? [...card.querySelectorAll('.course-card-body li')].map(li => parseFloat(getComputedStyle(li, '::after').height))
    : [];
  return {id: card.id, border: parseFloat(s.borderTopWidth), borderStyle: s.borderTopStyle,
          shadow: s.boxShadow, background: s.backgroundColor, backgroundImage: s.backgroundImage,
          prompts};
})"""


def normalise(text: str) -> str:
    """Compare text without spaces and hyphens: pdftotext re-flows lines and drops the
    hyphen of a compound word that the PDF broke across two lines."""
    return re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", text))


# The most A4 sheets a page may print on, where it is known to be short: a week's metaphors
# take a quarter of a sheet each at most, with one sheet more for the page's introduction.
SHEET_LIMITS = {f"{week.metaphors}.html": 1 + math.ceil(len(week.sections) / 4) for week in COURSE.weeks}
# The least a printed sheet holds: less is a sheet of leftovers (a footer, a lone link).
MIN_SHEET_CHARACTERS = 120


@pytest.mark.parametrize("path", [p for p in PAGES if p != "search.html"])
def test_print_is_designed_cards_framed_sheets_full_links_plain(browser, server, path, tmp_path):
    require_tool("pdftotext")
    with visit(browser, server, path) as (page, _):
        page.emulate_media(media="print", color_scheme="dark")
        cards = page.evaluate(PRINT_STYLES)
        assert bool(cards) == (path in CARD_PAGES)
        links = page.evaluate(
            """[...document.querySelectorAll('article a[href]')].filter(a => a.offsetParent)
            .map(a => [getComputedStyle(a).textDecorationLine, getComputedStyle(a).color,
                       getComputedStyle(a.closest('p, li, h1, h2, h3, div')).color])"""
        )
        assert all(line == "none" and colour == around for line, colour, around in links), (
            "links print as text"
        )
        bands = page.evaluate(
            "[...document.querySelectorAll('.course-card:not(.has-notes) .course-notes')].filter(b => b.offsetHeight)"
            ".length"
        )
        assert bands == 0, "no empty notes band on paper"
        for card in cards:
            assert card["border"] >= 1 and card["borderStyle"] == "solid", card["id"]
            assert card["shadow"] == "none", card["id"]
            background = parse_colour(card["background"])
            assert background[3] == 0 or min(background[:3]) > 0.95, card["id"]
            assert all(height >= 48 for height in card["prompts"]), card["id"]
        texts = page.evaluate("[...document.querySelectorAll('.course-card')].map(c => c.innerText)")
        pdf = tmp_path / "page.pdf"
        page.pdf(path=str(pdf), format="A4")
        raw = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        printed = normalise(raw)
        for text in texts:
            for line in filter(None, (normalise(t) for t in text.splitlines())):
                assert line in printed, line
        # pdftotext ends every sheet with a form feed: only the last one closes no sheet, so a
        # blank last sheet still counts (and fails).
        sheets = raw.removesuffix("\f").split("\f")
        thin = [
            n + 1 for n, sheet in enumerate(sheets) if len(re.sub(r"\s", "", sheet)) < MIN_SHEET_CHARACTERS
        ]
        assert thin == [], f"{path}: sheets {thin} of {len(sheets)} hold almost nothing"
        assert len(sheets) <= SHEET_LIMITS.get(path, len(sheets)), f"{path} prints on {len(sheets)} sheets"


SITE_CHROME = [
    ".skip-to-content",
    ".mobile-header",
    ".sidebar-drawer",
    ".toc-drawer",
    ".content-icon-container",
    ".related-pages",
    ".headerlink",
]


def test_the_printed_workbook_is_a_worksheet(browser, server):
    with visit(browser, server, f"{FIRST_WEEK.workbook}.html") as (page, _):
        page.emulate_media(media="print")
        for selector in SITE_CHROME:
            assert page.locator(selector).count() > 0, selector
            assert page.locator(f"{selector}:visible").count() == 0, selector
        groups = page.evaluate(
            "[...document.querySelectorAll('.course-card-group')].map(g => getComputedStyle(g).breakBefore)"
        )
        assert len(groups) == len(FIRST_WEEK.sections)
        assert groups == ["auto"] + ["page"] * (len(groups) - 1), "one section per sheet"


def printed_lines(pdf) -> list[tuple[float, list[tuple[str, float, float]]]]:
    """Each printed sheet's height and its lines of text (words, top, bottom), top to bottom,
    in points, as poppler's pdftotext reads them."""
    from bs4 import BeautifulSoup

    layout = subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    sheets = []
    for sheet in BeautifulSoup(layout, "html.parser").find_all("page"):
        lines = [
            (" ".join(w.get_text() for w in line.find_all("word")), float(line["ymin"]), float(line["ymax"]))
            for line in sheet.find_all("line")
        ]
        sheets.append((float(sheet["height"]), sorted(lines, key=lambda line: line[1])))
    return sheets


def ruled_rows(pdf, folder) -> list[set[float]]:
    """Each sheet's rows, in points from its top, drawn across more than half its width
    without a break: the ruled lines (and a card's borders), never a line of words."""
    # Finer than a point: at 72 dpi, lines thinner than a pixel go missing.
    dpi = 150
    subprocess.run(["pdftoppm", "-gray", "-r", str(dpi), str(pdf), str(folder / "gray")], check=True)
    sheets = []
    for image in sorted(folder.glob("gray-*.pgm"), key=lambda path: int(path.stem.split("-")[-1])):
        data = image.read_bytes()
        header = re.match(rb"P5\s+(\d+)\s+(\d+)\s+\d+\s", data)
        width, height, pixels = int(header[1]), int(header[2]), data[header.end() :]
        rows = (pixels[y * width : (y + 1) * width] for y in range(height))
        sheets.append(
            {
                y * 72 / dpi
                for y, row in enumerate(rows)
                if max((len(run) for run in re.findall(rb"[\x00-\xe0]+", row)), default=0) > width / 2
            }
        )
    return sheets


# Margins as a browser's print dialog gives them; 100vh in print is the sheet less these.
PRINT_MARGIN_CM = 1.0
POINTS_PER_CM = 72 / 2.54
# The least share of a sheet's printable height that is ruled room to write under prompts.
WRITING_SHARE = 0.6
# The least ruled room under any one prompt, on its own sheet: two lines.
PROMPT_ROOM_POINTS = 36


# The workbook holds every section's prompts; a section page's reflection sheet follows one
# rule for all, seen on the first and last sections.
@pytest.mark.parametrize(
    "path",
    [f"{page}.html" for page in (FIRST_WEEK.workbook, FIRST_WEEK.sections[0], FIRST_WEEK.sections[-1])],
)
def test_printed_prompts_get_the_room_the_sheet_has(browser, server, path, tmp_path):
    """On A4 with margins of 1 cm, every sheet that holds prompts is mostly room to write:
    the ruled lines under its prompts (from a prompt's words to its last line before the
    next words) span at least 60 % of the sheet's printable height; every prompt is whole on
    one sheet, with its lines under it there."""
    require_tool("pdftotext")
    with visit(browser, server, path) as (page, _):
        prompts = page.evaluate(
            "[...document.querySelectorAll('.course-card.reflection .course-card-body li')].map(li => li.innerText)"
        )
        sections = page.locator(".course-card-group").count()
        pdf = tmp_path / "page.pdf"
        margin = f"{PRINT_MARGIN_CM}cm"
        page.pdf(
            path=str(pdf), format="A4", margin={side: margin for side in ("top", "right", "bottom", "left")}
        )
    subprocess.run(
        ["pdftoppm", "-r", "40", "-png", str(pdf), str(tmp_path / "sheet")], check=True
    )  # for reviewers
    sheets = printed_lines(pdf)
    rules = ruled_rows(pdf, tmp_path)
    assert len(rules) == len(sheets)
    unplaced = [normalise(prompt) for prompt in prompts]
    for number, ((height, lines), ruled) in enumerate(zip(sheets, rules, strict=True), start=1):
        printable = height - 2 * PRINT_MARGIN_CM * POINTS_PER_CM
        words = [normalise(text.lstrip("•")) for text, _, _ in lines]
        rooms = []
        for first in range(len(lines)):
            joined = ""
            for last in range(first, len(lines)):
                joined += words[last]
                if joined in unplaced:
                    unplaced.remove(joined)
                    below = lines[last + 1][1] if last + 1 < len(lines) else height
                    under = [y for y in ruled if lines[last][2] < y < below]
                    rooms.append(max(under) - lines[last][2] if under else 0)
                    break
                if not any(prompt.startswith(joined) for prompt in unplaced):
                    break
        if rooms:
            share = sum(rooms) / printable
            assert min(rooms) >= PROMPT_ROOM_POINTS, f"{path} sheet {number}: a prompt without its lines"
            assert share >= WRITING_SHARE, f"{path} sheet {number}: {share:.0%} of the sheet to write on"
    assert unplaced == [], f"{path}: prompts split across sheets or not printed"
    if path.endswith("workbook.html"):
        assert len(sheets) == sections + 1, "a cover, then one sheet per section"
