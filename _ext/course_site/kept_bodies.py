"""kept_bodies: a page written again only for what it carries from other pages keeps the
HTML of its body from the last build instead of translating its doctree again.

Every page carries the whole site's navigation and its neighbours' titles, so a retitle
writes every page again (see ``fast_navigation``); for all but one of them the body is the
same. What decides is the page's resolved doctree, not a guess about the edit: each build
keeps what it made with a digest of what it was made from, and the next build uses it
where the digest is the same:

- a page's body (the translator's HTML, meta tags and whether it holds maths) and the
  words the search index takes from it, by a digest of the resolved doctree (other pages'
  titles and labels are resolved into it), the page's name, its section and figure
  numbers and the output names of its images; never for a page read again in this build
  (an image's size is read from its file, which makes Sphinx read the page again);
- titles and a page's table of contents rendered as HTML, by a digest of their nodes.

Every digest also covers the configuration Sphinx records (values that rebuild the
environment or the HTML), the tags, and the code: Sphinx, docutils and Pygments, each
extension's version, and the size and time of each file of an extension that is not an
installed package (this project's own).

What this relies on, tested with Sphinx 9.0 (tests/test_kept_bodies.py fails when it
changes): ``StandaloneHTMLBuilder.write_doc`` gets its translator from
``create_translator``, walks the doctree with it, and takes the body from its
``fragment``, the meta tags from ``meta[2:]`` and ``_has_maths_elements``; titles and the
table of contents go through ``render_partial``; the search index takes a page's words
from ``IndexBuilder._word_collector``. Where Sphinx is another version everything is made
afresh. The first kept piece of each kind a process would use is compared with one made
afresh; on any difference nothing kept is used for the rest of the build (an info message
says so). ``kept_bodies = False`` turns it off.

Parallel writing translates in forked processes: each appends what it made to a file of
its own, which the build gathers when it ends."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import os
import pickle
import secrets
import shutil
import sys
import sysconfig
import weakref
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from weakref import WeakKeyDictionary, WeakSet

import docutils
import pygments
import sphinx
from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Callable

    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.search import WordStore
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

TESTED_SPHINX = (9, 0)
BUILDERS = ("html", "dirhtml")
INSTALLED = {Path(sysconfig.get_paths()[name]).resolve() for name in ("purelib", "platlib", "stdlib")}


@dataclass
class Translation:
    body: str
    meta: str
    maths: bool


class KeptTranslation(nodes.NodeVisitor):
    """Stands in for the translator: gives the kept HTML without walking the doctree."""

    def __init__(self, document: nodes.document, kept: Translation) -> None:
        super().__init__(document)
        self.fragment = [kept.body]
        self.meta = ["", "", kept.meta]
        self._has_maths_elements = kept.maths

    def dispatch_visit(self, node: nodes.Node) -> None:
        raise nodes.SkipNode


@dataclass
class Record:
    """What a build made, each piece with the digest of what it was made from."""

    pages: dict[str, tuple[bytes, Translation]] = field(default_factory=dict)
    words: dict[str, tuple[bytes, WordStore]] = field(default_factory=dict)
    renders: dict[bytes, dict[str, str]] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # pages written with their kept body
    compared: set[str] = field(default_factory=set)  # pages whose kept body was checked


@dataclass
class BuildState:
    code: bytes
    path: Path
    parts: Path  # where forked writers leave what they made
    kept: Record
    read: set[str]
    made: Record = field(default_factory=Record)
    main_process: int = field(default_factory=os.getpid)
    checked: set[tuple[int, str]] = field(default_factory=set)  # (process, kind) compared once
    off: bool = False
    digests: dict[str, tuple[weakref.ref[nodes.document], bytes | None]] = field(default_factory=dict)
    serializing: tuple[str, nodes.document] | None = None
    writing: tuple[str, nodes.document, Translation | None] | None = None
    translator: Any = None

    def page_digest(self, builder: Any, docname: str, doctree: nodes.document) -> bytes | None:
        """What the translator reads for the page (once its images have output names)."""
        known = self.digests.get(docname)
        if known is not None and known[0]() is doctree:
            return known[1]
        uris = {node["uri"] for node in doctree.findall(nodes.image)}
        images = sorted((uri, builder.images[uri]) for uri in uris if uri in builder.images)
        numbers = builder.env.toc_secnumbers.get(docname), builder.env.toc_fignumbers.get(docname)
        page_digest = self.digest(docname, numbers, images, doctree.attributes, doctree.children)
        self.digests[docname] = weakref.ref(doctree), page_digest
        return page_digest

    def digest(self, *what: Any) -> bytes | None:
        """A digest of nodes and what goes with them, or None if they cannot be pickled."""
        buffer = io.BytesIO()
        try:
            ContentPickler(buffer).dump(what)
        except (pickle.PicklingError, TypeError, AttributeError, ValueError, RecursionError):
            return None  # a node holds what cannot be pickled: made afresh
        return hashlib.sha256(self.code + buffer.getbuffer()).digest()

    def kept_page_piece(self, store: str, docname: str, doctree: nodes.document, builder: Any) -> Any:
        """The kept piece of the page, if what it was made from is the same."""
        if self.off or docname in self.read:
            return None
        kept = getattr(self.kept, store).get(docname)
        page_digest = self.page_digest(builder, docname, doctree)
        return kept[1] if kept is not None and page_digest is not None and kept[0] == page_digest else None

    def checking(self, kind: str) -> bool:
        """Whether a kept piece of this kind is to be compared with one made afresh."""
        return (os.getpid(), kind) not in self.checked

    def kept_or_made(self, kind: str, kept: Any, make: Callable[[], Any], name: str) -> Any:
        """The kept piece, or one made afresh: compared with the kept one when it is the
        first of its kind in this process."""
        if kept is not None and not self.checking(kind):
            return kept
        made = make()
        if kept is not None:
            self.compare(kind, kept, made, name)
        return made

    def compare(self, kind: str, kept: Any, made: Any, name: str) -> None:
        self.checked.add((os.getpid(), kind))
        if kept != made:
            self.off = True
            logger.info(
                "kept_bodies: the %s of %s is not made as kept; everything is made afresh", kind, name
            )

    def keep(self, store: str, key: str | bytes, value: Any) -> None:
        if os.getpid() == self.main_process:
            self.add(store, key, value)
            return
        self.parts.mkdir(exist_ok=True)
        with (self.parts / str(os.getpid())).open("ab") as file:
            pickle.dump((store, key, value), file, pickle.HIGHEST_PROTOCOL)

    def gather(self) -> None:
        """What forked writers made, into this process's record."""
        for part in sorted(self.parts.glob("*")):
            with part.open("rb") as file:
                while True:
                    try:
                        store, key, value = pickle.load(file)
                    except EOFError:
                        break
                    self.add(store, key, value)
        shutil.rmtree(self.parts, ignore_errors=True)

    def add(self, store: str, key: Any, value: Any) -> None:
        if store in ("used", "compared"):
            getattr(self.made, store).add(key)
        else:
            getattr(self.made, store)[key] = value


