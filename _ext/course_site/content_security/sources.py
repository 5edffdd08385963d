"""What a source file is before its words are read: a name in a plain alphabet, UTF-8 bytes,
and front matter that sets page metadata only.

File names reach links, the page's head and the footer; a page that is not UTF-8 would
stop Sphinx with a traceback; and MyST front matter can configure the parser itself
(``myst: enable_extensions: [substitution]`` evaluates Jinja with the build in reach). So
a page with an unsafe name or bytes that are not UTF-8 is left out of the build with a
warning at the file, and front matter keeps only the keys in ``FRONT_MATTER``, each
checked; everything else is a warning at its line and is not given to the parser."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import yaml

from .content import ALLOWED_META, warn

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment


# Each folder and file name: letters, digits, "_" and "-", with dots between them.
# libyaml's safe loader and dumper where PyYAML has them: the same rules, ten times faster.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
SAFE_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
SAFE_NAME = re.compile(r"[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*")
META_LENGTH = 1000


def leave_out_unsafe_sources(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """Before reading: pages whose name or bytes could not be built safely are not built."""
    for docname in list(docnames):
        path = env.doc2path(docname)
        problem = name_problem(docname) or encoding_problem(path.read_bytes())
        if problem:
            warn(
                f"{problem}; this page is left out of the site",
                "source",
                (docname, problem_line(path, problem)),
            )
            docnames.remove(docname)
            env.project.docnames.discard(docname)


def name_problem(docname: str) -> str | None:
    unsafe = [part for part in docname.split("/") if not SAFE_NAME.fullmatch(part)]
    if unsafe:
        return (
            f"the file name {unsafe[0]!r} holds characters a page name may not have; rename it "
            "with letters, digits, '-' and '_' only (e.g. '05-boundaries.md')"
        )
    return None


def encoding_problem(data: bytes) -> str | None:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        return (
            f"line {line} is not UTF-8 (byte {data[error.start]:#04x}); save the file as UTF-8 "
            "(in most editors: 'Save with encoding', 'UTF-8')"
        )
    return None


def problem_line(path, problem: str) -> int:
    found = re.match(r"line (\d+) ", problem)
    return int(found.group(1)) if found else 1


def front_matter_lines(lines: list[str]) -> int:
    """How many lines the front matter block takes, the fences included; 0 if none."""
    if not lines or lines[0].rstrip() != "---":
        return 0
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() in ("---", "..."):
            return number + 1
    return 0


def checked_html_meta(value, line: int, docname: str) -> dict[str, str]:
    if not isinstance(value, dict):
        warn("front matter 'myst: html_meta' must be a list of 'name: text' lines", "config", (docname, line))
        return {}
    kept = {}
    for name, content in value.items():
        if (
            str(name).lower() not in ALLOWED_META
            or not isinstance(content, str)
            or len(content) > META_LENGTH
        ):
            warn(
                f"front matter html_meta {str(name)!r} is not allowed; it may set "
                f"{', '.join(sorted(ALLOWED_META))}, each to text of at most {META_LENGTH} characters",
                "meta",
                (docname, line),
            )
            continue
        kept[str(name).lower()] = content
    return kept


def checked_front_matter(data: dict, key_lines: dict[str, int], docname: str) -> dict:
    """The front matter a page may have: ``myst: {html_meta: …}``, ``orphan`` and ``tocdepth``."""
    kept: dict = {}
    for key, value in data.items():
        line = key_lines.get(str(key), 1)
        if key == "myst" and isinstance(value, dict):
            for option, setting in value.items():
                if option == "html_meta":
                    kept.setdefault("myst", {})["html_meta"] = checked_html_meta(setting, line, docname)
                else:
                    warn(
                        f"front matter 'myst: {option}' would configure the parser for this page; pages "
                        "may not configure anything (conf.py does). Only 'myst: html_meta' is allowed",
                        "config",
                        (docname, line),
                    )
        elif key == "orphan" and isinstance(value, bool):
            kept[key] = value
        elif key == "tocdepth" and isinstance(value, int) and not isinstance(value, bool) and 0 < value < 7:
            kept[key] = value
        else:
            warn(
                f"front matter {str(key)!r} is not allowed; a page's front matter may set "
                "'myst: html_meta' (description, keywords, author, robots), 'orphan: true' and "
                "'tocdepth' (1 to 6)",
                "config",
                (docname, line),
            )
    return kept


def limit_front_matter(app: Sphinx, docname: str, source: list[str]) -> None:
    """The page's front matter given to MyST again, rebuilt from checked data and padded to
    its old length so every line of the page keeps its number."""
    if str(app.env.doc2path(docname)).endswith(".md"):
        limit_front_matter_of(docname, source)


def limit_included_front_matter(app: Sphinx, relative_path, parent_docname: str, source: list[str]) -> None:
    if str(relative_path).endswith(".md"):
        limit_front_matter_of(parent_docname, source)


def limit_front_matter_of(docname: str, source: list[str]) -> None:
    lines = source[0].splitlines(keepends=True)
    length = front_matter_lines(lines)
    if not length:
        return
    block = "".join(lines[1 : length - 1])
    try:
        data = yaml.load(block, Loader=SAFE_LOADER) if block.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        warn(f"the front matter is not valid YAML: {reason}; it is left out", "config", (docname, line))
        data = {}
    if not isinstance(data, dict):
        warn("the front matter must be 'key: value' lines; it is left out", "config", (docname, 2))
        data = {}
    key_lines = {
        match.group(1): number
        for number, line in enumerate(lines[1 : length - 1], start=2)
        if (match := re.match(r"([^\s#:][^:]*):", line))
    }
    kept = checked_front_matter(data, key_lines, docname)
    if kept:
        dumped = yaml.dump(kept, Dumper=SAFE_DUMPER, allow_unicode=True, sort_keys=False, width=10**6)
        block = "---\n" + dumped + "\n" * max(length - 2 - dumped.count("\n"), 0) + "---\n"
    else:
        block = "\n" * length
    source[0] = block + "".join(lines[length:])


def setup_sources(app: Sphinx) -> None:
    app.connect("env-before-read-docs", leave_out_unsafe_sources)
    # First, before any other extension reads the page's text.
    app.connect("source-read", limit_front_matter, priority=100)
    app.connect("include-read", limit_included_front_matter, priority=100)
