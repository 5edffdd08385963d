"""Opt-in numbering, numfig left alone, translated labels and translated cards."""

from __future__ import annotations

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from conftest import REPO, soup

LOCALE = REPO / "_ext" / "course_cards" / "locale"


@pytest.mark.sphinx("html", testroot="numbered")
def test_numbered_cards_show_their_number_and_numref_works(app):
    app.build()
    assert app.warning.getvalue() == ""
    page = soup(app.outdir / "index.html")
    labels = [k.get_text() for k in page.select(".course-card-kind")]
    assert labels == ["Metaphor 1", "Metaphor 2", "Reflection 1"]
    links = {a["href"]: a.get_text() for a in page.select("a.reference.internal")}
    assert links["#metaphor-dance-floor"] == "Metaphor 2"
    assert links["#metaphor-tuning"] == "Two instruments tuning together"


@pytest.mark.sphinx(
    "html", testroot="numbered", freshenv=True, confoverrides={"course_cards_numbered": False}
)
def test_numfig_switched_on_by_someone_else_leaves_cards_unnumbered_and_clean(app):
    app.build()
    assert app.warning.getvalue() == ""
    assert app.config.numfig_format["metaphor"] == "Metaphor %s"
    html = (app.outdir / "index.html").read_text()
    assert "caption-number" not in html
    labels = [k.get_text() for k in soup(app.outdir / "index.html").select(".course-card-kind")]
    assert labels == ["Metaphor", "Metaphor", "Reflection"]


@pytest.mark.sphinx("html", testroot="cards")
def test_the_extension_never_switches_numfig_on(app):
    assert app.config.numfig is False


@pytest.mark.sphinx(
    "html", testroot="numbered", freshenv=True, confoverrides={"numfig_format": {"metaphor": "Image %s"}}
)
def test_a_projects_own_numfig_format_wins(app):
    app.build()
    labels = [k.get_text() for k in soup(app.outdir / "index.html").select(".course-card-kind")]
    assert labels[:2] == ["Image 1", "Image 2"]


@pytest.mark.sphinx("gettext", testroot="i18n")
def test_gettext_extracts_titles_and_bodies_but_not_default_labels(app):
    app.build()
    pot = (app.outdir / "index.pot").read_text()
    assert 'msgid "A dance floor"' in pot
    assert 'msgid "Think of boundaries like a dance floor."' in pot
    assert 'msgid "Where do you say yes out of obligation?"' in pot
    assert 'msgid "Metaphor"' not in pot and 'msgid "Reflection"' not in pot


@pytest.mark.sphinx("html", testroot="i18n", srcdir="i18n-de", confoverrides={"language": "de"})
def test_a_translated_build_translates_labels_titles_and_bodies(app):
    app.build()
    assert app.warning.getvalue() == ""
    page = soup(app.outdir / "index.html")
    metaphor = page.find(id="metaphor-dance-floor")
    assert metaphor.select_one(".course-card-kind").get_text() == "Metapher"
    assert metaphor.select_one(".course-card-title").get_text() == "Eine Tanzfläche"
    assert "Stell dir Grenzen wie eine Tanzfläche vor." in metaphor.get_text()
    reflection = page.find(id="reflect-one")
    assert reflection.select_one(".course-card-kind").get_text() == "Reflexion"
    assert "Wo sagst du aus Pflichtgefühl Ja?" in reflection.get_text()


@pytest.mark.parametrize("language", sorted(p.name for p in LOCALE.iterdir()))
def test_compiled_catalogs_match_their_sources(language):
    folder = LOCALE / language / "LC_MESSAGES"
    with open(folder / "course_cards.po", "rb") as po, open(folder / "course_cards.mo", "rb") as mo:
        source, compiled = read_po(po), read_mo(mo)

    def entries(catalog):
        # Plural messages have a tuple of ids and of strings.
        def text(value):
            return value if isinstance(value, str) else tuple(value)

        return {text(m.id): text(m.string) for m in catalog if m.id}

    expected = entries(source)
    assert entries(compiled) == expected
    assert all(all(s) if isinstance(s, tuple) else s for s in expected.values())