STATES: WeakKeyDictionary[Builder, BuildState] = WeakKeyDictionary()
READ: WeakKeyDictionary[Builder, set[str]] = WeakKeyDictionary()
WATCHED: WeakSet[Any] = WeakSet()  # builders and search indexers whose methods are wrapped

NOT_HELD = {"parent", "document", "_document"}


class ContentPickler(pickle.Pickler):
    """Pickles nodes as what they hold (class, text, every attribute of the instance)
    without their parents, and without the memo: a doctree read from disk and the same
    doctree as it was read from its source share different objects, which the memo
    would show."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, pickle.HIGHEST_PROTOCOL)
        self.fast = True

    def reducer_override(self, obj: Any) -> Any:
        if isinstance(obj, nodes.Text):
            return str, (str(obj),)
        if isinstance(obj, nodes.document):  # another page, which a node may point to
            return str, ("document",)
        if isinstance(obj, nodes.Element):
            held = sorted((name, value) for name, value in vars(obj).items() if name not in NOT_HELD)
            return tuple, ((type(obj).__module__, type(obj).__qualname__, held),)
        return NotImplemented


def own_files(module_name: str) -> list[str]:
    """The files of an extension that is not an installed package, with size and time."""
    module = sys.modules.get(module_name.partition(".")[0])
    file = getattr(module, "__file__", None)
    if file is None:
        return []
    path = Path(file).resolve()
    if any(folder in path.parents for folder in INSTALLED):
        return []
    files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
    return [f"{file}:{file.stat().st_size}:{file.stat().st_mtime_ns}" for file in files]


def code_and_configuration(app: Sphinx) -> bytes:
    from sphinx.builders.html._build_info import BuildInfo

    info = BuildInfo(app.config, app.builder.tags, frozenset({"env", "html"}))
    parts = [sphinx.__display_version__, docutils.__version__, pygments.__version__, app.builder.name]
    parts += [info.config_hash, info.tags_hash]
    for name, extension in sorted(app.extensions.items()):
        parts += [f"{name}={extension.version}", *own_files(name)]
    return "\n".join(parts).encode()


def note_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    READ[app.builder] = set(docnames)


def load(path: Path, code: bytes) -> Record:
    try:
        with path.open("rb") as file:
            stored_code, record = pickle.load(file)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return Record()
    return record if stored_code == code and isinstance(record, Record) else Record()


def start(app: Sphinx, builder: Builder) -> None:
    """When writing starts: what the last build kept, and the builder's writing watched."""
    STATES.pop(builder, None)
    if not app.config.kept_bodies or builder.name not in BUILDERS or builder.format != "html":
        return
    if sphinx.version_info[:2] != TESTED_SPHINX:
        logger.info("kept_bodies: every page is made afresh (Sphinx %s)", sphinx.__display_version__)
        return
    doctrees = Path(app.doctreedir)
    for stale in doctrees.glob("kept_bodies-*.parts"):
        shutil.rmtree(stale, ignore_errors=True)
    path = doctrees / f"kept_bodies-{builder.name}.pickle"
    code = code_and_configuration(app)
    parts = doctrees / f"kept_bodies-{secrets.token_hex(8)}.parts"
    STATES[builder] = BuildState(code, path, parts, load(path, code), READ.pop(builder, set()))
    if builder not in WATCHED:
        WATCHED.add(builder)
        watch(builder)


