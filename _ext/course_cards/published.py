"""Card ids are promises: links, the workbook and readers' saved notes point at them.

``course_cards_published_ids`` names a file of ``page id`` lines, every card the site has
published. A card whose id is in it and no longer on its page, with no card naming it in
``:formerly:``, is a located warning ``course_cards.published-id``: its readers' notes
would be orphaned."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from .collection import card_domain
from .shared import warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


def read_published(path: Path) -> list[tuple[int, str, str]]:
    """(line number, page, id) of every published card in the file."""
    published = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip() and not line.startswith("#"):
            page, card_id = line.split()[:2]
            published.append((number, page, card_id))
    return published


def check_published_ids(app: Sphinx, env: BuildEnvironment) -> None:
    # E-books are built from a week's pages alone: the whole site's cards are not there.
    if not app.config.course_cards_published_ids or app.builder.name.startswith("epub"):
        return
    path = Path(app.confdir, app.config.course_cards_published_ids)
    if not path.is_file():
        warn(f"course_cards_published_ids names {path.name!r}, which does not exist", "published-id", None)
        return
    here = {f"{doc}#{card['id']}" for doc, cards in card_domain(env).cards.items() for card in cards}
    renamed = {
        old for cards in card_domain(env).cards.values() for card in cards for old in card.get("formerly", [])
    }
    for number, page, card_id in read_published(path):
        key = f"{page}#{card_id}"
        if key not in here and key not in renamed:
            warn(
                f"the published card {card_id!r} of {page!r} is gone; readers' notes for it would be "
                f"orphaned. If you renamed it, add ':formerly: {card_id}' to the card; if you removed "
                f"it on purpose, delete this line",
                "published-id",
                f"{path}:{number}",
            )
