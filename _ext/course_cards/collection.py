"""Cards as plain data in the environment, and the ``cardlist`` pages built from them.

Only plain data is stored (never nodes), purged per page and merged after parallel
reads. A collecting page is rewritten whenever the collected data changed since its output
was last written (kept beside the doctrees per builder), so it is never stale after an
incremental build, whichever build read the change.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.domains import Domain
from sphinx.locale import get_translation
from sphinx.util.docutils import new_document
from sphinx.util.nodes import make_refnode

from .nodes import card_list, course_card, notes_tools, reading_progress
from .shared import CardRecord, ListScope, warn

if TYPE_CHECKING:
    from collections.abc import Set

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

_ = get_translation("course_cards")


def document_order(env: BuildEnvironment) -> list[str]:
    """Every page in reading order: depth first through the toctrees from the root,
    then pages outside any toctree, by name."""
    order: list[str] = []
    seen: set[str] = set()
    pending = [env.config.root_doc]
    while pending:
        docname = pending.pop()
        if docname in seen or docname not in env.all_docs:
            continue
        seen.add(docname)
        order.append(docname)
        pending.extend(reversed(env.toctree_includes.get(docname, [])))
    return order + sorted(set(env.all_docs) - seen)


def collected_state(env: BuildEnvironment) -> tuple[list[str], dict[str, tuple]]:
    """Everything a collecting page shows: the page order, and each page's title and cards."""
    pages = {
        docname: (env.titles[docname].astext() if docname in env.titles else "", cards)
        for docname, cards in card_domain(env).cards.items()
    }
    return document_order(env), pages


class CardDomain(Domain):
    """Every page's cards as plain records, and the pages whose ``cardlist`` collects
    them: kept with the environment, purged per page and merged after parallel reads,
    as Sphinx's domains are."""

    name = "course_cards"
    label = "Course cards"
    initial_data: ClassVar[dict] = {"cards": {}, "lists": {}, "empty": {}}
    data_version = 2

    @property
    def cards(self) -> dict[str, list[CardRecord]]:
        """Page -> its cards, in page order."""
        return self.data["cards"]

    @property
    def lists(self) -> dict[str, list[ListScope]]:
        """Page -> what its ``cardlist`` directives collect."""
        return self.data["lists"]

    @property
    def empty(self) -> dict[str, list[str]]:
        """Page -> the kinds of its cards left out, for being empty or for a misspelt
        directive name (each already warned about), so that rules over a page's cards can
        tell a card left out from one missing."""
        return self.data["empty"]

    def claims_of(self, note_key: str) -> tuple[str, list[str]]:
        """The legacy id and former keys a card's notes move from, as ``published.note_claims``
        decided for this build."""
        return self.data.get("claims", {}).get(note_key, ("", []))

    def clear_doc(self, docname: str) -> None:
        for records in (self.cards, self.lists, self.empty):
            records.pop(docname, None)

    def merge_domaindata(self, docnames: Set[str], otherdata: dict) -> None:
        for docname in docnames:
            for key in ("cards", "lists", "empty"):
                if docname in otherdata[key]:
                    self.data[key][docname] = otherdata[key][docname]

    def process_doc(self, env: BuildEnvironment, docname: str, document: nodes.document) -> None:
        cards = [record_of(card) for card in document.findall(course_card)]
        if cards:
            self.cards[docname] = cards
        if document.get("empty_cards"):
            self.empty[docname] = list(document["empty_cards"])
        # A "continue reading" line shows the titles and reflections of the pages it
        # follows, as a list of reflections does: it is rewritten when they change.
        scopes = sorted(
            {(p["prefix"], p["kind"]) for p in document.findall(card_list)}
            | {(p["prefix"], "progress") for p in document.findall(reading_progress)}
        )
        if scopes:
            self.lists[docname] = scopes

    def resolve_any_xref(self, env, fromdocname, builder, target, node, contnode) -> list:
        return []  # cards are referenced through the standard domain's labels


def card_domain(env: BuildEnvironment) -> CardDomain:
    return env.domains["course_cards"]


