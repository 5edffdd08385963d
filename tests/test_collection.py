"""cardlist pages: order, links, never stale after incremental builds."""

from __future__ import annotations

import json
import re

import pytest

from conftest import soup


def written_pages(app) -> set[str]:
    pages: set[str] = set()
    app.connect("html-page-context", lambda app, pagename, *args: pages.add(pagename))
    return pages


def build(app, pages: set[str]) -> set[str]:
    pages.clear()
    app.build()
    return pages & set(app.env.found_docs)


def group_titles(app, page):
    return [
        h.find(string=True).strip()
        for h in soup(app.outdir / f"{page}.html").select("section.course-card-group > h2")
    ]


def workbook_text(app) -> str:
    return soup(app.outdir / "workbook.html").select_one("div.body").get_text()


@pytest.mark.sphinx("html", testroot="collect", freshenv=True)
def test_groups_follow_the_toctree_not_file_names(app):
    app.build()
    assert app.warning.getvalue() == ""
    assert group_titles(app, "workbook") == ["Zebra section", "Alpha section", "Middle section"]
    assert group_titles(app, "glance") == ["Zebra section", "Middle section"]


@pytest.mark.sphinx("html", testroot="collect")
def test_every_entry_links_to_an_existing_card_id(app):
    app.build()
    checked = 0
    for page in ("workbook", "glance"):
        for link in soup(app.outdir / f"{page}.html").select("div.body a.reference.internal"):
            target, _, fragment = link["href"].partition("#")
            if not fragment:
                continue
            if not target:  # the page's own contents list
                assert soup(app.outdir / f"{page}.html").find(id=fragment).name == "section", link["href"]
                continue
            card = soup(app.outdir / target).find(id=fragment)
            assert card is not None and "course-card" in card["class"], link["href"]
            checked += 1
    assert checked == 2 + 1, "two metaphor titles, one reference inside a card"


@pytest.mark.sphinx("html", testroot="collect")
def test_full_and_titles_only_entries(app):
    app.build()
    workbook = soup(app.outdir / "workbook.html")
    cards = workbook.select("div.body div.course-card.reflection")
    assert len(cards) == 3
    assert "When did you last feel steady?" in cards[1].get_text()
    glance = soup(app.outdir / "glance.html")
    assert [a.get_text() for a in glance.select("div.body .course-card-list li a")] == ["Stripes", "A bridge"]
    assert glance.select("div.body div.course-card") == []


@pytest.mark.sphinx("html", testroot="collect")
def test_references_inside_copied_cards_resolve_from_the_collecting_page(app):
    app.build()
    copy = soup(app.outdir / "workbook.html").select("div.body div.course-card.reflection")[2]
    (link,) = copy.select(".course-card-body li a.reference.internal")
    assert link["href"] == "middle.html#metaphor-bridge"
    assert link.get_text() == "A bridge"


@pytest.mark.sphinx("html", testroot="collect")
def test_an_empty_result_is_a_short_note(app):
    app.build()
    note = soup(app.outdir / "empty.html").select_one("div.body .course-card-list.empty")
    assert note.get_text().strip() == "There are no cards to show here yet."


