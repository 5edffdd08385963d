"""The real site: every word of Week 7's course text (the only test that knows Week 7's
content), descriptions, icons, source links and privacy. The course's structure, any
number of weeks and sections, is tested in test_structure.py."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import COURSE, REPO, soup

SOURCE = REPO / "tests" / "data" / "week7-source.txt"
BREADCRUMB = "Home > Week 7 – Safe Connections"


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def source_blocks() -> tuple[list[str], list[str]]:
    """The course text as (headings, paragraphs), without the breadcrumb line."""
    blocks = [normalise(b) for b in re.split(r"\n\s*\n", SOURCE.read_text(encoding="utf-8"))]
    blocks = [b for b in blocks if b and b != BREADCRUMB]
    headings = [b for b in blocks if not b.endswith((".", "?", "!", "”", ")"))]
    return headings, [b for b in blocks if b not in headings]


def words(text: str) -> list[str]:
    return re.findall(r"[\w’'-]+", text.lower())


@pytest.fixture(scope="module")
def html(site) -> Path:
    return site("html")


def article(path: Path):
    return soup(path).find("article")


def test_every_source_paragraph_is_on_the_site_word_for_word(html):
    site_paragraphs = {
        normalise(p.get_text())
        for page in html.rglob("*.html")
        if (body := article(page)) is not None
        for p in body.find_all("p")
    }
    _, paragraphs = source_blocks()
    assert len(paragraphs) == 36, f"{SOURCE.name} should hold Week 7's 36 paragraphs"
    missing = [p for p in paragraphs if p not in site_paragraphs]
    assert missing == [], (
        "these paragraphs of tests/data/week7-source.txt are not on the site word for word; "
        "restore the author's wording in the week7/ page that holds them"
    )


def in_order_within(wanted: list, found: list) -> bool:
    """Whether ``wanted`` appears in ``found`` in the same order (other items between)."""
    rest = iter(found)
    return all(item in rest for item in wanted)


def test_every_source_heading_keeps_its_words_as_a_page_title(html):
    headings, _ = source_blocks()
    week = COURSE.week("week7")
    titles = [words(article(html / f"{page}.html").h1.get_text()) for page in (week.index, *week.sections)]
    # Sections added since (the course grows) may sit between them.
    assert in_order_within([words(h) for h in headings], titles), (
        "Week 7's page titles (week7/index.md, then its sections in toctree order) should keep the "
        "words of the source headings, in order"
    )


def test_each_think_of_paragraph_is_the_body_of_a_metaphor_card(html):
    _, paragraphs = source_blocks()
    think_of = [p for p in paragraphs if p.startswith("Think of ")]
    bodies = {
        page: [
            normalise(card.select_one(".course-card-body").get_text())
            for card in article(html / f"{page}.html").select("div.course-card.metaphor")
        ]
        for page in COURSE.week("week7").sections
    }
    holding = [page for page, found in bodies.items() if found and found[0] in think_of]
    missing = [paragraph for paragraph in think_of if [paragraph] not in bodies.values()]
    assert not missing, (
        f"these 'Think of' paragraphs of the course text are no section's metaphor card: {missing}"
    )
    assert [bodies[page][0] for page in holding] == think_of, (
        "the course text's metaphors should stay in its order, one per section"
    )


def test_every_page_has_a_meta_description(html):
    for page in html.rglob("*.html"):
        meta = soup(page).find("meta", attrs={"name": "description"})
        assert meta is not None and len(meta["content"]) > 40, page


def test_every_page_names_its_icon_a_local_svg(html):
    """A page that names no icon makes every reader's browser ask for /favicon.ico, in vain."""
    for page in html.rglob("*.html"):
        icon = soup(page).find("link", rel="icon")
        assert (
            icon is not None
            and (page.parent / icon["href"]).resolve() == (html / "_static" / "favicon.svg").resolve()
        ), page
    assert (html / "_static" / "favicon.svg").is_file()


def test_reader_pages_carry_no_source_buttons_only_a_quiet_suggestion_in_the_footer(html):
    for page in [html / "index.html", html / "week7" / "05-boundaries-in-connection.html"]:
        document = soup(page)
        assert document.select(".view-this-page, .edit-this-page, .content-icon-container a") == []
        suggest = document.select_one("footer .site-contributor-links a[rel=edit]")
        assert suggest.get_text() == "Suggest a change"
    edit = urlparse(suggest["href"]).path
    assert edit.endswith("/edit/main/week7/05-boundaries-in-connection.md")


def test_contributor_pages_are_built_but_kept_out_of_the_readers_way(html):
    for page in html.rglob("*.html"):
        if "_static" in page.parts or "ebooks" in page.parts:
            continue
        document = soup(page)
        assert not [a for a in document.select(".sidebar-tree a[href]") if "contributing/" in a["href"]], page
        for neighbour in document.select(".related-pages a[href]"):
            assert "contributing/" not in neighbour["href"] or page.parent.name == "contributing", page
        footer = document.select_one("footer .site-contributor-links a")
        assert footer is not None and footer.get_text() == "For contributors", page
        target = page if footer["href"] == "#" else (page.parent / footer["href"]).resolve()
        assert target == (html / "contributing" / "authoring.html").resolve(), page
    authoring = soup(html / "contributing" / "authoring.html")
    assert authoring.select_one('article a[href="extension.html"]'), "the second guide is one link further"
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "contributing/authoring.md" in readme and "contributing/extension.md" in readme


RESOURCE_ATTRIBUTES = {
    "script": "src",
    "img": "src",
    "link": "href",
    "source": "srcset",
    "iframe": "src",
    "video": "src",
    "audio": "src",
    "embed": "src",
    "object": "data",
}


def test_no_page_loads_anything_from_another_host(html):
    offsite = []
    for page in list(html.rglob("*.html")) + list(html.rglob("*.css")):
        text = page.read_text(encoding="utf-8")
        if page.suffix == ".css":
            urls = re.findall(r"url\(\s*['\"]?([^'\")]+)", text) + re.findall(
                r"@import\s+['\"]([^'\"]+)", text
            )
        else:
            document = soup(page)
            urls = [
                tag[attr]
                for name, attr in RESOURCE_ATTRIBUTES.items()
                for tag in document.find_all(name)
                if tag.get(attr)
            ]
            urls += re.findall(
                r"url\(\s*['\"]?([^'\")]+)", " ".join(t.get_text() for t in document.find_all("style"))
            )
        offsite += [(page.name, u) for u in urls if urlparse(u).netloc or u.startswith("//")]
    assert offsite == []


def test_every_page_links_the_privacy_page_from_its_footer(html):
    for page in html.rglob("*.html"):
        link = soup(page).select_one("footer .site-privacy-link a")
        assert link is not None, page
        target = page if link["href"] == "#" else page.parent / link["href"]
        assert target.resolve() == (html / "privacy.html").resolve()
