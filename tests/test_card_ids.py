"""Card ids are promises: links, the workbook and readers' saved notes point at them."""

from __future__ import annotations

from conftest import REPO, soup

ID_FILE = REPO / "tests" / "card-ids.txt"
HOW_TO_RENAME = (
    "Card ids are the addresses of cards: links into the site, the workbook and the notes "
    "readers keep in their browsers depend on them, so an id that disappears breaks them. "
    "Keep the card's :name:, or, to rename or remove a card on purpose, update "
    "tests/card-ids.txt in the same pull request and say why in its description."
)


def recorded_ids() -> set[tuple[str, str]]:
    lines = ID_FILE.read_text(encoding="utf-8").splitlines()
    return {tuple(line.split()) for line in lines if line.strip() and not line.startswith("#")}


def built_ids(html) -> set[tuple[str, str]]:
    found = set()
    for path in html.rglob("*.html"):
        page = str(path.relative_to(html).with_suffix(""))
        for card in soup(path).select("article div.course-card"):
            if not card.find_parent(class_="course-card-group"):
                found.add((page, card["id"]))
    return found


def test_no_card_id_disappears_or_changes(site):
    built = built_ids(site("html"))
    missing = sorted(recorded_ids() - built)
    assert not missing, f"{HOW_TO_RENAME}\nNo longer on the site: {missing}"


def test_every_card_id_is_recorded(site):
    unrecorded = sorted(built_ids(site("html")) - recorded_ids())
    assert not unrecorded, (
        "New card ids: add these lines to tests/card-ids.txt so they are kept from now on:\n"
        + "\n".join(f"{page} {card_id}" for page, card_id in unrecorded)
    )
