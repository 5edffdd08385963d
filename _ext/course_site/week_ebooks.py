"""week_ebooks: every week as an EPUB, written by the HTML build from its own doctrees and
linked from the week's landing page ("Download this week as an e-book"), for reading
offline.

Each week whose book would change (its pages read again, reordered or retitled, or
another week's page it names retitled) gets its e-book written again by an EPUB builder
that shares the build's environment: no source is read a second time, and one builder
writes every book of the build, after the site's pages. The book holds the week's pages in the order of the
week's toctree, which its contents (``nav.xhtml``, ``toc.ncx``) list; links to pages
outside the week become links to the site when ``html_baseurl`` is set, and plain text
otherwise. Its metadata says who wrote it, in which language, and what it offers readers
of assistive technology. Its cover, drawn by the build (``ebook_cover.py``), shows the course's
name and the week's title; the week's page carries the site's whole note of care. The zip
is reproducible: the same sources give the same bytes, whichever books were written with
it.

Warnings met while writing a book are warnings of the HTML build, given when it ends (so
``-w`` records them and ``make html`` keeps failing until they are fixed); one the HTML
pages already gave is not given again."""

from __future__ import annotations

import copy
import hashlib
import html
import json
import logging as std_logging
import posixpath
import re
import shutil
import time
import uuid
import zipfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx import addnodes
from sphinx.builders.epub3 import Epub3Builder
from sphinx.util import logging
from sphinx.util.parallel import SerialTasks

from course_cards.shared import warning_handlers

from . import ebook_cover, shared_inputs, structure

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.config import Config
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

FOLDER = "ebooks"
WEEK_INDEX = re.compile(r"(week(\d+))/index")
OUTSIDE = "outside-the-book--"  # stands before the name of a page the book does not hold
# EPUB Accessibility 1.1 metadata: the books are text with structure, nothing else.
ACCESSIBILITY = [
    ("schema:accessMode", "textual"),
    ("schema:accessModeSufficient", "textual"),
    ("schema:accessibilityFeature", "structuralNavigation"),
    ("schema:accessibilityFeature", "tableOfContents"),
    ("schema:accessibilityFeature", "readingOrder"),
    ("schema:accessibilityHazard", "none"),
    (
        "schema:accessibilitySummary",
        "Text with headings, a table of contents and a reading order that follows the week. "
        "The cover shows the book's title; no image inside the book carries meaning, nothing "
        "flashes, moves or plays sound.",
    ),
    ("dcterms:conformsTo", "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"),
]


def builds_ebooks(app: Sphinx) -> bool:
    return app.config.week_ebooks and app.builder.name == "html"


def book_name(app: Sphinx, week: str) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', app.config.project.lower()).strip('-')}-{week}"


def weeks(env: BuildEnvironment) -> dict[str, str]:
    """Each week's folder and its number, as the course's layout has them."""
    return {week.name: str(week.number) for week in structure.from_env(env).weeks}


def book_pages(env: BuildEnvironment, week: str) -> list[str]:
    """The week's landing page, then every page of its toctrees, depth first."""
    return list(structure.from_env(env).week(week).pages)


class BookConfig:
    """The site's configuration with the book's own values on top."""

    def __init__(self, config: Config, **values: Any) -> None:
        self._config = config
        self._values = values

    def __getattr__(self, name: str) -> Any:
        if name in self._values:
            return self._values[name]
        return getattr(self._config, name)


