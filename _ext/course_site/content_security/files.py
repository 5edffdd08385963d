"""Files content may read or ship: only inert files, only from the source folder, and
nothing fetched.

Every directive that reads a file (``include`` in reST and MyST, ``literalinclude`` and its
``:diff:``, ``raw`` and ``csv-table`` with ``:file:``) resolves the path, symlinks
included, and reads nothing outside the folders the project's pages come from; ``:url:``
is refused, so a build fetches nothing. Images and downloads, which the site serves from
its own origin, must be inert by their bytes, not only their names: a script in an SVG or
an HTML file would run with the reader's notes in reach.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from glob import glob
from pathlib import Path
from typing import TYPE_CHECKING

from docutils.parsers.rst.directives import flag, nonnegative_int
from docutils.parsers.rst.directives import path as path_option
from docutils.parsers.rst.directives.misc import Raw, adapt_path
from docutils.parsers.rst.directives.tables import CSVTable
from sphinx.directives.code import CodeBlock, LiteralInclude
from sphinx.directives.other import Include
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.matching import Matcher

from .limits import bounded

if TYPE_CHECKING:
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

INERT_KINDS = "raster images (PNG, JPEG, GIF, WebP, AVIF), PDF, EPUB, and plain text, Markdown or CSV"
TEXT_SUFFIXES = frozenset({".txt", ".md", ".csv"})


@dataclass
class Refusal:
    rule: str
    message: str


def starts_like(data: bytes, suffix: str) -> bool:
    """Whether a file's first bytes are those of the inert format its suffix names."""
    if suffix == ".png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".jpg", ".jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if suffix == ".gif":
        return data[:6] in (b"GIF87a", b"GIF89a")
    if suffix == ".webp":
        return data[:4] == b"RIFF" and data[8:12] == b"WEBP"
    if suffix == ".avif":
        return data[4:8] == b"ftyp" and data[8:12] in (b"avif", b"avis")
    if suffix == ".pdf":
        return data.startswith(b"%PDF-")
    if suffix == ".epub":
        return data.startswith(b"PK\x03\x04") and data[30:58] == b"mimetypeapplication/epub+zip"
    return False


def plain_text(data: bytes) -> bool:
    """Text no browser would take for markup: UTF-8, no NUL, and not opening with "<",
    the first thing content sniffing looks for."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and not text.lstrip().startswith("<")


def inert(path: Path) -> Refusal | None:
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return Refusal(
            "file",
            "is an SVG file, which can run scripts when opened on its own; the site ships no SVG "
            "from content: export it as PNG or WebP",
        )
    data = path.read_bytes()
    if suffix in TEXT_SUFFIXES:
        if plain_text(data):
            return None
        return Refusal(
            "file", f"is not plain text that no browser could read as a page; only {INERT_KINDS} may ship"
        )
    if starts_like(data, suffix):
        return None
    if suffix in (".png", ".jpg", ".jpeg", ".gif", ".webp", ".avif", ".pdf", ".epub"):
        return Refusal("file", f"does not hold what its name says ({suffix} by name, not by its bytes)")
    return Refusal(
        "file",
        f"is not an inert file: only {INERT_KINDS} may ship with the site (a page, script or "
        "other active file served from the site's origin could read readers' notes)",
    )


def confined(env: BuildEnvironment, path: str | Path) -> Refusal | None:
    """Whether content may read this file: inside the source folder once symlinks are
    resolved, in no hidden folder (``.git`` holds credentials), and where the project's
    pages come from (``include_patterns``, less ``exclude_patterns``) or in its static
    folders (``html_static_path``), which the site publishes anyway."""
    source = Path(env.srcdir).resolve()
    resolved = Path(path).resolve()
    if not resolved.is_relative_to(source):
        return Refusal("path", "is outside the source folder; content reads only files of this project")
    relative = resolved.relative_to(source).as_posix()
    if any(part.startswith(".") for part in resolved.relative_to(source).parts):
        return Refusal("path", "is in a hidden file or folder, which content may not read")
    included = Matcher(env.config.include_patterns)
    excluded = Matcher(env.config.exclude_patterns)
    static = any(
        resolved.is_relative_to((source / folder).resolve()) for folder in env.config.html_static_path
    )
    if not static and (not included(relative) or excluded(relative)):
        return Refusal(
            "path",
            "is not in a folder the project's pages come from (include_patterns in conf.py) "
            "nor in html_static_path; put it beside the page that uses it",
        )
    return None


def refusal(env: BuildEnvironment, uri: str, docname: str) -> Refusal | None:
    """Why an image or download may not ship, or None. ``name.*`` stands for every file it
    matches, as Sphinx reads it."""
    _, absolute = env.relfn2path(uri, docname)
    if problem := confined(env, absolute):
        return problem
    for candidate in glob(absolute) if uri.endswith(".*") else [absolute]:
        if problem := (confined(env, candidate) or (os.path.isfile(candidate) and inert(Path(candidate)))):
            return problem
    return None


class ConfinedFileReader(SphinxDirective):
    """What every file-reading directive shares: the check before the read."""

    def refused(self, path: str | Path, shown: str) -> bool:
        problem = confined(self.env, path)
        if problem:
            logger.warning(
                f"{self.name} of {shown!r} refused: it {problem.message}",
                location=self.get_location(),
                type="content_security",
                subtype=problem.rule,
            )
        return problem is not None

    def refused_url(self) -> bool:
        if "url" in self.options:
            logger.warning(
                f"{self.name} :url: refused: the build fetches nothing from the network; "
                "put the file beside the page and use :file:",
                location=self.get_location(),
                type="content_security",
                subtype="fetch",
            )
        return "url" in self.options

    def refused_file_option(self) -> bool:
        if "file" not in self.options:
            return False
        path = adapt_path(
            self.options["file"], self.state.document.current_source, self.state.document.settings.root_prefix
        )
        # Relative to the working directory, as docutils opens it.
        return self.refused(path, self.options["file"])


class ConfinedFileOption(ConfinedFileReader):
    """docutils' directives that read ``:file:`` or fetch ``:url:`` (``raw``, ``csv-table``)."""

    def run(self):
        return [] if self.refused_url() or self.refused_file_option() else super().run()