def watch(builder: Any) -> None:
    """Wraps, on the instance, the builder's methods that make what can be kept."""
    write_doc: Callable[[str, nodes.document], None] = builder.write_doc
    write_doc_serialized: Callable[[str, nodes.document], None] = builder.write_doc_serialized
    create_translator: Callable[..., Any] = builder.create_translator
    render_partial: Callable[[nodes.Node | None], dict[str, str]] = builder.render_partial

    def render_partial_or_kept(node: nodes.Node | None) -> dict[str, str]:
        """Titles, and the page's table of contents (rendered while it is written)."""
        state = STATES.get(builder)
        if state is None or not (
            isinstance(node, nodes.title)
            or (isinstance(node, nodes.bullet_list) and state.writing is not None)
        ):
            return render_partial(node)
        key = state.digest(builder.current_docname if isinstance(node, nodes.bullet_list) else "", node)
        if key is None:
            return render_partial(node)
        kept = None if state.off else state.kept.renders.get(key)
        parts = state.kept_or_made("rendering", kept, lambda: render_partial(node), builder.current_docname)
        state.keep("renders", key, dict(parts))
        return dict(parts)

    def create_translator_or_kept(*args: Any) -> Any:
        state = STATES.get(builder)
        if state is None or state.writing is None or args[0] is not state.writing[1]:
            return create_translator(*args)
        docname, doctree, kept = state.writing
        if kept is not None:
            return KeptTranslation(doctree, kept)
        state.translator = create_translator(*args)
        return state.translator

    def write_doc_keeping_bodies(docname: str, doctree: nodes.document) -> None:
        state = STATES.get(builder)
        if state is None:
            return write_doc(docname, doctree)
        kept = state.kept_page_piece("pages", docname, doctree, builder)
        checking = kept is not None and state.checking("body")
        state.writing = docname, doctree, None if checking else kept
        try:
            write_doc(docname, doctree)
        finally:
            state.writing, translator, state.translator = None, state.translator, None
        page_digest = state.page_digest(builder, docname, doctree)
        state.digests.pop(docname, None)
        if kept is not None and not checking:
            state.keep("used", docname, None)
            state.keep("pages", docname, (page_digest, kept))
            return
        if translator is None or page_digest is None:
            return
        made = Translation(
            "".join(translator.fragment),
            "".join(translator.meta[2:]),
            getattr(translator, "_has_maths_elements", False),
        )
        if checking:
            state.compare("body", kept, made, docname)
            state.keep("compared", docname, None)
        state.keep("pages", docname, (page_digest, made))

    def write_doc_serialized_keeping_words(docname: str, doctree: nodes.document) -> None:
        state = STATES.get(builder)
        if state is None:
            return write_doc_serialized(docname, doctree)
        indexer = getattr(builder, "indexer", None)
        if indexer is not None and indexer not in WATCHED:
            WATCHED.add(indexer)
            watch_indexer(builder, indexer)
        state.serializing = docname, doctree
        try:
            write_doc_serialized(docname, doctree)
        finally:
            state.serializing = None

    builder.write_doc = write_doc_keeping_bodies
    builder.write_doc_serialized = write_doc_serialized_keeping_words
    builder.create_translator = create_translator_or_kept
    builder.render_partial = render_partial_or_kept


