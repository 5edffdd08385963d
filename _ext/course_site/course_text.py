"""course_site.course_text: the course author's words stay word for word.

``course_text`` in conf.py maps a week's folder to a plain-text copy of the author's text
for it (paragraphs separated by blank lines). Every paragraph of that text must be a
paragraph of one of the week's pages, as the build read it. One that is not is reported
where it went astray: at the page paragraph that is nearest to it ("this paragraph of the
course text changed", with the words that differ), or, when no paragraph is near, at its
line in the reference. Warnings are typed ``course_text.changed`` and ``course_text.missing`` (and
``course_text.reference`` for a reference file that is not there);
the check runs on every HTML build, so it fails again until the words are restored.
Headings (lines not ending a sentence) are titles and left to the page's own title."""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

# Below this likeness a page paragraph is not taken for an edited copy of the author's.
NEAR = 0.6
SENTENCE_END = (".", "?", "!", "”", ")", '"')


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ")).strip()


def reference_paragraphs(path: Path) -> list[tuple[int, str]]:
    """(line, paragraph) for every paragraph of the author's text."""
    found, start, block = [], 1, []
    for number, line in enumerate([*path.read_text(encoding="utf-8").splitlines(), ""], 1):
        if line.strip():
            start = start if block else number
            block.append(line)
        elif block:
            text = normalise(" ".join(block))
            if text.endswith(SENTENCE_END):
                found.append((start, text))
            block = []
    return found


def page_paragraphs(env: BuildEnvironment, folder: str) -> list[tuple[str, int, str]]:
    return [
        (docname, paragraph.line or 1, normalise(paragraph.astext()))
        for docname in sorted(env.found_docs)
        if docname.startswith(f"{folder}/")
        for paragraph in env.get_doctree(docname).findall(nodes.paragraph)
    ]


def differing_words(theirs: str, ours: str) -> str:
    """The words only the author's paragraph has (-) and only the page's has (+)."""
    changes = [
        f"{line[0]}{line[2:]}" for line in difflib.ndiff(theirs.split(), ours.split()) if line[0] in "+-"
    ]
    return " ".join(changes[:12]) + (" …" if len(changes) > 12 else "")


def setting_in_conf(conf: Path) -> str:
    """``conf.py:<line>`` of the ``course_text`` setting (line 1 when set elsewhere)."""
    lines = conf.read_text(encoding="utf-8").splitlines() if conf.is_file() else []
    line = next((number for number, text in enumerate(lines, 1) if text.startswith("course_text")), 1)
    return f"{conf}:{line}"


def check_course_text(app: Sphinx, env: BuildEnvironment) -> None:
    if app.builder.format != "html" or app.builder.name.startswith("epub"):
        return
    for folder, reference in app.config.course_text.items():
        path = Path(app.confdir, reference)
        if not path.is_file():
            logger.warning(
                "course_text names %s for %s/, which does not exist; give the path of the author's "
                "text, from the folder of conf.py",
                reference,
                folder,
                location=setting_in_conf(Path(app.confdir, "conf.py")),
                type="course_text",
                subtype="reference",
            )
            continue
        on_pages = page_paragraphs(env, folder)
        texts = {text for _, _, text in on_pages}
        for line, paragraph in reference_paragraphs(path):
            if paragraph in texts:
                continue
            likeness, docname, at = max(
                (
                    (difflib.SequenceMatcher(None, paragraph, text).ratio(), docname, at)
                    for docname, at, text in on_pages
                    if difflib.SequenceMatcher(None, paragraph, text).quick_ratio() >= NEAR
                ),
                default=(0.0, "", 0),
            )
            if likeness >= NEAR:
                text = next(t for d, a, t in on_pages if (d, a) == (docname, at))
                logger.warning(
                    "this paragraph of the course text changed (%s:%d); restore the author's words (-) "
                    "where the page has others (+): %s; to propose a change to the author's words "
                    "themselves, make it in %s too: `make cards-diff` and the pull request's summary "
                    "show it to the reviewer",
                    reference,
                    line,
                    differing_words(paragraph, text),
                    reference,
                    location=(docname, at),
                    type="course_text",
                    subtype="changed",
                )
            else:
                logger.warning(
                    "this paragraph of the course text is on no page of %s/; put it back word for word: %r",
                    folder,
                    paragraph[:80] + ("…" if len(paragraph) > 80 else ""),
                    location=f"{path}:{line}",
                    type="course_text",
                    subtype="missing",
                )


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("course_text", {}, "", types=frozenset({dict}))
    # env-updated, not env-check-consistency: Sphinx skips the latter when no page was read.
    app.connect("env-updated", check_course_text)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