def record_of(card: course_card) -> CardRecord:
    body = [child for child in card.children if not isinstance(child, nodes.title)]
    return CardRecord(
        id=card["ids"][0],
        name=card["names"][0] if card["names"] else "",
        kind=card.kind,
        title=card.reference_text(),
        line=card.line,
        text=card.astext(),
        opening=body[0].astext() if body else "",
        items=len(list(card.findall(nodes.list_item))),
        tab_indented=bool(card.get("tab_indented")),
        notes=bool(card.get("notes")),
        note_key=card.note_key,
        legacy_id=card.get("legacy_id", ""),
        formerly=card.get("formerly", []),
        conditions=conditions_around(card),
    )


# What each output's collecting pages and notes boxes show, as this build writes them (the
# page order, each page's title and cards, the lists of reflections); kept beside the
# doctrees once the build ends well, so that what another builder sharing the doctrees
# (``make linkcheck``) or a stopped build read still reaches them.
Shown = tuple[list[str], dict[str, tuple], list[tuple[str, str]]]
WRITING: WeakKeyDictionary[Builder, Shown] = WeakKeyDictionary()


def shown_record(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"course-cards-{app.builder.name}.pickle"


def last_shown(app: Sphinx) -> Shown | None:
    """What the output's collecting pages and notes boxes were last written from; none
    where the record is missing, damaged or describes another output."""
    try:
        with shown_record(app).open("rb") as file:
            outdir, (order, pages, backups) = pickle.load(file)
    except Exception:  # any damage: every collecting page is written again
        return None
    return (order, pages, backups) if outdir == str(app.outdir) else None


def keep_shown(app: Sphinx, exception: BaseException | None) -> None:
    state = WRITING.pop(app.builder, None)
    if exception is None and state is not None:
        with shown_record(app).open("wb") as file:
            pickle.dump((str(app.outdir), state), file, pickle.HIGHEST_PROTOCOL)


def collecting_pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """The collecting pages that show a page whose cards of their kind, title or place
    changed since the output was last written; and, where a list of reflections came,
    went or moved, every page whose notes boxes link to the one that keeps them safe."""
    lists = card_domain(env).lists
    new_order, new_pages = collected_state(env)
    new_backups = reflection_lists(new_order, lists)
    WRITING[app.builder] = (new_order, new_pages, new_backups)
    shown = last_shown(app)
    if shown is None:
        return sorted(lists)
    old_order, old_pages, old_backups = shown
    with_notes = set() if new_backups == old_backups else pages_with_notes(new_pages)
    if new_order != old_order:
        return sorted(lists.keys() | with_notes)
    changed = {
        (doc, kind)
        for doc in old_pages.keys() | new_pages.keys()
        for kind in changed_kinds(old_pages.get(doc), new_pages.get(doc))
    }
    # The notes tools of every list know the whole site's cards with notes, whatever
    # the list's own scope.
    notes_changed = cards_with_notes(old_order, old_pages) != cards_with_notes(new_order, new_pages)
    collecting = {
        collecting
        for collecting, scopes in lists.items()
        if any(
            (notes_changed and list_kind in ("reflection", "progress"))
            or any(
                doc.startswith(prefix) and kind == FOLLOWS.get(list_kind, list_kind) for doc, kind in changed
            )
            for prefix, list_kind in scopes
        )
    }
    return sorted(collecting | with_notes)


def reflection_lists(order: list[str], lists: dict[str, list]) -> list[tuple[str, str]]:
    """(prefix, page) of each list of reflections, in reading order: where the notes of
    the pages under the prefix are downloaded."""
    return [(prefix, doc) for doc in order for prefix, kind in lists.get(doc, []) if kind == "reflection"]


def pages_with_notes(pages: dict[str, tuple]) -> set[str]:
    return {doc for doc, (_, cards) in pages.items() if any(card["notes"] for card in cards)}


# A "continue reading" line follows the pages' reflection cards.
FOLLOWS = {"progress": "reflection"}


def cards_with_notes(order: list[str], pages: dict[str, tuple]) -> list[tuple[str, ...]]:
    """(note key, legacy id, former keys…) of every card with notes, in reading order."""
    return [
        (card["note_key"], card["legacy_id"], *card.get("formerly", []))
        for doc in order
        for card in pages.get(doc, ("", []))[1]
        if card["notes"]
    ]


def conditions_around(card: course_card) -> list[tuple[str, str]]:
    """The ``only`` and ``ifconfig`` expressions a card sits under, innermost last."""
    found = []
    parent = card.parent
    while parent is not None:
        if isinstance(parent, addnodes.only) or parent.tagname == "ifconfig":
            found.append((parent.tagname, parent["expr"]))
        parent = parent.parent
    return found[::-1]


def in_this_build(app: Sphinx, card: CardRecord) -> bool:
    """Whether the card is on its page in the output being written."""
    return all(write_cache(app).holds(app, kind, expression) for kind, expression in card["conditions"])


def evaluate_condition(app: Sphinx, kind: str, expression: str) -> bool:
    """``only`` as Sphinx decides it from the builder's tags, ``ifconfig`` as
    ``sphinx.ext.ifconfig`` does: the expression over the configuration's values."""
    try:
        if kind == "only":
            return app.tags.eval_condition(expression)
        namespace = {value.name: value.value for value in app.config}
        return bool(eval(expression, {**namespace, "builder": app.builder.name}))  # noqa: S307
    except Exception:
        return kind == "only"  # as Sphinx does: a broken only keeps its content


def changed_kinds(old: tuple | None, new: tuple | None) -> set[str]:
    """The card kinds whose collected view of one page changed: all of them when the
    page's title did, else each kind whose cards, in order, differ."""
    old_title, old_cards = old or ("", [])
    new_title, new_cards = new or ("", [])
    kinds = {card["kind"] for card in [*old_cards, *new_cards]}
    if old_title != new_title:
        return kinds
    return {
        kind
        for kind in kinds
        if [c for c in old_cards if c["kind"] == kind] != [c for c in new_cards if c["kind"] == kind]
    }


def number_cards(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """Copy Sphinx's figure numbers onto cards, so every writer can show "Metaphor 3"."""
    if not (app.config.course_cards_numbered and app.config.numfig):
        return
    for card in doctree.findall(course_card):
        if card.get("docname") and card["ids"]:
            label_with_number(app, card, card["docname"], card["ids"][0])


def label_with_number(app: Sphinx, card: course_card, docname: str, card_id: str) -> None:
    number = app.env.toc_fignumbers.get(docname, {}).get(card.kind, {}).get(card_id)
    if number:
        card["numbered_label"] = app.config.numfig_format[card.kind] % ".".join(map(str, number))


# A week's workbook and metaphors page read the same pages, one after the other; each
# cached card holds its page's doctree, so only the latest pages are kept.
SOURCE_PAGES_KEPT = 16


@dataclass
class WriteCache:
    """What every collecting page of one build shares, made once while the build writes
    (a course of many weeks has many lists) and forgotten when the next build's reading
    is done: the page order, the cards with notes, the cards of the pages read last, and
    whether each ``only`` and ``ifconfig`` a card sits under holds."""

    order: list[str]
    known_notes: list[tuple[str, ...]]
    # page -> the title of the page whose toctree holds it (a course's week)
    parts: dict[str, str]
    # (prefix, page) of each list of reflections, which is where their notes are kept safe
    backups: list[tuple[str, str]]
    # (kind, expression) -> whether it holds: each ``only`` and ``ifconfig`` once per build
    conditions: dict[tuple[str, str], bool] = field(default_factory=dict)
    # page -> its cards by id, and the ids already handed out
    source_cards: OrderedDict[str, tuple[dict[str, course_card], set[str]]] = field(
        default_factory=OrderedDict
    )

    def holds(self, app: Sphinx, kind: str, expression: str) -> bool:
        if (kind, expression) not in self.conditions:
            self.conditions[kind, expression] = evaluate_condition(app, kind, expression)
        return self.conditions[kind, expression]


WRITE_CACHES: WeakKeyDictionary[Builder, WriteCache] = WeakKeyDictionary()


def write_cache(app: Sphinx) -> WriteCache:
    return builder_cache(app.builder)


def builder_cache(builder: Builder) -> WriteCache:
    if builder not in WRITE_CACHES:
        env = builder.env
        order, pages = collected_state(env)
        domain = card_domain(env)
        known = [
            (key, legacy, *formerly)
            for key, *_ in cards_with_notes(order, pages)
            for legacy, formerly in [domain.claims_of(key)]
        ]
        parts = {
            child: env.titles[parent].astext()
            for parent, children in env.toctree_includes.items()
            if parent in env.titles and parent != env.config.root_doc
            for child in children
        }
        WRITE_CACHES[builder] = WriteCache(order, known, parts, reflection_lists(order, domain.lists))
    return WRITE_CACHES[builder]


def backup_page(builder: Builder, docname: str) -> str | None:
    """The first list of reflections holding this page's cards: where their notes are
    downloaded."""
    return next((doc for prefix, doc in builder_cache(builder).backups if docname.startswith(prefix)), None)


def forget_write_cache(app: Sphinx, env: BuildEnvironment) -> None:
    WRITE_CACHES.pop(app.builder, None)


def fill_card_lists(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    for placeholder in list(doctree.findall(card_list)):
        placeholder.replace_self(CardListBuilder(app, fromdocname, placeholder).build())


class CardListBuilder:
    """Turns one ``cardlist`` placeholder into groups of cards, one group per page."""

    def __init__(self, app: Sphinx, fromdocname: str, placeholder: card_list) -> None:
        self.app = app
        self.env = app.env
        self.fromdocname = fromdocname
        self.placeholder = placeholder
        self.list_id = nodes.make_id(f"{placeholder['docname']}-{placeholder['kind']}-list")
        self.write_cache = write_cache(app)

    def build(self) -> list[nodes.Node]:
        kind, prefix = self.placeholder["kind"], self.placeholder["prefix"]
        if prefix and not any(doc.startswith(prefix) for doc in self.env.all_docs):
            warn(
                f"cardlist :from: {prefix!r} matches no page; give the start of a page name such as 'week7/'",
                "from",
                self.placeholder,
            )
        groups = [
            (docname, cards)
            for docname in self.write_cache.order
            if docname.startswith(prefix)
            and (
                cards := [
                    card
                    for card in card_domain(self.env).cards.get(docname, [])
                    if card["kind"] == kind and in_this_build(self.app, card)
                ]
            )
        ]
        if not groups:
            note = nodes.paragraph(text=str(_("There are no cards to show here yet.")))
            return [nodes.container("", note, classes=["course-card-list", kind, "empty"])]
        sections = [self.group(docname, cards) for docname, cards in groups]
        self.resolve_references(sections)
        contents = self.contents(sections)
        listing = nodes.container("", *sections, classes=["course-card-list", kind])
        # The tools that keep the notes safe come first, in reach on a phone's first screens.
        return [*self.notes_tools(kind), *contents, listing]

    def contents(self, sections: list[nodes.section]) -> list[nodes.Element]:
        """An "On this page" list of the groups: the theme's own contents are made while
        pages are read, before the groups exist."""
        # Cards named by their own headings are their own list of contents.
        if len(sections) < 2 or all("course-card-group-named" in s["classes"] for s in sections):
            return []
        items = nodes.bullet_list()
        for section in sections:
            link = nodes.reference("", section[0].astext(), internal=True, refid=section["ids"][0])
            items += nodes.list_item("", nodes.paragraph("", "", link))
        heading = nodes.rubric(text=str(_("On this page")))
        # Page titles already found on their own pages; kept out of the search index.
        return [nodes.container("", heading, items, classes=["course-card-contents", "no-search"])]

    def notes_tools(self, kind: str) -> list[nodes.Element]:
        """A list of reflections gets the notes tools; they know every card with notes, so
        notes whose card no longer exists can be told apart."""
        known = self.write_cache.known_notes
        if kind != "reflection" or not known:
            return []
        # The page the list is written on: on a single page every workbook is written at once.
        return [notes_tools(known=known, docname=self.placeholder["docname"])]

    def group(self, docname: str, cards: list[CardRecord]) -> nodes.section:
        page_title = self.env.titles[docname].astext()
        # "no-search" keeps copies out of the search index: a search finds a prompt on
        # its own page, once.
        section = nodes.section(
            ids=[nodes.make_id(f"{self.list_id}-{docname}")],
            classes=["course-card-group", self.placeholder["kind"], "no-search"],
        )
        if self.placeholder["kind"] == "metaphor" and len(cards) == 1 and not self.placeholder["titles_only"]:
            # A section's one image leads, named by its own title; the section is the
            # small link back under it.
            (card,) = cards
            section["classes"].append("course-card-group-named")
            section += nodes.title(card["title"], card["title"])
            section += self.copy_card(docname, card)
            back = nodes.Text(page_title)
            section += nodes.paragraph("", "", self.link(docname, "", back), classes=["course-card-back"])
            return section
        # The heading names the section; one quiet link under it leads back there.
        section += nodes.title(page_title, page_title)
        back = nodes.Text(str(_("Read the whole section")))
        section += nodes.paragraph("", "", self.link(docname, "", back), classes=["course-card-back"])
        if self.placeholder["titles_only"]:
            items = nodes.bullet_list()
            for card in cards:
                link = self.link(docname, card["id"], nodes.Text(card["title"]))
                items += nodes.list_item("", nodes.paragraph("", "", link))
            section += items
        else:
            section += [self.copy_card(docname, card) for card in cards]
        return section

    def copy_card(self, docname: str, card: CardRecord) -> course_card:
        copy = self.source_card(docname, card["id"])
        for element in copy.findall(nodes.Element):
            element["ids"], element["names"] = [], []
        for xref in copy.findall(addnodes.pending_xref):
            xref["refdoc"] = self.fromdocname
        copy["ids"] = [nodes.make_id(f"{self.list_id}-{card['id']}")]
        copy["card_id"] = card["id"]
        if self.app.config.course_cards_numbered and self.app.config.numfig:
            label_with_number(self.app, copy, docname, card["id"])
        return copy

    def source_card(self, docname: str, card_id: str) -> course_card:
        """The card from a doctree loaded for the collecting pages alone: the card itself
        the first time (a card is usually collected once), a copy after that."""
        cache = self.write_cache.source_cards
        if docname not in cache:
            doctree = self.env.get_doctree(docname)
            cards = {card["ids"][0]: card for card in doctree.findall(course_card) if card["ids"]}
            cache[docname] = cards, set()
            if len(cache) > SOURCE_PAGES_KEPT:
                cache.popitem(last=False)
        cache.move_to_end(docname)
        cards, taken = cache[docname]
        if card_id in taken:
            return cards[card_id].deepcopy()
        taken.add(card_id)
        return cards[card_id]

    def link(self, docname: str, target: str, content: nodes.Node) -> nodes.reference:
        return make_refnode(self.app.builder, self.fromdocname, docname, target, content)

    def resolve_references(self, sections: list[nodes.section]) -> None:
        """Resolve cross-references inside copied cards as seen from the collecting page."""
        if not any(section.next_node(addnodes.pending_xref) for section in sections):
            return
        document = new_document("")
        document += sections
        self.env.resolve_references(document, self.fromdocname, self.app.builder)
        document.children = []


def fill_reading_progress(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    """Give each "continue reading" line its sections: (page, link, "N. Title") of every
    page under its prefix that ends with a reflection card with notes, in reading order,
    and the page after them all, the first with a list of reflections."""
    env = app.env
    domain = card_domain(env)
    for placeholder in list(doctree.findall(reading_progress)):
        # Progress is kept beside the notes: without them the line has nothing to offer
        # (the writers leave it out where notes cannot be kept).
        if not app.config.course_cards_notes:
            placeholder.parent.remove(placeholder)
            continue
        prefix = placeholder["prefix"]
        pages = [doc for doc in write_cache(app).order if doc.startswith(prefix)]
        sections = [doc for doc in pages if any(card["notes"] for card in domain.cards.get(doc, []))]
        after = next(
            (doc for doc in pages if any(kind == "reflection" for _, kind in domain.lists.get(doc, []))),
            None,
        )
        uri = app.builder.get_relative_uri

        def title(doc: str) -> str:
            return env.titles[doc].astext() if doc in env.titles else doc

        placeholder["sections"] = [
            (doc, uri(fromdocname, doc), f"{number}. {title(doc)}")
            for number, doc in enumerate(sections, start=1)
        ]
        placeholder["after"] = (after, uri(fromdocname, after), title(after)) if after else None
        if not sections:
            warn(f"continue-reading :from: {prefix!r} finds no page with notes", "from", placeholder)