@pytest.mark.sphinx("html", testroot="collect", srcdir="collect-incremental")
def test_collected_pages_are_never_stale(app):
    pages = written_pages(app)
    build(app, pages)
    reflections, metaphors = {"workbook"}, {"glance"}
    parent = {"index"}

    alpha = app.srcdir / "alpha.md"
    alpha.write_text(alpha.read_text().replace("What helped?", "What helped you then?"))
    written = build(app, pages)
    assert "What helped you then?" in workbook_text(app)
    assert "What helped?" not in workbook_text(app)
    assert written == {"alpha"} | parent | reflections, "only pages collecting reflections"

    middle = app.srcdir / "middle.md"
    middle.write_text(middle.read_text().split(":::{reflection}")[0])
    written = build(app, pages)
    assert "Which plank did you lay today?" not in workbook_text(app)
    assert written == {"middle"} | parent | reflections

    zebra = app.srcdir / "zebra.md"
    zebra.write_text(
        zebra.read_text() + "\n:::{reflection}\n:name: reflect-zebra-2\n\n- A new prompt.\n:::\n"
    )
    written = build(app, pages)
    assert "A new prompt." in workbook_text(app)
    assert written == {"zebra"} | parent | reflections

    middle.write_text(middle.read_text().replace(":::{metaphor} A bridge", ":::{metaphor} A long bridge"))
    written = build(app, pages)
    assert [a.get_text() for a in soup(app.outdir / "glance.html").select("div.body .course-card-list li a")][
        1
    ] == "A long bridge"
    assert written == {"middle"} | parent | metaphors

    alpha.write_text(alpha.read_text().replace("Some text", "Other text"))
    written = build(app, pages)
    assert written == {"alpha"} | parent, "an edit outside cards leaves collected pages alone"
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="collect")
def test_search_finds_a_prompt_on_its_own_page_only(app):
    app.build()
    index = json.loads(
        re.search(r"Search\.setIndex\((.*)\)", (app.outdir / "searchindex.js").read_text()).group(1)
    )
    docnames = index["docnames"]
    pages = index["terms"]["steadi"]
    pages = [pages] if isinstance(pages, int) else pages
    assert [docnames[page] for page in pages] == ["alpha"]


def known_note_cards(app, page) -> list[str]:
    known = soup(app.outdir / f"{page}.html").select_one(".course-notes-tools")["data-known"]
    return [key.split("#")[1] for key, _ in json.loads(known)]


@pytest.mark.sphinx(
    "html", testroot="collect", srcdir="collect-scoped-notes", confoverrides={"course_cards_notes": True}
)
def test_a_scoped_list_knows_cards_added_outside_its_scope(app):
    """The notes tools know every card with notes on the site, so that notes of a card
    outside the list's scope are not taken for notes of a vanished card."""
    (app.srcdir / "scoped.md").write_text(
        "# Alpha only\n\n:::{cardlist}\n:kind: reflection\n:from: alpha\n:::\n"
    )
    index = app.srcdir / "index.md"
    index.write_text(index.read_text().replace("empty\n", "empty\nscoped\n"))
    pages = written_pages(app)
    build(app, pages)
    assert "reflect-zebra-new" not in known_note_cards(app, "scoped")

    zebra = app.srcdir / "zebra.md"
    zebra.write_text(zebra.read_text() + "\n:::{reflection}\n:name: reflect-zebra-new\n\n- New.\n:::\n")
    written = build(app, pages)
    assert "scoped" in written
    assert known_note_cards(app, "scoped") == known_note_cards(app, "workbook")
    assert "reflect-zebra-new" in known_note_cards(app, "scoped")
    assert app.warning.getvalue() == ""


def test_a_card_collected_on_two_pages_is_whole_on_both(make_app, rootdir, tmp_path):
    """Each collected card is taken from a doctree loaded for the lists alone; the second
    list that shows it gets a copy, not a card already given away."""
    import shutil

    source = tmp_path / "src"
    shutil.copytree(rootdir / "test-collect", source)
    for name in ("first", "second"):
        (source / f"{name}.md").write_text(f"# Metaphors, {name}\n\n:::{{cardlist}}\n:kind: metaphor\n:::\n")
    index = source / "index.md"
    index.write_text(index.read_text().replace("empty\n", "empty\nfirst\nsecond\n"))
    app = make_app("html", srcdir=source, freshenv=True)
    app.build()
    assert app.warning.getvalue() == ""
    cards = {
        name: soup(app.outdir / f"{name}.html").select("div.course-card-list div.course-card")
        for name in ("first", "second")
    }
    assert len(cards["first"]) == len(cards["second"]) == 2
    assert [c.get_text() for c in cards["first"]] == [c.get_text() for c in cards["second"]]
    assert all(c.get_text().strip() for c in cards["first"])
    originals = soup(app.outdir / "zebra.html").select("div.course-card")
    assert originals and all(card.get("id") for card in originals)
