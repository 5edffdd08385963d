"""Card ids are promises: links, the workbook and readers' saved notes point at them. The
build keeps published ids from disappearing (tests/test_notes.py shows its warning); this
checks that every card of the site is published."""

from __future__ import annotations

from conftest import REPO, soup
from course_cards.published import read_published

PUBLISHED = REPO / "published-card-ids.txt"


def built_ids(html) -> set[tuple[str, str]]:
    found = set()
    for path in html.rglob("*.html"):
        page = str(path.relative_to(html).with_suffix(""))
        for card in soup(path).select("article div.course-card"):
            if not card.find_parent(class_="course-card-group"):
                found.add((page, card["id"]))
    return found


def test_every_card_id_is_published(site):
    published = {(page, card_id) for _, page, card_id in read_published(PUBLISHED)}
    unpublished = sorted(built_ids(site("html")) - published)
    assert not unpublished, (
        "New card ids: add these lines to published-card-ids.txt so they are kept from now on:\n"
        + "\n".join(f"{page} {card_id}" for page, card_id in unpublished)
    )