def watch_indexer(builder: Any, indexer: Any) -> None:
    """The words the search index takes from a page, kept with the page's digest."""
    word_collector: Callable[[nodes.document], WordStore] = indexer._word_collector

    def word_collector_or_kept(doctree: nodes.document) -> WordStore:
        state = STATES.get(builder)
        if state is None or state.serializing is None or state.serializing[1] is not doctree:
            return word_collector(doctree)
        docname = state.serializing[0]
        kept = state.kept_page_piece("words", docname, doctree, builder)
        words = state.kept_or_made("words", kept, lambda: word_collector(doctree), docname)
        page_digest = state.page_digest(builder, docname, doctree)
        if page_digest is not None:
            state.keep("words", docname, (page_digest, copied(words)))
        return copied(words)

    indexer._word_collector = word_collector_or_kept


def copied(words: WordStore) -> WordStore:
    """The search index keeps the lists it is given."""
    return dataclasses.replace(
        words, words=list(words.words), titles=list(words.titles), title_words=list(words.title_words)
    )


def keep_record(app: Sphinx, exception: Exception | None) -> None:
    state = STATES.pop(app.builder, None)
    if state is None:
        return
    state.gather()
    if exception is not None:
        return
    found = app.env.found_docs
    record = Record(
        {name: kept for name, kept in (state.kept.pages | state.made.pages).items() if name in found},
        {name: kept for name, kept in (state.kept.words | state.made.words).items() if name in found},
        state.made.renders,
        state.made.used,
        state.made.compared,
    )
    with state.path.open("wb") as file:
        pickle.dump((state.code, record), file, pickle.HIGHEST_PROTOCOL)
    logger.verbose(
        "kept_bodies: %d of %d pages written kept their bodies (and %d were compared with a translation)",
        len(state.made.used),
        len(state.made.pages),
        len(state.made.compared),
    )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("kept_bodies", True, "", types=frozenset({bool}))
    app.connect("env-before-read-docs", note_reading)
    # Before once_per_build's, so its remembered titles are taken from here.
    app.connect("write-started", start, priority=400)
    app.connect("build-finished", keep_record)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
