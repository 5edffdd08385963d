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

pytest_plugins = ("sphinx.testing.fixtures",)

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "_ext"))


def toctree_entries(page: Path) -> list[str]:
    """The entries of a MyST page's toctrees, in order (options and captions left out)."""
    text = page.read_text(encoding="utf-8")
    blocks = re.findall(r"^```\{toctree\}[^\n]*\n(.*?)^```", text, re.M | re.S)
    return [
        line.strip()
        for block in blocks
        for line in block.splitlines()
        if line.strip() and not line.startswith(":")
    ]


def week_folders(repo: Path = REPO) -> list[Path]:
    """Every week of the course: a folder week<N>/ with an index page, by number."""
    weeks = [p.parent for p in repo.glob("week*/index.md") if re.fullmatch(r"week\d+", p.parent.name)]
    return sorted(weeks, key=lambda week: int(week.name[4:]))


def section_pages(repo: Path = REPO) -> dict[str, list[str]]:
    """Each week's section pages (docnames), in the order of its toctree: the entries named
    like a section, NN-title."""
    return {
        week.name: [
            f"{week.name}/{entry}"
            for entry in toctree_entries(week / "index.md")
            if re.match(r"\d\d-", entry)
        ]
        for week in week_folders(repo)
    }


SECTION_PAGES = [page for pages in section_pages().values() for page in pages]
WEEK7_SECTIONS = section_pages()["week7"]
BUILDERS = ["html", "dirhtml", "singlehtml", "epub", "latex", "text", "man", "texinfo", "gettext", "xml"]
PEER_EXTENSIONS = "myst_parser,sphinx_design,course_cards,sphinx_exercise"


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
    """Builds of the real site, made on first use and shared by the whole session."""

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
        key = (builder, *options)
        if key not in self.results:
            outdir = self.base / "-".join(part.strip("-").replace("=", "_").replace(",", "_") for part in key)
            self.results[key] = (outdir, sphinx_build(REPO, outdir, builder, *options))


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> SiteBuilds:
    return SiteBuilds(tmp_path_factory.mktemp("site"))


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