class WeekBook(Epub3Builder):
    """The weeks' e-books, written from the site build's environment and doctrees. One
    builder writes every book of a build, one after the other: its theme, templates,
    settings and static files are made once, not once per week."""

    name = "epub"  # the card and security extensions know e-books by this name

    def __init__(self, app: Sphinx, site: Any) -> None:
        self.stylesheets: list[str] = []
        self.outside: set[str] = set()  # pages outside the week that the book names
        self.pages: list[str] = []
        self.assets: list[Path] = []  # the first book's static files, downloads and extra files
        self.assets_folder = Path()
        super().__init__(app, site.env)
        self.site = site
        self.config = BookConfig(app.config, **common_values(app.config))  # type: ignore[assignment]

    def open_book(self, week: str, number: str, pages: list[str], folder: Path) -> None:
        """What the next book is: its week, pages and folder; nothing of the last book stays."""
        root = f"{week}/index"
        self.config = BookConfig(  # type: ignore[assignment]
            self._app.config,
            **common_values(self._app.config),
            root_doc=root,
            master_doc=root,
            epub_title=f"{self._app.config.project} – Week {number}",
            epub_basename=book_name(self._app, week),
            epub_identifier=uuid.uuid5(uuid.NAMESPACE_URL, f"{self._app.config.project}/{week}").urn,
            epub_description=description(self.env, root) or f"Week {number} of {self._app.config.project}.",
            version=self._app.config.version or f"Week {number}",
            # No cover page: readers' libraries show the image the package names.
            epub_cover=(ebook_cover.FILENAME, ""),
        )
        self.globalcontext.update(root_doc=root, master_doc=root, version=self.config.version)
        self.week = structure.from_env(self.env).week(week)
        self.pages, self.outside = pages, set()
        self.outdir = self._app.outdir = folder
        # The HTML builder names its output's folders once, when it is made.
        self._static_dir, self._sources_dir, self._downloads_dir, self._images_dir = (
            folder / name for name in ("_static", "_sources", "_downloads", "_images")
        )
        self.images, self.id_cache, self.playorder, self.tocid = {}, {}, 0, 0

    def make_id(self, name: str) -> str:
        """A file's id in ``content.opf``, counted within its book (Sphinx counts on
        within the build), so that a book's bytes do not depend on the books before it."""
        return self.id_cache.setdefault(name, f"epub-{len(self.id_cache)}")

    @property
    def html_tag(self) -> str:  # type: ignore[override]
        # Every page says its language (Ace: html-has-lang), as XHTML and as HTML.
        language = html.escape(self.config.epub_language)
        return f'{super().html_tag[:-1]} lang="{language}" xml:lang="{language}">'

    def build_navigation_doc(self) -> None:
        super().build_navigation_doc()
        # The contents' landmark with the ARIA role that matches its epub:type.
        nav = self.outdir / "nav.xhtml"
        text = nav.read_text(encoding="utf-8")
        nav.write_text(
            text.replace('<nav epub:type="toc">', '<nav epub:type="toc" role="doc-toc">'), encoding="utf-8"
        )

    def add_css_file(self, filename: str, **kwargs: Any) -> None:
        """The extensions' stylesheets, not the site theme's own (the book has its own theme)."""
        if any((Path(folder) / "static" / filename).exists() for folder in self.site.theme.get_theme_dirs()):
            return
        self.stylesheets.append(filename)
        super().add_css_file(filename, **kwargs)

    def copy_assets(self) -> None:
        """The static files, made for the first book and copied for the others; with the
        extensions' stylesheets, from the site's output where they copied them."""
        if not self.assets:
            super().copy_assets()
            for filename in self.stylesheets:
                copy = self.outdir / "_static" / filename
                if not copy.exists() and (Path(self.site.outdir) / "_static" / filename).is_file():
                    copy.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(Path(self.site.outdir) / "_static" / filename, copy)
            self.assets_folder = self.outdir
            self.assets = [path.relative_to(self.outdir) for path in self.outdir.rglob("*") if path.is_file()]
            return
        for asset in self.assets:
            (self.outdir / asset).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.assets_folder / asset, self.outdir / asset)

    def add_js_file(self, filename: str, **kwargs: Any) -> None:
        """No scripts: the site's (notes, search) do nothing in an e-reader."""

    def get_target_uri(self, docname: str, typ: str | None = None) -> str:
        if docname in self.pages:
            return super().get_target_uri(docname, typ)
        return OUTSIDE + docname

    def get_toc(self) -> None:
        self.refnodes = [
            {
                "level": 1,
                "refuri": html.escape(page + self.out_suffix),
                "text": html.escape(self.env.titles[page].astext()),
            }
            for page in self.pages
        ]

    def content_metadata(self) -> dict[str, Any]:
        metadata = super().content_metadata()
        # Reproducible: the newest of the book's sources, not the time of writing.
        newest = max(self.env.doc2path(page).stat().st_mtime for page in self.pages)
        metadata["date"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(int(newest)))
        return metadata

    def build_content(self) -> None:
        # The cover is one of the book's files before the manifest lists them.
        titles = self.env.titles
        title = titles[self.week.index].astext() if self.week.index in titles else self.week.title
        (self.outdir / ebook_cover.FILENAME).write_bytes(
            ebook_cover.draw(self._app.config.project, self.week.title, title, self._app.config.author)
        )
        super().build_content()
        opf = self.outdir / "content.opf"
        lines = "".join(
            f'    <meta property="{name}">{html.escape(value)}</meta>\n' for name, value in ACCESSIBILITY
        )
        text = opf.read_text(encoding="utf-8")
        text = text.replace("  </metadata>", lines + "  </metadata>", 1)
        # Sphinx names the cover the EPUB 2 way (<meta name="cover">); EPUB 3 readers look
        # for the manifest item's property.
        item = f'<item id="{self.make_id(ebook_cover.FILENAME)}" href="{ebook_cover.FILENAME}" media-type="image/png" />'
        if item not in text:
            raise RuntimeError(f"content.opf lists no cover item {item!r}")
        text = text.replace(item, item.replace(" />", ' properties="cover-image" />'), 1)
        opf.write_text(text, encoding="utf-8")

    def build_epub(self) -> None:
        """The zip with fixed times and order, so the same book has the same bytes."""
        book = self.outdir / f"{self.config.epub_basename}.epub"
        names = ["mimetype", "META-INF/container.xml", "content.opf", "toc.ncx", *sorted(self.files)]
        with zipfile.ZipFile(book, "w") as archive:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.compress_type = zipfile.ZIP_STORED if name == "mimetype" else zipfile.ZIP_DEFLATED
                archive.writestr(info, (self.outdir / name).read_bytes())

    def toc_metadata(self, level: int, navpoints: list) -> dict[str, Any]:
        # toc.ncx names the book by its identifier, as content.opf does.
        return {**super().toc_metadata(level, navpoints), "uid": html.escape(self.config.epub_identifier)}

    def get_doc_context(self, docname: str, body: str, metatags: str) -> dict[str, Any]:
        """What the e-book theme shows of a page: it has no sidebar, relation bars or link
        tags, so the neighbours' titles and local contents Sphinx renders for those (most
        of the cost of writing a page) are left out; the title is shown as text alone
        (``<title>``), so it is not rendered as HTML first."""
        title = self.env.longtitles.get(docname)
        return {
            "parents": [],
            "prev": None,
            "next": None,
            "title": html.escape(title.astext()) if title else "",
            "meta": self.env.metadata.get(docname),
            "body": body,
            "metatags": metatags,
            "rellinks": [],
            "sourcename": "",
            "toc": "",
            "display_toc": False,
            "page_source_suffix": str(self.env.doc2path(docname, False))[len(docname) :],
        }

    def write_doc(self, docname: str, doctree: nodes.document) -> None:
        # Notes live in the reader's browser; an e-reader cannot keep them.
        for card in doctree.findall(lambda node: isinstance(node, nodes.Element) and node.get("notes")):
            card["notes"] = False
        link_outside_the_book(self, doctree)
        link_card_footers(doctree)
        super().write_doc(docname, doctree)


