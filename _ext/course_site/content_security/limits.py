"""Every build ends: content cannot make a build crash, run out of memory or recurse
without end.

- Options that choose code or size work are checked before the directive runs: no
  ``:parser:`` (docutils imports the module it names), ``:encoding:`` only a text encoding
  of ``TEXT_ENCODINGS``, ``:tab-width:`` and line numbers within bounds.
- A page's parse is bounded: nesting deeper than ``MAX_DEPTH`` is cut there, and a parse
  that recurses without end (a page that includes itself) ends with the page empty.
Each is a located warning ``content_security.limit``."""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives

from . import content

if TYPE_CHECKING:
    from sphinx.application import Sphinx

TEXT_ENCODINGS = frozenset(
    {"utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "ascii", "iso8859-1", "iso8859-15", "cp1252"}
)
MAX_TAB_WIDTH = 16
MAX_LINE = 100_000
MAX_DEPTH = 64


class Refused(ValueError):
    pass


def text_encoding(value: str) -> str:
    try:
        name = codecs.lookup(value.strip()).name
    except LookupError:
        name = ""
    if name not in TEXT_ENCODINGS:
        raise Refused(f":encoding: {value!r} is not allowed; use one of utf-8, utf-16, latin-1, cp1252")
    return name


def tab_width(value: str) -> int:
    width = directives.nonnegative_int(value)
    if not 0 < width <= MAX_TAB_WIDTH:
        raise Refused(f":tab-width: {value!r} is out of bounds; use 1 to {MAX_TAB_WIDTH}")
    return width


def line_numbers(value: str) -> str:
    if any(int(number) > MAX_LINE for number in re.findall(r"\d+", value)):
        raise Refused(
            f"line numbers {value!r} are out of bounds; no file here has more than {MAX_LINE} lines"
        )
    return value


def no_parser(value: str) -> str:
    raise Refused(":parser: is not allowed; content may not choose the code that reads it")


LIMITS = {
    "encoding": text_encoding,
    "tab-width": tab_width,
    "emphasize-lines": line_numbers,
    "lines": line_numbers,
    "lineno-start": line_numbers,
    "start-line": line_numbers,
    "end-line": line_numbers,
    "parser": no_parser,
}


def warn(message: str, location) -> None:
    content.warn(message, "limit", location)


class BoundedOptions:
    """A directive whose options of ``LIMITS`` are read as text and checked before it runs."""

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        cls.option_spec = {
            name: (directives.unchanged if name in LIMITS else converter)
            for name, converter in (cls.option_spec or {}).items()
        }

    def run(self):
        for name, check in LIMITS.items():
            if name in self.options:
                try:
                    checked = check(self.options[name])
                except (Refused, ValueError) as error:
                    warn(f"{self.name}: {error}", self.get_location())
                    return []
                self.options[name] = checked
        return super().run()


def bounded(directive: type) -> type:
    """``directive`` with its limited options checked first."""
    return type(directive.__name__, (BoundedOptions, directive), {})


def depth_cuts(document: nodes.document) -> list[nodes.Element]:
    """The elements at ``MAX_DEPTH`` that held more, their children dropped."""
    cut = []
    stack: list[tuple[nodes.Node, int]] = [(document, 0)]
    while stack:
        node, depth = stack.pop()
        if not isinstance(node, nodes.Element):
            continue
        if depth >= MAX_DEPTH and node.children:
            node.children = []
            cut.append(node)
            continue
        stack.extend((child, depth + 1) for child in node.children)
    return cut


def bounded_parser(parser: type) -> type:
    class BoundedParser(parser):
        def parse(self, inputstring, document):
            try:
                super().parse(inputstring, document)
            except RecursionError:
                document.children = []
                # Parsed again with nothing to read, so the parser's own settings are in place.
                super().parse("", document)
                docname = document.settings.env.current_document.docname
                document += nodes.section(
                    "",
                    nodes.title("", docname.rpartition("/")[2]),
                    nodes.paragraph("", "This page could not be built; the build's warnings say why."),
                    ids=["page-left-empty"],
                )
                warn(
                    "this page nests or includes itself without end; it was built empty. "
                    "Check its includes and its directives' closing fences",
                    (document.settings.env.current_document.docname, 1),
                )
                return
            if cut := depth_cuts(document):
                warn(
                    f"content here is nested more than {MAX_DEPTH} levels deep; what is deeper was left out",
                    cut[0] if cut[0].line else (document.settings.env.current_document.docname, 1),
                )

    BoundedParser.__name__ = BoundedParser.__qualname__ = f"Bounded{parser.__name__}"
    return BoundedParser


def bound_parsers(app: Sphinx) -> None:
    parsers = app.registry.source_parsers
    for filetype, parser in list(parsers.items()):
        if not parser.__name__.startswith("Bounded"):
            parsers[filetype] = bounded_parser(parser)
