"""incremental: a rebuild writes what a clean build writes, whatever the theme.

Sphinx writes again the pages whose source changed and the pages whose toctree lists them,
but a page also carries the site's navigation, its neighbours' titles and the text of its
links to other pages (sphinx-doc/sphinx#5506). So each build records, per page, a digest of
what it carries from elsewhere (the whole toctree as data, and the names and titles of its
parents, previous and next pages), which pages its body links to, and when the environment
had last read each page; the next build writes again every page whose digest changed, that
was read since, or whose link targets were read since (whoever read them: this build,
``make linkcheck`` sharing the doctrees, or a build stopped before it wrote), and deletes
the pages of removed documents and the images and downloads no page uses any more. A page's
navigation is made from the toctree and the page alone, so one digest of the toctree, taken
once per build, stands for every page's.

Sphinx copies every static file on every build (the theme's, the static folders', the
language's search scripts) but deletes none: the last build's ``_static`` is set aside
before the build starts, in the doctrees folder, so the folder holds what this build copies
and writes; it is deleted once the build has copied its own, and put back where a build
fails before then. A file taken out of ``html_extra_path`` is deleted from the output too.

Upstream names it relies on (Sphinx 9.0), each checked by tests/test_incremental.py:

- ``IndexBuilder._mapping`` and ``_title_mapping``: Sphinx's search index keeps a word
  whose pages were all written again without it, as an empty list, where a clean build
  has no such word; they are dropped before the index is written.
- ``BuildEnvironment.master_doctree``, a cached property: the root document cached while
  the toctree was resolved, which the next build would take for the root's current
  doctree, so it is dropped before the environment is pickled and before reading.
"""

from __future__ import annotations

import glob
import hashlib
import pickle
import posixpath
import shutil
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from docutils import nodes
from sphinx.environment.adapters.toctree import global_toctree_for_doc
from sphinx.util import logging
from sphinx.util.matching import Matcher

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# The widest toctree a theme asks for: every entry, hidden ones too.
WHOLE_TREE = {"collapse": False, "titles_only": False, "maxdepth": -1, "includehidden": True}


@dataclass
class PageRecord:
    """What each page of the output carries from other pages, kept between builds."""

    carries: dict[str, str] = field(default_factory=dict)  # page -> digest
    links: dict[str, set[str]] = field(default_factory=dict)  # page -> pages its body links to
    # page -> when the environment last read it: a page read since (by this build, by
    # another builder sharing the doctrees, or by a build stopped before it wrote) changed.
    read: dict[str, int] = field(default_factory=dict)
    # Which sources, output and settings it describes: a record of another is not used.
    identity: str = ""


@dataclass
class BuildState:
    record: PageRecord
    pages_by_uri: dict[str, str] = field(default_factory=dict)  # normalised target URI -> page


STATES: WeakKeyDictionary[Builder, BuildState] = WeakKeyDictionary()


class LinkNames:
    """Stands in for the builder while the toctree is resolved: each link is its target's
    name, the same from every page."""

    def get_relative_uri(self, from_: str, to: str, typ: str | None = None) -> str:
        return to


def record_path(app: Sphinx) -> Path:
    return Path(app.doctreedir) / f"incremental-{app.builder.name}.pickle"


def identity(app: Sphinx) -> str:
    build_info = getattr(app.builder, "build_info", None)
    described = [
        app.srcdir,
        app.outdir,
        getattr(build_info, "config_hash", ""),
        getattr(build_info, "tags_hash", ""),
    ]
    return hashlib.sha256("\0".join(map(str, described)).encode()).hexdigest()


def load_record(app: Sphinx) -> PageRecord:
    """The last build's record; none (so every page is written again, as a clean build
    would) where it is missing, damaged, or describes other sources, output or settings."""
    path = record_path(app)
    if not path.is_file():
        return PageRecord()
    try:
        with path.open("rb") as file:
            record = pickle.load(file)
    except Exception:  # any damage: the record is only an optimisation
        record = None
    # A record of an earlier version of this module lacks fields: another build's too.
    whole = isinstance(record, PageRecord) and vars(record).keys() == {f.name for f in fields(PageRecord)}
    if not whole or record.identity != identity(app):
        logger.info(
            "incremental: the last build's record is damaged or describes another build; every page is written again"
        )
        return PageRecord()
    return record