def common_values(config: Config) -> dict[str, Any]:
    """The configuration every book shares."""
    return {
        "epub_uid": "BookId",
        "epub_scheme": "UUID",
        "epub_author": config.author,
        "epub_contributor": config.author,
        "epub_publisher": config.author,
        "epub_language": config.language or "en",
        "epub_use_index": False,
        "epub_tocscope": "includehidden",
        "epub_tocdepth": 1,
    }


def description(env: BuildEnvironment, docname: str) -> str:
    """The page's meta description, else its first paragraph."""
    doctree = env.get_doctree(docname)
    for meta in doctree.findall(nodes.meta):
        if meta.get("name") == "description":
            return meta["content"]
    paragraph = next(doctree.findall(nodes.paragraph), None)
    return paragraph.astext() if paragraph else ""


def note_of_care(env: BuildEnvironment, config: Config) -> nodes.section | None:
    """A copy of the section the site's care line points to (``reader_guide_care_label``),
    as read from its page, unresolved."""
    label = getattr(config, "reader_guide_care_label", "")
    docname, label_id, _title = env.domains.standard_domain.labels.get(label, ("", "", ""))
    if not docname:
        return None
    sections = env.get_doctree(docname).findall(nodes.section)
    note = next((section.deepcopy() for section in sections if label_id in section["ids"]), None)
    # The page's toctrees may follow the note in its section: they are the site's, not the note's.
    for toctree in list(note.findall(addnodes.toctree)) if note is not None else []:
        wrapper = toctree.parent if "toctree-wrapper" in toctree.parent["classes"] else toctree
        wrapper.parent.remove(wrapper)
    return note


