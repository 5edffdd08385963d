"""Card ids are promises: links, the workbook and readers' saved notes point at them.

``course_cards_published_ids`` names a file of ``page id`` lines, every card the site has
published. A card whose id is in it and no longer on its page, with no card naming it in
``:formerly:``, is a located warning ``course_cards.published-id``: its readers' notes
would be orphaned.

Which old keys a card's notes move from is decided here, once per build, for the card's
page and the workbook alike (``note_claims``): a reader's notes belong to one card."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .collection import card_domain
from .shared import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

    from .shared import CardRecord


def read_published(path: Path) -> list[tuple[int, str, str]]:
    """(line number, page, id) of every published card in the file."""
    published = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            page, card_id = line.split()[:2]
            published.append((number, page, card_id))
    return published


Claims = dict[str, tuple[str, list[str]]]


def note_claims(cards: dict[str, list[CardRecord]], published: set[str] | None) -> tuple[Claims, list]:
    """Each card: the legacy id and the former keys its notes may move from, and
    the refusals, as (page, line, message). A former key must be of the card's own page,
    published (when the site lists its published ids), held by no card now and claimed by
    no other card. A legacy id (bare, from before keys named the page) moves notes only to
    a published card, and to one card only."""
    records = [(doc, card) for doc in sorted(cards) for card in cards[doc]]
    existing = {card["note_key"] for _, card in records}
    claimants: dict[str, list[str]] = {}
    for _, card in records:
        for old in card["formerly"]:
            claimants.setdefault(old, []).append(card["note_key"])
    refusals = []
    claims: Claims = {}
    legacy_taken: set[str] = set()
    for doc, card in records:
        key = card["note_key"]
        formerly = []
        for old in card["formerly"]:
            problem = (
                "is of another page; a card's notes move only from an id of its own page"
                if old.rpartition("#")[0] != doc
                else "is a card of this site now; a card may not take another card's notes"
                if old in existing
                else "was never published (published-card-ids.txt), so no reader has notes under it"
                if published is not None and old not in published
                else f"is also claimed by {', '.join(sorted(set(claimants[old]) - {key}))}; only one card may take its notes"
                if len(set(claimants[old])) > 1
                else None
            )
            if problem:
                refusals.append(
                    (doc, card["line"], f":formerly: {old.rpartition('#')[2]!r} refused: it {problem}")
                )
            else:
                formerly.append(old)
        legacy = card["legacy_id"]
        if (
            not card["notes"]
            or not legacy
            or legacy in legacy_taken
            or (published is not None and key not in published)
        ):
            legacy = ""
        legacy_taken.add(legacy)
        claims[key] = (legacy, formerly)
    return claims, refusals


def published_keys(app: Sphinx) -> set[str] | None:
    if not app.config.course_cards_published_ids:
        return None
    path = Path(app.confdir, app.config.course_cards_published_ids)
    return {f"{page}#{card_id}" for _, page, card_id in read_published(path)} if path.is_file() else set()


def check_published_ids(app: Sphinx, env: BuildEnvironment) -> None:
    domain = card_domain(env)
    claims, refusals = note_claims(domain.cards, published_keys(app))
    domain.data["claims"] = claims
    for doc, line, message in refusals:
        warn(message, "formerly", (doc, line))
    if not app.config.course_cards_published_ids:
        return
    path = Path(app.confdir, app.config.course_cards_published_ids)
    if not path.is_file():
        warn(f"course_cards_published_ids names {path.name!r}, which does not exist", "published-id", None)
        return
    here = {f"{doc}#{card['id']}" for doc, cards in domain.cards.items() for card in cards}
    renamed = {old for _, formerly in claims.values() for old in formerly}
    for number, page, card_id in read_published(path):
        key = f"{page}#{card_id}"
        # A page with a card left out (empty, or its directive misspelt) was told so already.
        if key not in here and key not in renamed and page not in domain.empty:
            warn(
                f"the published card {card_id!r} of {page!r} is gone; readers' notes for it would be "
                f"orphaned. If you renamed it, add ':formerly: {card_id}' to the card; if you removed "
                f"it on purpose, delete this line",
                "published-id",
                f"{path}:{number}",
            )