def before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Every page about to be read is cleared first, as Sphinx's parallel reading does:
    reading serially, Sphinx clears each page only as it reads it, so a card or label
    moved to a page read earlier met itself on the page it left (a duplicate label the
    clean build does not give)."""
    env.__dict__.pop("master_doctree", None)
    for docname in docnames:
        app.events.emit("env-purge-doc", env, docname)
        env.clear_doc(docname)


def toctree_digest(builder: StandaloneHTMLBuilder) -> bytes:
    tree = global_toctree_for_doc(builder.env, "", LinkNames(), tags=builder.tags, **WHOLE_TREE)  # type: ignore[arg-type]
    return hashlib.sha256(b"" if tree is None else tree.pformat().encode()).digest()


def carried(builder: StandaloneHTMLBuilder, tree: bytes, relations: dict, page: str) -> str:
    digest = hashlib.sha256(tree)
    parent, previous, following = relations.get(page, (None, None, None))
    neighbours = [previous, following]
    while parent:
        neighbours.append(parent)
        parent = relations.get(parent, (None,))[0]
    for name in neighbours:
        title = builder.env.titles.get(name) if name else None
        digest.update(f"\0{name}\0{title}".encode())
    return digest.hexdigest()


def remove_output(builder: StandaloneHTMLBuilder, page: str) -> None:
    """Deletes a removed document's page and copied source, and the folders made for them
    if empty."""
    outdir = Path(builder.outdir).resolve()
    sources = outdir / "_sources"
    copies = list(sources.glob(f"{glob.escape(page)}.*.txt")) if sources.is_dir() else []
    for path in [Path(builder.get_outfilename(page)), *copies]:
        path.unlink(missing_ok=True)
        folder = path.parent.resolve()
        while folder != outdir and outdir in folder.parents and not any(folder.iterdir()):
            folder.rmdir()
            folder = folder.parent


def pages_to_write_again(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Once the environment is complete (after Sphinx's own ``env-get-updated`` handlers,
    which number sections): the pages whose navigation, neighbours or link targets changed
    since the last build."""
    if app.builder.name not in ("html", "dirhtml"):
        return []
    builder: StandaloneHTMLBuilder = app.builder  # type: ignore[assignment]
    before = load_record(app)
    relations = env.collect_relations()
    tree = toctree_digest(builder)
    carries = {page: carried(builder, tree, relations, page) for page in sorted(env.found_docs)}
    removed = before.carries.keys() - carries.keys()
    for page in sorted(removed):
        remove_output(builder, page)
    read = {page: env.all_docs.get(page, 0) for page in carries}
    changed = {page for page, when in read.items() if before.read.get(page) != when} | removed
    links = {page: targets for page, targets in before.links.items() if page in carries}
    STATES[app.builder] = BuildState(PageRecord(carries, links, read, identity(app)))
    env.__dict__.pop("master_doctree", None)
    again = {page for page, digest in carries.items() if before.carries.get(page) != digest}
    # A page read since the output was written is written again, whoever read it.
    again |= (changed - removed) | {page for page, targets in links.items() if targets & changed}
    if again and before.carries:  # on a first build every page is new
        logger.verbose("incremental: %d pages carry what changed elsewhere", len(again))
    return sorted(again)


def note_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """The pages a page's body links to (resolved, in the main process also when writing
    in parallel), whose titles and labels its links may show."""
    state = STATES.get(app.builder)
    if state is None:
        return
    builder = app.builder
    base = posixpath.dirname(builder.get_target_uri(docname))
    if not state.pages_by_uri:
        state.pages_by_uri = {
            posixpath.normpath(builder.get_target_uri(page) or "."): page for page in app.env.found_docs
        }
    targets = set()
    for reference in doctree.findall(nodes.reference):
        uri = reference.get("refuri", "").partition("#")[0]
        if uri and "://" not in uri and not uri.startswith("mailto:"):
            page = state.pages_by_uri.get(posixpath.normpath(posixpath.join(base, uri)))
            if page is not None and page != docname:
                targets.add(page)
    state.record.links[docname] = targets


def drop_emptied_search_terms(app: Sphinx) -> list:
    """``html-collect-pages`` comes after the last page is fed to the index and before the
    index is written."""
    indexer = getattr(app.builder, "indexer", None)
    if indexer is not None:
        for mapping in (indexer._mapping, indexer._title_mapping):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]
    return []


def static_folders(app: Sphinx) -> tuple[Path, Path]:
    """The output's static folder, and where the last build's is set aside."""
    return Path(app.outdir, "_static"), Path(app.doctreedir, f"{app.builder.name}-static-before")