def add_note_of_care(book: WeekBook, docname: str, doctree: nodes.document) -> None:
    """The whole note of care on the week's page, the book's first, so that the reader
    meets it before the sections: after the page's own text, before any part of the page.
    Its references are resolved from the week's page, as the page's own are."""
    note = note_of_care(book.env, book.config)
    page = doctree.next_node(nodes.section)
    if note is None or page is None:
        return
    for xref in note.findall(addnodes.pending_xref):
        xref["refdoc"] = docname
    parts = [index for index, child in enumerate(page.children) if isinstance(child, nodes.section)]
    page.insert(parts[0] if parts else len(page.children), note)


def link_outside_the_book(book: WeekBook, doctree: nodes.document) -> None:
    """Links to pages outside the week: to the site when its address is known, else text."""
    base = book.config.html_baseurl
    for reference in list(doctree.findall(nodes.reference)):
        uri = reference.get("refuri", "")
        if OUTSIDE not in uri:
            continue
        docname, _, anchor = uri.partition(OUTSIDE)[2].partition("#")
        book.outside.add(docname)
        if base:
            target = posixpath.join(base.rstrip("/") + "/", book.site.get_target_uri(docname))
            reference["refuri"] = target + (f"#{anchor}" if anchor else "")
            reference["internal"] = False
        else:
            reference.replace_self(nodes.inline("", "", *reference.children, classes=reference["classes"]))


def link_card_footers(doctree: nodes.document) -> None:
    """sphinx-design makes a linked card one hidden link over the whole card, which an
    e-reader neither shows nor follows. In a book the card's footer ("Read the section →")
    is the link, or its title where it has no footer."""
    for stretched in list(doctree.findall(nodes.reference)):
        if "sd-stretched-link" not in stretched["classes"]:
            continue
        card = stretched.parent
        while card is not None and "sd-card" not in card.get("classes", []):
            card = card.parent
        if card is None:
            continue
        parts = {name: node for node in card.findall(nodes.Element) for name in node["classes"]}
        footer = parts.get("sd-card-footer")
        shown = (
            next(footer.findall(nodes.paragraph), None) if footer is not None else parts.get("sd-card-title")
        )
        if shown is None:
            continue
        link = nodes.reference("", "", *shown.children, refuri=stretched["refuri"], internal=True)
        shown.children = []
        # A link sits in running text; the title is a container, so it gets a span of it.
        shown += link if isinstance(shown, nodes.TextElement) else nodes.inline("", "", link)
        stretched.parent.remove(stretched)


class OncePerBuild(std_logging.Filter):
    """Lets a warning through once per build: writing a book resolves the week's pages
    again and would repeat what their HTML pages said."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__()
        from sphinx.util.logging import WarningLogRecordTranslator

        self.translator = WarningLogRecordTranslator(app)
        self.seen: set[tuple[str, str]] = set()
        self.in_books = False
        self.given_in_books = 0  # warnings let through while books were written

    def filter(self, record: std_logging.LogRecord) -> bool:
        probe = copy.copy(record)
        self.translator.filter(probe)  # type: ignore[arg-type]
        key = (str(getattr(probe, "location", "")), probe.getMessage())
        if self.in_books and key in self.seen:
            return False
        self.seen.add(key)
        self.given_in_books += self.in_books
        return True


def no_site_navigation(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """A book's pages show no site navigation; before the site theme's handler would
    render the whole site's for each of them (Furo does), they get none to render."""
    if isinstance(app.builder, WeekBook):
        context["toctree"] = lambda **options: ""


