"""course_site.structure: the course's layout, known in one place.

A week is a folder ``week<N>/`` whose ``index`` page the root page's toctree lists; its
sections are the entries of that page's toctrees, in their order, except the week's
special pages (the workbook and the metaphors page). A section's number is its place in
that order. Everything else that needs the layout (the course's rules, the site's
HTML, the tools and the tests) asks this module instead of matching page names.

During a build the layout is read from the environment once, when every page has been
read (``env-updated``), and kept per environment. Tools and tests without a build read
the same toctrees from the sources with MyST's own markdown parser.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from weakref import WeakKeyDictionary

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

WEEK_FOLDER = re.compile(r"week(\d+)")
# The pages every week has besides its sections, by page name within the week's folder.
WORKBOOK = "workbook"
METAPHORS = "metaphors"
SPECIAL_PAGES = (WORKBOOK, METAPHORS)


@dataclass(frozen=True)
class Week:
    name: str  # the folder, "week7"
    number: int
    sections: tuple[str, ...]  # docnames, in toctree order
    # Its landing page, then every page its toctrees reach within its folder, depth first:
    # what its e-book holds, in order.
    pages: tuple[str, ...] = ()

    @property
    def index(self) -> str:
        return f"{self.name}/index"

    @property
    def workbook(self) -> str:
        return f"{self.name}/{WORKBOOK}"

    @property
    def metaphors(self) -> str:
        return f"{self.name}/{METAPHORS}"

    @property
    def title(self) -> str:
        return f"Week {self.number}"


@dataclass(frozen=True)
class Course:
    root: str
    weeks: tuple[Week, ...]  # in the root toctree's order

    @property
    def sections(self) -> list[str]:
        return [section for week in self.weeks for section in week.sections]

    def week(self, name: str) -> Week:
        return next(week for week in self.weeks if week.name == name)

    def week_of(self, docname: str) -> Week | None:
        """The week a page belongs to by its folder, whether or not a toctree lists it."""
        return next((week for week in self.weeks if docname.startswith(f"{week.name}/")), None)

    def is_section(self, docname: str) -> bool:
        week = self.week_of(docname)
        return week is not None and docname in week.sections

    def section_number(self, docname: str) -> int:
        """1 for a week's first section."""
        week = self.week_of(docname)
        if week is None or docname not in week.sections:
            raise KeyError(f"{docname!r} is not a section of the course")
        return week.sections.index(docname) + 1

    def is_week_index(self, docname: str) -> bool:
        return any(docname == week.index for week in self.weeks)

    def in_course(self, docname: str) -> bool:
        """The home page and every page of a week, as opposed to the site's other pages."""
        return docname == self.root or self.week_of(docname) is not None


def week_folder(docname: str) -> str | None:
    """``week7`` for ``week7/index``: the folder, when the page is a week's landing page."""
    folder, _, page = docname.partition("/")
    return folder if page == "index" and WEEK_FOLDER.fullmatch(folder) else None


def sections_among(index: str, entries: Iterable[str]) -> list[str]:
    """The sections among a week page's toctree entries: those in the week's folder that
    are not one of its special pages."""
    folder = index.rsplit("/", 1)[0]
    return [
        entry
        for entry in entries
        if entry.startswith(f"{folder}/") and entry.rsplit("/", 1)[-1] not in (*SPECIAL_PAGES, "index")
    ]


def pages_within(index: str, includes: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    folder = index.rsplit("/", 1)[0]
    pages: list[str] = []
    pending = [index]
    while pending:
        docname = pending.pop()
        if docname in pages or not docname.startswith(f"{folder}/"):
            continue
        pages.append(docname)
        pending.extend(reversed(list(includes.get(docname, ()))))
    return tuple(pages)


def from_toctrees(root: str, includes: Mapping[str, Iterable[str]]) -> Course:
    """The layout from each page's toctree entries (docnames, in order). A build whose root
    is a week's page (that week's e-book) is a course of that one week."""
    weeks = []
    for entry in [root] if week_folder(root) else includes.get(root, []):
        folder = week_folder(entry)
        if folder and folder not in [week.name for week in weeks]:
            number = int(WEEK_FOLDER.fullmatch(folder)[1])
            sections = tuple(sections_among(entry, includes.get(entry, [])))
            weeks.append(Week(folder, number, sections, pages_within(entry, includes)))
    return Course(root, tuple(weeks))


def from_env(env: BuildEnvironment) -> Course:
    """The layout of the build that ``env`` belongs to, read once per build."""
    if env not in LAYOUTS:
        remember_layout(None, env)
    return LAYOUTS[env]


LAYOUTS: WeakKeyDictionary[BuildEnvironment, Course] = WeakKeyDictionary()


def remember_layout(app: Sphinx | None, env: BuildEnvironment) -> None:
    LAYOUTS[env] = from_toctrees(env.config.root_doc, env.toctree_includes)


# Reading the sources, for tools and tests: the toctrees of the root page and of each
# week page, parsed as MyST parses them.


def toctree_tokens(text: str) -> list:
    """The toctree directives of a MyST page, as markdown-it tokens (``map`` holds their lines)."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)
    return [
        token
        for token in parser.parse(text)
        if token.type in ("fence", "colon_fence") and token.info.strip().startswith("{toctree}")
    ]


def toctree_blocks(text: str) -> list[tuple[int, int]]:
    """For each toctree of a MyST page: the first line after its opening line and the
    line of its closing fence (0-based), so a tool can add an entry where MyST reads it."""
    return [(token.map[0] + 1, token.map[1] - 1) for token in toctree_tokens(text)]


def toctree_entries(srcdir: Path, docname: str) -> list[str]:
    """The docnames a MyST page's toctrees list, in order, resolved against its folder."""
    page = srcdir / f"{docname}.md"
    if not page.is_file():
        return []
    folder = posixpath.dirname(docname)
    entries = []
    for token in toctree_tokens(page.read_text(encoding="utf-8")):
        lines = [line.strip() for line in token.content.splitlines()]
        if lines and lines[0] == "---":  # options as a YAML block
            lines = lines[lines.index("---", 1) + 1 :] if "---" in lines[1:] else []
        for line in lines:
            if not line or line.startswith(":"):
                continue
            target = re.sub(r"^.*<(.+)>$", r"\1", line).removesuffix(".md")
            entries.append(
                target.lstrip("/")
                if target.startswith("/")
                else posixpath.normpath(posixpath.join(folder, target))
            )
    return entries


def from_source(srcdir: Path, root: str = "index") -> Course:
    """The layout as the next build will read it, from the sources alone."""
    includes = {root: toctree_entries(srcdir, root)}
    for entry in includes[root]:
        if week_folder(entry):
            includes[entry] = toctree_entries(srcdir, entry)
    return from_toctrees(root, includes)


def setup(app: Sphinx) -> ExtensionMetadata:
    # Early, so that every later handler of env-updated already finds the layout.
    app.connect("env-updated", remember_layout, priority=100)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