def set_static_files_aside(app: Sphinx) -> None:
    """Before any extension writes into ``_static``. What a killed build set aside is the
    last complete folder, and stays."""
    if app.builder.name not in ("html", "dirhtml"):
        return
    static, aside = static_folders(app)
    if aside.exists():
        shutil.rmtree(static, ignore_errors=True)
    elif static.is_dir():
        aside.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(static, aside)


def forget_static_files_set_aside(app: Sphinx) -> list:
    """``html-collect-pages`` comes after Sphinx has copied the static files."""
    shutil.rmtree(static_folders(app)[1], ignore_errors=True)
    return []


def put_static_files_back(app: Sphinx, exception: Exception | None) -> None:
    """A build that fails before copying the static files leaves the last ones."""
    static, aside = static_folders(app)
    if not aside.is_dir() or app.builder.name not in ("html", "dirhtml"):
        return
    for path in sorted(aside.rglob("*")):
        if path.is_file() and not (static / path.relative_to(aside)).exists():
            (static / path.relative_to(aside)).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(path, static / path.relative_to(aside))
    shutil.rmtree(aside)


def remove_what_is_no_longer_made(app: Sphinx, exception: Exception | None) -> None:
    """Images and downloads no page uses any more, and the backup of a changed build
    configuration Sphinx keeps: a clean build would not write them."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    Path(app.outdir, ".buildinfo.bak").unlink(missing_ok=True)
    env = app.env
    made = {
        Path(app.outdir, app.builder.imagedir): {name for _pages, name in env.images.values()},
        Path(app.outdir, "_downloads"): {Path(dest).as_posix() for _pages, dest in env.dlfiles.values()},
    }
    for folder, names in made.items():
        for path in sorted(folder.rglob("*"), reverse=True) if folder.is_dir() else ():
            if path.is_file() and path.relative_to(folder).as_posix() not in names:
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()


def extra_files(app: Sphinx) -> set[str]:
    """What ``html_extra_path`` puts in the output, as Sphinx copies it: each folder's files
    but the excluded ones, a file by its name."""
    excluded = Matcher(app.config.exclude_patterns)
    found = set()
    for entry in app.config.html_extra_path:
        source = Path(app.confdir, entry)
        if source.is_file():
            found.add(source.name)
        for path in source.rglob("*") if source.is_dir() else ():
            name = path.relative_to(source).as_posix()
            if path.is_file() and not excluded(name):
                found.add(name)
    return found


def remove_extra_files_no_longer_listed(app: Sphinx, exception: Exception | None) -> None:
    """A file taken out of ``html_extra_path`` leaves the output, as it would a clean one.
    What the last build copied is recorded beside the doctrees."""
    if exception is not None or app.builder.name not in ("html", "dirhtml"):
        return
    record = Path(app.doctreedir, f"extra-files-{app.builder.name}.txt")
    copied = extra_files(app)
    before = set(record.read_text(encoding="utf-8").splitlines()) if record.is_file() else set()
    pages = {
        Path(app.builder.get_outfilename(doc)).relative_to(app.outdir).as_posix()
        for doc in app.env.found_docs
    }
    for name in sorted(before - copied - pages):
        Path(app.outdir, name).unlink(missing_ok=True)
    record.write_text("".join(f"{name}\n" for name in sorted(copied)), encoding="utf-8")


def keep_record(app: Sphinx, exception: Exception | None) -> None:
    state = STATES.pop(app.builder, None)
    if exception is None and state is not None:
        with record_path(app).open("wb") as file:
            pickle.dump(state.record, file, pickle.HIGHEST_PROTOCOL)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Before the extensions that write their own files into _static.
    app.connect("builder-inited", set_static_files_aside, priority=100)
    app.connect("html-collect-pages", forget_static_files_set_aside)
    app.connect("build-finished", put_static_files_back)
    app.connect("env-before-read-docs", before_reading)
    # After Sphinx's own env-get-updated handlers, which number sections and figures.
    app.connect("env-get-updated", pages_to_write_again, priority=900)
    app.connect("doctree-resolved", note_links)
    app.connect("html-collect-pages", drop_emptied_search_terms)
    app.connect("build-finished", keep_record)
    app.connect("build-finished", remove_what_is_no_longer_made)
    app.connect("build-finished", remove_extra_files_no_longer_listed)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