def link_from_the_week_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page template shows the download link where ``week_ebook`` is set."""
    if isinstance(app.builder, WeekBook):
        # Template links (the footer's privacy page) only to pages inside the book.
        context["hasdoc"] = app.builder.pages.__contains__
    match = WEEK_INDEX.fullmatch(pagename)
    if match and builds_ebooks(app):
        context["week_ebook"] = f"{FOLDER}/{book_name(app, match[1])}.epub"


@contextmanager
def builder_in_place(app: Sphinx) -> Iterator[None]:
    """Event handlers ask ``app.builder`` which builder writes, and builders take their
    output folder from the app: both stand for the books while they are written."""
    site, outdir, tags = app.builder, app.outdir, set(app.tags)
    try:
        yield
    finally:
        app.builder, app.outdir = site, outdir
        for tag in set(app.tags) - tags:
            app.tags.remove(tag)


def book_key(app: Sphinx, site: Any, pages: list[str], outside: list[str]) -> str:
    """What a book is made of: its pages in order, when each was last read and its title,
    and the same of the pages outside the week whose titles its links show; the HTML
    configuration and tags; the static files, templates, theme and extensions."""
    env = site.env
    build_info = getattr(site, "build_info", None)
    digest = hashlib.sha256(
        f"{getattr(build_info, 'config_hash', '')}\0{getattr(build_info, 'tags_hash', '')}\0"
        f"{shared_inputs.DIGESTS.get(app, '')}\n".encode()
    )
    for page in [*pages, "", *outside]:
        digest.update(f"{page}\0{env.all_docs.get(page)}\0{env.titles.get(page)}\n".encode())
    return digest.hexdigest()


def book_folder(app: Sphinx, week: str) -> Path:
    return Path(f"{app.doctreedir}-{week}-epub")


def write_book(app: Sphinx, book: WeekBook, week: str, number: str, target: Path) -> None:
    site = book.site
    pages = book_pages(site.env, week)
    folder = book_folder(app, week)
    shutil.rmtree(folder, ignore_errors=True)  # the book holds every file of its folder
    book.open_book(week, number, pages, folder)
    book.copy_assets()
    for page in pages:
        doctree = site.env.get_doctree(page)
        if page == book.week.index:
            add_note_of_care(book, page, doctree)
        doctree = site.env.get_and_resolve_doctree(page, book, tags=book.tags, doctree=doctree)
        book.write_doc_serialized(page, doctree)
        book.write_doc(page, doctree)
    book.finish()
    name = f"{book.config.epub_basename}.epub"
    (target / name).write_bytes((folder / name).read_bytes())
    outside = sorted(book.outside)
    record = {"key": book_key(app, site, pages, outside), "outside": outside}
    Path(f"{folder}.json").write_text(json.dumps(record), encoding="utf-8")


@contextmanager
def templates_compiled_once() -> Iterator[None]:
    """Sphinx renders each book's ``content.opf``, ``toc.ncx`` and ``nav.xhtml`` with a
    template environment of its own, compiling the three templates again for every book;
    while the books are written, each is compiled once."""
    from sphinx.util.template import BaseRenderer

    render_string = BaseRenderer.render_string
    compiled: dict[str, Any] = {}

    def render_compiled(renderer: BaseRenderer, source: str, context: dict[str, Any]) -> str:
        if source not in compiled:
            compiled[source] = renderer.env.from_string(source)
        return compiled[source].render(context)

    BaseRenderer.render_string = render_compiled  # type: ignore[method-assign]
    try:
        yield
    finally:
        BaseRenderer.render_string = render_string  # type: ignore[method-assign]


def new_book_builder(app: Sphinx, site: Any) -> WeekBook:
    book = WeekBook(app, site)
    app.builder = book
    book.init()
    book.finish_tasks = SerialTasks()
    book.prepare_writing(set())  # e-books have no search index, the one use of the names
    return book


def unchanged(app: Sphinx, week: str) -> bool:
    """Whether the week's book, as last written, is made of what it would be made of now."""
    try:
        record = json.loads(Path(f"{book_folder(app, week)}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("key") == book_key(
        app, app.builder, book_pages(app.env, week), record.get("outside", [])
    )


def warned_marker(app: Sphinx, week: str) -> Path:
    return Path(f"{book_folder(app, week)}.warned")


def books_to_write(app: Sphinx) -> dict[str, tuple[str, str]]:
    """Each book whose pages, their order or titles, or the titles it shows of other
    weeks' pages changed since it was written, and each whose last writing gave a warning,
    so that a book's warning is given again on every build until it is fixed, as a page's
    would be after ``make html`` reads every page again. Books of weeks gone are deleted."""
    target = Path(app.outdir) / FOLDER
    target.mkdir(exist_ok=True)
    books = {f"{book_name(app, week)}.epub": (week, number) for week, number in weeks(app.env).items()}
    for old in target.glob("*.epub"):
        if old.name not in books:
            old.unlink()
    return {
        filename: (week, number)
        for filename, (week, number) in books.items()
        if not (
            unchanged(app, week) and not warned_marker(app, week).exists() and (target / filename).is_file()
        )
    }


@dataclass
class Written:
    """What writing one book gave: its warnings, kept to be given by the build, and the
    reason it could not be written, if it could not."""

    week: str
    warnings: list[std_logging.LogRecord]
    failure: str = ""


def write_books(app: Sphinx, books: dict[str, tuple[str, str]]) -> list[Written]:
    target = Path(app.outdir) / FOLDER
    site, book, written = app.builder, None, []
    with builder_in_place(app), templates_compiled_once():
        for filename, (week, number) in books.items():
            collector, failure = logging.LogCollector(), ""
            with collector.collect():
                try:
                    book = book or new_book_builder(app, site)
                    write_book(app, book, week, number, target)
                except Exception as error:  # a book's failure is a warning; the site stays built
                    book = None  # the next book gets a builder of its own
                    (target / filename).unlink(missing_ok=True)
                    failure = f"{type(error).__name__}: {error}"
            warnings = [record for record in collector.logs if record.levelno >= std_logging.WARNING]
            logging.convert_serializable(warnings)
            written.append(Written(week, warnings, failure))
    return written


@dataclass
class Writing:
    """The books one build writes, and the filter that gives each warning once."""

    once: OncePerBuild
    books: dict[str, tuple[str, str]]


WRITINGS: WeakKeyDictionary[Any, Writing] = WeakKeyDictionary()


def start(app: Sphinx, builder: Any) -> None:
    """When writing starts (while reading, Sphinx holds warnings back in a handler of its
    own)."""
    if not builds_ebooks(app):
        return
    once = OncePerBuild(app)
    for handler in warning_handlers():
        # First, before Sphinx counts the warning.
        handler.filters.insert(0, once)
    WRITINGS[app.builder] = Writing(once, books_to_write(app))


def give_results(app: Sphinx, writing: Writing, results: list[Written]) -> None:
    """Each book's warnings, given by the build (once: a page's own is not repeated); a
    book that gave one is written again on the next build."""
    writing.once.in_books = True
    for result in results:
        before = writing.once.given_in_books
        for record in result.warnings:
            logger.handle(record)
        if result.failure:
            logger.warning(
                "the e-book of %s could not be written: %s",
                result.week,
                result.failure,
                location=f"{result.week}/index",
                type="week_ebooks",
                subtype="build",
            )
        marker = warned_marker(app, result.week)
        if writing.once.given_in_books > before:
            marker.parent.mkdir(parents=True, exist_ok=True)
            marker.touch()
        else:
            marker.unlink(missing_ok=True)


def build_ebooks(app: Sphinx, exception: Exception | None) -> None:
    writing = WRITINGS.pop(app.builder, None)
    if writing is None:
        return
    try:
        if exception is None:
            give_results(app, writing, write_books(app, writing.books))
    finally:
        for handler in warning_handlers():
            if writing.once in handler.filters:
                handler.filters.remove(writing.once)


def setup(app: Sphinx) -> ExtensionMetadata:
    app.setup_extension("course_site.structure")
    # A book carries the site's static files and is written by its templates and extensions.
    app.setup_extension("course_site.shared_inputs")
    app.add_config_value("week_ebooks", False, "html", types=frozenset({bool}))
    app.connect("write-started", start)
    app.connect("html-page-context", no_site_navigation, priority=100)
    app.connect("html-page-context", link_from_the_week_page)
    app.connect("build-finished", build_ebooks)
    return {"version": "2.0", "parallel_read_safe": True, "parallel_write_safe": True}
