"""week_ebooks: every week as an EPUB, made by the same HTML build and linked from the
week's landing page ("Download this week as an e-book"), for reading offline.

Each e-book is a strict EPUB build of one week's pages alone (``include_patterns``), with
the notes switched off (an e-reader cannot keep them), into a doctree folder of its own
beside the HTML build's, so a rebuild only re-reads what changed. A failed e-book build is
a warning of the HTML build, typed ``week_ebooks.build``."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

logger = logging.getLogger(__name__)

FOLDER = "ebooks"
WEEK_INDEX = re.compile(r"(week\d+)/index")


def builds_ebooks(app: Sphinx) -> bool:
    return app.config.week_ebooks and app.builder.name == "html"


def book_name(app: Sphinx, week: str) -> str:
    return f"{re.sub(r'[^a-z0-9]+', '-', app.config.project.lower()).strip('-')}-{week}"


def weeks(app: Sphinx) -> list[str]:
    return sorted({match[1] for docname in app.env.found_docs if (match := WEEK_INDEX.fullmatch(docname))})


# The weeks with a page written by this build (serial builds): only their e-books are
# made again.
WRITTEN: set[str] = set()


def link_from_the_week_page(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The page template shows the download link where ``week_ebook`` is set."""
    match = WEEK_INDEX.fullmatch(pagename)
    if match and builds_ebooks(app):
        context["week_ebook"] = f"{FOLDER}/{book_name(app, match[1])}.epub"
    if week := re.match(r"(week\d+)/", pagename):
        WRITTEN.add(week[1])


def build_ebooks(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not builds_ebooks(app):
        return
    target = Path(app.outdir) / FOLDER
    target.mkdir(exist_ok=True)
    for week in weeks(app):
        # Pages written in parallel are recorded in other processes: then always rebuild.
        unchanged = week not in WRITTEN and app.parallel <= 1
        if unchanged and (target / f"{book_name(app, week)}.epub").is_file():
            continue
        work = Path(f"{app.doctreedir}-{week}-epub")
        title = app.env.titles[f"{week}/index"].astext()
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-b",
            "epub",
            "-W",
            "-n",
            "--keep-going",
            "-q",
            "-d",
            str(work / "doctrees"),
            "-D",
            f"root_doc={week}/index",
            "-D",
            f"include_patterns={week}/**",
            "-D",
            "course_cards_notes=0",
            "-D",
            "week_ebooks=0",
            "-D",
            f"epub_title={app.config.project}: {title}",
            "-D",
            f"epub_basename={book_name(app, week)}",
            str(app.srcdir),
            str(work / "epub"),
        ]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        book = work / "epub" / f"{book_name(app, week)}.epub"
        if result.returncode or not book.is_file():
            logger.warning(
                "the e-book of %s did not build:\n%s",
                week,
                result.stderr.strip(),
                type="week_ebooks",
                subtype="build",
            )
            continue
        shutil.copyfile(book, target / book.name)
    WRITTEN.clear()


def setup(app: Sphinx) -> ExtensionMetadata:
    app.add_config_value("week_ebooks", False, "html", types=frozenset({bool}))
    app.connect("html-page-context", link_from_the_week_page)
    app.connect("build-finished", build_ebooks)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
