"""Authors' mistakes: a located, typed warning each, the rest of the page still built."""

from __future__ import annotations

import re

import pytest

from conftest import assert_located_warnings, soup, warning_lines

EXPECTED = [
    ("index.md", 7, "empty", "metaphor card is empty"),
    ("index.md", 10, "option", "unknown option :nmae:"),
    ("index.md", 22, "duplicate", "the name 'twice' is already used on this page"),
    ("index.md", 31, "nested", "a metaphor card is nested inside a reflection card"),
    ("index.md", 37, "heading", "heading 'A heading' inside a reflection card"),
    ("index.md", 42, "kind", "cardlist needs :kind: metaphor or reflection, not 'recipe'"),
    ("index.md", 46, "from", "cardlist :from: 'nowhere/' matches no page"),
    ("index.md", 54, "tabs", "reflection card's text is indented with a tab"),
    ("rest.rst", 4, "option", "unknown option :nmae:"),
    ("rest.rst", 9, "empty", "metaphor card is empty"),
]


@pytest.mark.sphinx("html", testroot="warnings")
def test_each_mistake_gets_one_located_typed_warning(app):
    app.build()
    assert_located_warnings(warning_lines(app), EXPECTED, "course_cards")
    assert "Traceback" not in app.warning.getvalue()


@pytest.mark.sphinx("html", testroot="warnings")
def test_the_rest_of_each_page_still_builds(app):
    app.build()
    index = soup(app.outdir / "index.html")
    assert "The last paragraph still builds." in index.get_text()
    assert index.find(id="twice").get_text().count("One.") == 1
    assert "Two." in index.get_text(), "the second card keeps its body under a derived id"
    misspelt = index.select_one(".course-card.metaphor .course-card-title")
    assert misspelt.get_text() == "Misspelt option", "a card with an unknown option is still built"
    outer = index.find(id="reflection-outer")
    assert outer.select(".course-card") == [] and "Nested." in outer.get_text()
    heading_card = index.find(id="reflection-with-a-heading")
    assert heading_card.find(re.compile(r"^h\d$")) is None
    assert heading_card.select_one("p.rubric").get_text() == "A heading"
    rest = soup(app.outdir / "rest.html")
    assert "The last reST paragraph still builds." in rest.get_text()
    assert rest.select_one(".course-card-title").get_text() == "Misspelt in reST"


@pytest.mark.sphinx(
    "html",
    testroot="warnings",
    freshenv=True,
    confoverrides={"suppress_warnings": ["course_cards.empty", "course_cards.option"]},
)
def test_suppress_warnings_silences_one_subtype_at_a_time(app):
    app.build()
    lines = warning_lines(app)
    assert not any("course_cards.empty" in w or "course_cards.option" in w for w in lines)
    assert any("course_cards.nested" in w for w in lines)


@pytest.mark.sphinx("html", testroot="cards", freshenv=True, confoverrides={"course_cards_numbered": True})
def test_numbering_without_numfig_is_a_config_warning(app):
    assert "course_cards_numbered needs numfig = True" in app.warning.getvalue()
    assert "[course_cards.config]" in app.warning.getvalue()


def test_a_note_key_that_depends_on_position_is_a_located_warning(make_app, tmp_path):
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "course_cards"]\nmyst_enable_extensions = ["colon_fence"]\ncourse_cards_notes = True\n'
    )
    (tmp_path / "index.md").write_text(
        "# Page\n\n:::{reflection}\n- One?\n:::\n\n:::{reflection}\n- Two?\n:::\n\n"
        ":::{reflection}\n:name: named\n\n- Three?\n:::\n"
    )
    app = make_app("html", srcdir=tmp_path)
    app.build()
    assert_located_warnings(
        warning_lines(app),
        [("index.md", 7, "note-key", "notes would be kept under 'reflection-2'")],
        "course_cards",
    )


def test_a_tab_indented_reflection_is_one_warning_about_tabs_not_a_count_of_prompts(make_app, tmp_path):
    (tmp_path / "conf.py").write_text(
        'extensions = ["myst_parser", "course_cards", "course_site.shape"]\nmyst_enable_extensions = ["colon_fence"]\n'
    )
    (tmp_path / "index.md").write_text(
        "# A page\n\n:::{reflection} Tabbed\n:name: tabbed\n\n\t- One?\n\t- Two?\n:::\n"
    )
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    warnings = [
        line for line in warning_lines(app) if "tabbed" in line.lower() or "prompts" in line or "tab" in line
    ]
    assert any("[course_cards.tabs]" in line and "index.md:6" in line for line in warnings), warnings
    assert not [line for line in warnings if "[course_shape.prompts]" in line], warnings


@pytest.mark.parametrize("spelling", ["metaphore", "metaphors", "metafor", "reflexion"])
def test_a_misspelt_card_directive_is_one_message_saying_what_was_meant(make_app, tmp_path, spelling):
    """The parser's own message names the card kind that was meant; the card it would have
    been does not also break the page's rules or leave a published id behind."""
    import shutil

    from conftest import REPO

    shutil.copytree(REPO / "tests" / "roots" / "test-guide", tmp_path, dirs_exist_ok=True)
    page = tmp_path / "week1" / "01-arriving.md"
    meant = "reflection" if spelling == "reflexion" else "metaphor"
    page.write_text(page.read_text().replace(f":::{{{meant}}}", f":::{{{spelling}}}", 1))
    (tmp_path / "ids.txt").write_text(
        "week1/01-arriving metaphor-01-arriving\nweek1/01-arriving reflect-01-arriving\n"
    )
    conf = tmp_path / "conf.py"
    conf.write_text(conf.read_text() + 'course_cards_published_ids = "ids.txt"\n')
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    warnings = warning_lines(app)
    assert len(warnings) == 1, warnings
    assert f"01-arriving.md:{5 if spelling != 'reflexion' else 11}" in warnings[0]
    assert f"Unknown directive type: '{spelling}'; did you mean '{meant}'?" in warnings[0]
