"""The metaphor and reflection directives: doctree, HTML, ids, references, mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from docutils import nodes

import course_cards
from conftest import soup
from course_cards.nodes import card_title, course_card, metaphor_card, reflection_card


def cards_in(app, docname):
    return list(app.env.get_doctree(docname).findall(course_card))


@pytest.mark.sphinx("html", testroot="cards", freshenv=True)
def test_cards_build_cleanly(app):
    app.build()
    assert app.warning.getvalue() == ""


@pytest.mark.sphinx("html", testroot="cards")
def test_doctree_has_card_nodes_with_title_body_and_classes(app):
    app.build()
    tuning, reflection, fenced, same_1, same_2 = cards_in(app, "myst")
    assert isinstance(tuning, metaphor_card) and isinstance(reflection, reflection_card)
    assert isinstance(tuning[0], card_title)
    assert tuning[0].astext() == "Two instruments tuning together"
    assert isinstance(tuning[0][1], nodes.emphasis)
    assert tuning["classes"] == ["course-card", "metaphor", "wide"]
    assert tuning["names"] == ["metaphor-tuning"] and tuning["ids"] == ["metaphor-tuning"]
    assert reflection["ids"] == ["reflect-tuning"], ":label: is an alias of :name:"
    assert not isinstance(reflection[0], card_title), "an untitled card has no title node"
    assert isinstance(reflection[0], nodes.bullet_list)
    assert fenced[0].astext() == "Fenced with backticks"
    assert fenced["ids"] == ["reflection-fenced-with-backticks"]
    assert (same_1["ids"], same_2["ids"]) == (["metaphor-same-title"], ["metaphor-same-title-2"])


@pytest.mark.sphinx("html", testroot="cards")
def test_html_card_structure(app):
    app.build()
    page = soup(app.outdir / "myst.html")
    card = page.find(id="metaphor-tuning")
    assert card.name == "div" and card["role"] == "note"
    assert card["class"] == ["course-card", "metaphor", "wide"]
    header, body = card.find_all("div", recursive=False)
    assert header["class"] == ["course-card-header"] and body["class"] == ["course-card-body"]
    icon, kind, title = header.find_all(recursive=False)
    assert icon["aria-hidden"] == "true"
    assert kind.get_text() == "Metaphor"
    assert title.name == "p" and title.get_text() == "Two instruments tuning together"
    assert card["aria-labelledby"].split() == [kind["id"], title["id"]]
    assert body.p.get_text().startswith("Think of co-regulation")

    untitled = page.find(id="reflect-tuning")
    kind = untitled.select_one(".course-card-kind")
    assert kind.get_text() == "Reflection"
    assert untitled["aria-labelledby"] == kind["id"]
    assert untitled.select_one(".course-card-title") is None


@pytest.mark.sphinx("html", testroot="cards")
def test_html_has_unique_ids_and_no_headings_inside_cards(app):
    app.build()
    for page in ("myst.html", "rest.html", "pair-myst.html"):
        document = soup(app.outdir / page)
        ids = [tag["id"] for tag in document.find_all(id=True)]
        assert len(ids) == len(set(ids)), page
        for card in document.select(".course-card"):
            assert card.find(re.compile(r"^h[1-6]$")) is None


@pytest.mark.sphinx("html", testroot="warnings", srcdir="warnings-heading-in-card", freshenv=True)
def test_a_heading_inside_a_card_stays_out_of_the_page_contents(app):
    app.build()
    assert "A heading" not in app.env.tocs["index"].astext()
    card = soup(app.outdir / "index.html").find(id="reflection-with-a-heading")
    assert card.select_one("p.rubric").get_text() == "A heading", "the heading is there, as a rubric"


@pytest.mark.sphinx("html", testroot="cards")
def test_ref_to_a_card_shows_its_title_or_kind(app):
    app.build()
    links = soup(app.outdir / "myst.html").select("a.reference.internal")
    texts = {a["href"]: a.get_text() for a in links}
    assert texts["#metaphor-tuning"] == "Two instruments tuning together"
    assert texts["#reflect-tuning"] == "Reflection"


@pytest.mark.sphinx("html", testroot="cards")
def test_stylesheet_is_added_with_a_checksum_to_html_only(app):
    app.build()
    links = [link["href"] for link in soup(app.outdir / "myst.html").find_all("link", rel="stylesheet")]
    assert any(re.fullmatch(r"_static/course_cards\.css\?v=[0-9a-f]+", h) for h in links)
    assert (app.outdir / "_static" / "course_cards.css").is_file()


@pytest.mark.sphinx("latex", testroot="cards", srcdir="cards-latex")
def test_latex_build_has_no_static_files(app):
    app.build()
    assert not (app.outdir / "_static").exists()
    tex = next(app.outdir.glob("*.tex")).read_text()
    assert r"\begin{sphinxadmonition}{note}" in tex
    assert r"Metaphor: Two \sphinxstyleemphasis{instruments} tuning together}" in tex


@pytest.mark.sphinx("text", testroot="cards", srcdir="cards-text")
def test_text_output_is_a_heading_line_then_the_indented_body(app):
    app.build()
    text = (app.outdir / "rest.txt").read_text()
    assert "Metaphor: A dance floor\n\n   Think of boundaries like a dance floor." in text
    assert "Reflection\n\n   * Where do you say yes out of obligation?" in text


@pytest.mark.sphinx("html", testroot="cards")
def test_the_same_card_in_myst_and_rest_gives_the_same_doctree(app):
    app.build()

    def shape(docname):
        (card,) = cards_in(app, docname)
        copy = card.deepcopy()
        del copy["docname"]
        return copy.pformat()

    assert shape("pair-myst") == shape("pair-rest")


@pytest.mark.sphinx("html", testroot="cards", srcdir="cards-moved")
def test_ids_stay_when_cards_move(app, make_app, tmp_path):
    app.build()

    def text_by_id():
        return {c["ids"][0]: c.astext() for c in cards_in(app, "myst") if "same-title" not in c["ids"][0]}

    before = text_by_id()
    source = (app.srcdir / "myst.md").read_text()
    blocks = source.split("\n\n:::")
    moved = "\n\n:::".join([blocks[0], *reversed(blocks[1:-1]), blocks[-1]])
    (app.srcdir / "myst.md").write_text(moved)
    app.build()
    assert [c.astext() for c in cards_in(app, "myst")][0] != list(before.values())[0], "cards moved"
    assert text_by_id() == before


def test_the_declared_parallel_safety_holds(make_app, rootdir, tmp_path):
    """setup() says parallel reading and writing are safe: a build in two processes
    collects the same cards, into the same pages, as a serial one."""
    import course_cards

    pages = {}
    for processes in (1, 2):
        app = make_app(
            "html",
            srcdir=rootdir / "test-collect",
            builddir=tmp_path / f"build-{processes}",
            parallel=processes,
        )
        app.build()
        metadata = app.extensions["course_cards"]
        assert metadata.version == course_cards.__version__
        assert metadata.parallel_read_safe is metadata.parallel_write_safe is True
        assert app.statuscode == 0 and not app.warning.getvalue()
        article = soup(app.outdir / "workbook.html")
        pages[processes] = [card.get_text(" ", strip=True) for card in article.select(".course-card")]
        app.cleanup()  # docutils' registries are global: the next app registers afresh
    assert pages[1], "the workbook collects cards"
    assert pages[2] == pages[1]


@pytest.mark.sphinx("html", testroot="notes", srcdir="notes-shipped-assets")
def test_assets_ship_without_their_comments_and_with_everything_else(app):
    """Readers download the stylesheet's rules and the scripts' code, not the notes
    written for maintainers; a stripper that ate a rule, a string or a line of code
    fails here (the browser tests then run what ships)."""
    import subprocess

    import tinycss2

    from conftest import NODE

    app.build()
    source = Path(course_cards.__file__).parent / "static"
    shipped = app.outdir / "_static"

    def rules(css: str) -> list[str]:
        sheet = tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)
        return [
            f"error: {rule.message}" if rule.type == "error" else " ".join(tinycss2.serialize([rule]).split())
            for rule in sheet
        ]

    stylesheet = (shipped / "course_cards.css").read_text()
    assert "/*" not in stylesheet
    assert rules(stylesheet) == rules((source / "course_cards.css").read_text())
    scripts = sorted(path.name for path in source.glob("*.js"))
    assert scripts and all((shipped / name).is_file() for name in scripts)
    for name in scripts:
        original = (source / name).read_text().splitlines()
        kept = (shipped / name).read_text().splitlines()
        assert not [line for line in kept if line.lstrip().startswith("//")], name
        assert kept == [line for line in original if not line.lstrip().startswith("//")], name
        assert len(kept) < len(original), name
        checked = subprocess.run([NODE, "--check", str(shipped / name)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