class ConfinedRaw(ConfinedFileOption, Raw):
    pass


class ConfinedCSVTable(ConfinedFileOption, CSVTable):
    pass


class ConfinedLiteralInclude(ConfinedFileReader, LiteralInclude):
    def run(self):
        for shown in (self.arguments[0], self.options.get("diff")):
            if shown and self.refused(self.env.relfn2path(shown)[1], shown):
                return []
        return super().run()


class ConfinedInclude(ConfinedFileReader):
    """``include``, checked, then run by Sphinx's own directive in reST and by MyST's in
    Markdown. MyST runs a subclass of docutils' Include with its own reader, never calling
    that class's ``run``, so this class is not one (tested by
    ``test_myst_include_outside_the_source_folder_is_refused``)."""

    required_arguments = Include.required_arguments
    optional_arguments = Include.optional_arguments
    final_argument_whitespace = Include.final_argument_whitespace
    # MyST's own options for includes in Markdown, beside docutils'.
    option_spec = {
        **Include.option_spec,
        "relative-images": flag,
        "relative-docs": path_option,
        "heading-offset": nonnegative_int,
    }

    def run(self):
        argument = self.arguments[0]
        standard = argument.startswith("<") and argument.endswith(">")
        if not standard and self.refused(self.env.relfn2path(argument)[1], argument):
            return []
        markdown = markdown_state(self.state)
        if markdown is not None:
            from myst_parser.mocking import MockIncludeDirective

            return MockIncludeDirective(
                markdown, self.name, Include, self.arguments, self.options, list(self.content), self.lineno
            ).run()
        return Include(
            self.name,
            self.arguments,
            self.options,
            self.content,
            self.lineno,
            self.content_offset,
            self.block_text,
            self.state,
            self.state_machine,
        ).run()


def markdown_state(state):
    """MyST's renderer when a MyST page runs the directive, else None."""
    try:
        from myst_parser.mocking import MockState
    except ImportError:
        return None
    return state._renderer if isinstance(state, MockState) else None


CONFINED_DIRECTIVES = {
    "include": bounded(ConfinedInclude),
    "literalinclude": bounded(ConfinedLiteralInclude),
    "raw": bounded(ConfinedRaw),
    "csv-table": bounded(ConfinedCSVTable),
    # Reads no file, but its line numbers size its work.
    "code-block": bounded(CodeBlock),
    "sourcecode": bounded(CodeBlock),
}
