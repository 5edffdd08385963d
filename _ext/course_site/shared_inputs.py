"""shared_inputs: when what every page is made from changes, every page is written again.

Besides its own source, each page is made from the static files (their checksums and the
scripts' signatures are in every page), the templates, the theme, the project's own
extensions (their files' contents), the extensions installed elsewhere (their files' sizes
and times), the version of every installed package, and the translations of Sphinx's, the theme's
and the extensions' words. Sphinx notices none of these changing (#34).
So their digest is recorded in the output folder when a build ends without error, and a
build that finds another digest reads and writes every page, as a clean build would.

The record lives with the output it describes: a build killed half-way, or another
builder sharing the doctrees (``make linkcheck``), leaves it as it was.

The translations are taken as loaded, wherever their catalogs live (an extension installed
outside the project, the project's ``locale_dirs``), before any page is read (a page's own
catalog is Sphinx's dependency of that page). Upstream names it relies on, checked by
tests/test_rebuilds.py: ``sphinx.locale.translators``, and the messages and fallback of
Python's ``gettext`` translations, ``_catalog`` and ``_fallback``, which have no public
way to be listed.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

from sphinx import locale
from sphinx.application import Sphinx
from sphinx.util import logging

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

RECORD = ".shared-inputs"
# This build's digest, recorded once it ends well; the e-books, written later in the same
# event, key their books on it too.
DIGESTS: WeakKeyDictionary[Sphinx, str] = WeakKeyDictionary()


def extension_folders(app: Sphinx, *, in_project: bool) -> Iterator[Path]:
    """The package folders of the loaded extensions that live in the project, or of those
    installed elsewhere (Sphinx's own left out: Sphinx's version stands for them)."""
    confdir = Path(app.confdir).resolve()
    for top in dict.fromkeys(name.partition(".")[0] for name in app.extensions):
        file = getattr(sys.modules.get(top), "__file__", None)
        if file and top != "sphinx" and Path(file).resolve().is_relative_to(confdir) == in_project:
            yield Path(file).resolve().parent


def input_folders(app: Sphinx) -> list[Path]:
    confdir = Path(app.confdir)
    # The extra files go into the e-books too, which are written only when their inputs change.
    extra = app.config.html_extra_path
    folders = [confdir / path for path in (*app.config.html_static_path, *extra, *app.config.templates_path)]
    theme = getattr(app.builder, "theme", None)
    folders += [Path(folder) for folder in (theme.get_theme_dirs() if theme else ())]
    return [*folders, *extension_folders(app, in_project=True)]


def installed_versions() -> list[str]:
    """Every installed distribution and its version, as the installers name their record
    folders (``name-version.dist-info``): listing them costs one directory read each."""
    return sorted(
        entry.name
        for folder in map(Path, sys.path)
        if folder.is_dir()
        for entry in folder.iterdir()
        if entry.suffix in (".dist-info", ".egg-info")
    )


def translations(digest) -> None:
    """Every message of the catalogs loaded for the output (not the console's)."""
    for (namespace, catalog), translator in sorted(locale.translators.items()):
        while namespace == "general" and translator is not None:
            digest.update(f"{catalog}\n".encode())
            messages = getattr(translator, "_catalog", {})
            digest.update(repr(sorted(messages.items(), key=repr)).encode())
            translator = translator._fallback


def inputs_digest(app: Sphinx) -> str:
    digest = hashlib.sha256()
    translations(digest)
    for name, extension in sorted(app.extensions.items()):
        digest.update(f"{name} {extension.version}\n".encode())
    digest.update("\n".join(installed_versions()).encode())
    # Code of an extension installed elsewhere that changes while its version stays the
    # same (a checkout installed in place, an edited install): by size and time, as make does.
    for folder in sorted(extension_folders(app, in_project=False)):
        found = []
        for parent, folders, files in os.walk(folder):
            folders[:] = [name for name in folders if name != "__pycache__"]
            found += [os.path.join(parent, name) for name in files]
        for path in sorted(found):
            status = os.stat(path)
            digest.update(f"{path} {status.st_size} {status.st_mtime_ns}\n".encode())
    for folder in dict.fromkeys(input_folders(app)):
        files = [folder] if folder.is_file() else sorted(folder.rglob("*")) if folder.is_dir() else []
        for path in files:
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path.relative_to(folder.parent)}\n".encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def rewrite_all_if_changed(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    record = Path(app.outdir, RECORD)
    DIGESTS[app] = inputs_digest(app)
    recorded = record.read_text().strip() if record.is_file() else None
    if recorded == DIGESTS[app]:
        return []
    if recorded is not None:
        logger.info(
            "shared_inputs: static files, templates, extensions or installed packages changed; "
            "every page is written again"
        )
    return sorted(env.found_docs - added - changed)


def record_inputs(app: Sphinx, exception: BaseException | None) -> None:
    # Kept, not popped: the e-books, written by a later build-finished handler, record it.
    if exception is None and app in DIGESTS:
        Path(app.outdir, RECORD).write_text(DIGESTS[app] + "\n")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("env-get-outdated", rewrite_all_if_changed)
    app.connect("build-finished", record_inputs)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
