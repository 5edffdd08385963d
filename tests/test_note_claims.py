"""A reader's notes belong to one card: no card can take another's notes through
``:formerly:``, a name that reads like another card's id, or a legacy id, on the card's
page or on the workbook; each attempt is a located warning."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import REPO, soup
from course_cards.published import note_claims

NOTES_ROOT = REPO / "tests" / "roots" / "test-notes"


def record(doc: str, card_id: str, *formerly: str, legacy: str = "") -> dict:
    return {
        "note_key": f"{doc}#{card_id}",
        "notes": True,
        "formerly": list(formerly),
        "legacy_id": legacy,
        "line": 3,
    }


@pytest.mark.parametrize(
    ("cards", "refused"),
    [
        ({"a": [record("a", "new", "b#old")], "b": []}, "of another page"),
        ({"a": [record("a", "real"), record("a", "new", "a#real")]}, "is a card of this site now"),
        ({"a": [record("a", "new", "a#invented")]}, "was never published"),
        ({"a": [record("a", "one", "a#old"), record("a", "two", "a#old")]}, "also claimed by"),
    ],
)
def test_each_way_a_formerly_could_take_notes_is_refused(cards, refused):
    claims, refusals = note_claims(cards, published={"a#old", "b#old", "a#real"})
    assert all(formerly == [] for _, formerly in claims.values())
    assert refusals and all(refused in message for _, _, message in refusals)


def test_a_renamed_published_card_keeps_its_former_key():
    claims, refusals = note_claims({"a": [record("a", "new", "a#old")]}, published={"a#old"})
    assert refusals == [] and claims["a#new"] == ("", ["a#old"])


def test_a_legacy_id_moves_notes_only_to_one_published_card():
    cards = {
        "a": [record("a", "real", legacy="shared")],
        "b": [record("b", "copy", legacy="shared"), record("b", "new", legacy="fresh")],
    }
    claims, _ = note_claims(cards, published={"a#real", "b#copy"})
    assert claims["a#real"][0] == "shared"
    assert claims["b#copy"][0] == "" and claims["b#new"][0] == "", "taken, or never published"


THIEF_CARDS = """
:::{reflection} Mine now
:name: reflect-taker
:formerly: reflect-first section#reflect-second

- Whose notes?
- Mine?
:::

:::{reflection} Looks the same
:name: ｒｅｆｌｅｃｔ－ｆｉｒｓｔ

- A prompt?
- Another?
:::
"""


def test_cards_that_claim_other_cards_notes_get_none_on_the_page_or_the_workbook(make_app, tmp_path):
    source = tmp_path / "src"
    shutil.copytree(NOTES_ROOT, source)
    (source / "section.md").write_text((source / "section.md").read_text() + THIEF_CARDS)
    (source / "index.md").write_text(
        (source / "index.md").read_text().replace("section\n", "section\nthief\n", 1)
    )
    (source / "thief.md").write_text(
        "# Another page\n\n:::{reflection} Borrowed\n:name: reflect-borrowed\n:formerly: section#reflect-first\n\n"
        "- A prompt?\n- Another?\n:::\n"
    )
    app = make_app("html", srcdir=source, freshenv=True)
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    assert re.search(
        r"section\.md:\d+: WARNING: :formerly: 'reflect-first' refused: .*\[course_cards\.formerly\]",
        warnings,
    )
    assert re.search(
        r"section\.md:\d+: WARNING: :formerly: 'reflect-second' refused: .*\[course_cards\.formerly\]",
        warnings,
    )
    assert re.search(r"thief\.md:\d+: WARNING: :formerly: 'reflect-first' refused: .*another page", warnings)
    assert re.search(
        r"section\.md:\d+: WARNING: the name .* is read as 'reflect-first'.*\[course_cards\.name\]", warnings
    )
    assert re.search(
        r"section\.md:\d+: WARNING: another card of this page already has the id 'reflect-first'", warnings
    )
    assert "Traceback" not in warnings

    real = {"section#reflect-first", "section#reflect-second"}
    for page in ("section.html", "thief.html", "workbook.html"):
        for card in soup(app.outdir / page).select("[data-notes]"):
            if card["data-notes"] in real:
                continue
            assert not set(card.get("data-notes-formerly", "").split()) & real, (page, card["data-notes"])
            assert card["data-notes-legacy"] in ("", None), (page, card["data-notes"])
    (tools,) = soup(app.outdir / "workbook.html").select("[data-known]")
    for key, legacy, *formerly in json.loads(tools["data-known"]):
        if key not in real:
            assert not set(formerly) & real and legacy == "", key
    first = soup(app.outdir / "section.html").select('[data-notes="section#reflect-first"]')
    assert len(first) == 1 and first[0]["id"] == "reflect-first", "the real card keeps its id and notes"
