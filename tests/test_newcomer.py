"""A newcomer's first contribution, scripted: in a copy of the repository, add a section
and a week with the scaffolds, fill them in, and the strict build and the structure tests
pass; a typo fails `make html` on the first run and on the second; a renamed card shows as
renamed in cards-diff. Uses this checkout's virtualenv, so nothing is installed."""

from __future__ import annotations

import os
import subprocess
import sys
from itertools import chain, count
from pathlib import Path

import pytest

from conftest import LOCKS, REPO
from course_site import structure

sys.path.insert(0, str(REPO / "tools"))
from grow_course import fill_in  # noqa: E402

VENV = REPO / ".venv"


def run(clone: Path, *command: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    return subprocess.run(command, cwd=clone, capture_output=True, text=True, check=False, env=environment)


def make(clone: Path, *arguments: str) -> subprocess.CompletedProcess:
    # The e-books are tested elsewhere; here they would only add a build per run.
    return run(
        clone, "make", "--no-print-directory", f"VENV={VENV}", "SPHINXOPTS=-D week_ebooks=0", *arguments
    )


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """The repository as a contributor's fresh clone has it: tracked and new files, committed."""
    target = tmp_path_factory.mktemp("newcomer") / "course"
    files = run(REPO, "git", "ls-files", "-co", "--exclude-standard").stdout.splitlines()
    for name in files:
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_bytes(source.read_bytes())
            os.utime(target / name, (source.stat().st_atime, source.stat().st_mtime))
    for command in (
        ("git", "init", "-q", "-b", "main"),
        ("git", "-c", "user.name=Newcomer", "-c", "user.email=newcomer@example.invalid", "add", "-A"),
        (
            "git",
            "-c",
            "user.name=Newcomer",
            "-c",
            "user.email=newcomer@example.invalid",
            "commit",
            "-qm",
            "Clone",
        ),
    ):
        assert run(target, *command).returncode == 0
    return target


# The tests that depend on the course's layout, run in the grown copy, sharing one html
# build of it. (The singlehtml test of test_builders counts grid cards the same way, from
# course_site.structure; its build beside sphinx-exercise would double this test's time.)
GROWN_TESTS = [
    "tests/test_structure.py",
    "tests/test_shape.py",
    "tests/test_site.py",
    "tests/test_bench.py::test_every_variant_keeps_every_card_of_every_week",
    "tests/test_browser.py::test_the_page_list_is_every_built_page",
    "tests/test_reading.py::test_next_links_walk_the_course_and_never_enter_the_contributor_pages",
    "tests/test_reading.py::test_collected_pages_read_as_pages",
]


def untaken_title(week: structure.Week) -> tuple[str, str]:
    """CONTRIBUTING's example title and its file name, or in a course already grown by it
    (`make grown-test`), the first numbered one no section has."""
    names = {section.split("/")[-1][3:] for section in week.sections}
    titles = chain(
        [("Resting Together", "resting-together")],
        ((f"Resting Together {n}", f"resting-together-{n}") for n in count(2)),
    )
    return next((title, name) for title, name in titles if name not in names)


def test_a_course_grown_as_contributing_says_builds_strictly_and_passes_the_structure_tests(clone):
    """CONTRIBUTING's recipe, followed literally: a section in an existing week, a new week
    with two sections, every placeholder written (as `make grown-test` writes them).
    Nothing in tests/ is touched."""
    course = structure.from_source(clone)
    first = course.weeks[0]
    title, name = untaken_title(first)
    added = make(clone, "new-section", f"WEEK={first.number}", f"TITLE={title}")
    assert added.returncode == 0, added.stderr
    section = f"{first.name}/{len(first.sections) + 1:02d}-{name}"
    assert f"created {section}.md" in added.stdout
    new = max(week.number for week in course.weeks) + 1
    for command in (
        ("new-week", f"WEEK={new}", "TITLE=Staying Close"),
        ("new-section", f"WEEK={new}", "TITLE=Second Steps"),
    ):
        result = make(clone, *command)
        assert result.returncode == 0, result.stderr

    grown = structure.from_source(clone)
    assert grown.week(first.name).sections == (*first.sections, section)
    assert grown.week(f"week{new}").sections == (f"week{new}/01-introduction", f"week{new}/02-second-steps")

    unfilled = make(clone, "html")
    assert unfilled.returncode != 0, "the strict build refuses placeholders"
    assert (
        f"week{new}/01-introduction.md:1: WARNING: the page description is still a placeholder"
        in unfilled.stderr
    )
    assert "[course_shape.placeholder]" in unfilled.stderr

    fill_in(clone)
    built = make(clone, "html")
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr
    assert (clone / "_build" / "html" / f"week{new}" / "02-second-steps.html").is_file()
    published = (clone / "published-card-ids.txt").read_text(encoding="utf-8").splitlines()
    assert f"{section} reflect-{first.name}-{name}" in published, "scaffolds record ids"
    assert f"week{new}/01-introduction metaphor-week{new}-introduction" in published

    tests = run(clone, sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *GROWN_TESTS)
    assert tests.returncode == 0, tests.stdout[-3000:]
    assert "passed" in tests.stdout and " skipped" not in tests.stdout, tests.stdout[-500:]
    collected = run(clone, sys.executable, "-m", "pytest", "--collect-only", "-q", "tests/test_structure.py")
    assert f"week{new}" in collected.stdout


def test_a_typo_fails_the_build_on_every_run_until_fixed(clone):
    page = clone / "week7" / "05-boundaries-in-connection.md"
    original = page.read_text(encoding="utf-8")
    assert make(clone, "html").returncode == 0
    page.write_text(
        original.replace(":name: reflect-boundaries", ":nmae: reflect-boundaries"), encoding="utf-8"
    )
    try:
        for attempt in ("first", "second"):
            result = make(clone, "html")
            assert result.returncode != 0, f"the {attempt} run must fail too"
            assert "unknown option :nmae:" in result.stderr, attempt
    finally:
        page.write_text(original, encoding="utf-8")
    assert make(clone, "html").returncode == 0, "fixed, it is green again"
    unchanged = make(clone, "html")
    assert unchanged.returncode == 0
    # Sphinx may say "The configuration has changed" (Furo and sphinx-design extend
    # html_css_files and html_static_path as they start); what counts is that nothing is
    # read or written again.
    assert "0 added, 0 changed, 0 removed" in unchanged.stdout, "an unchanged rerun reads nothing again"
    assert "writing output... [" not in unchanged.stdout, "and writes no page again"


def test_an_old_python_is_told_early_and_distclean_removes_a_broken_virtualenv(tmp_path):
    old = tmp_path / "python3.10"
    old.write_text('#!/bin/sh\n[ "$1" = "--version" ] && echo "Python 3.10.12"\nexit 1\n')
    old.chmod(0o755)
    (tmp_path / "requirements").mkdir(exist_ok=True)
    for name in ("Makefile", "pyproject.toml", *(f"requirements/{lock.name}" for lock in LOCKS)):
        (tmp_path / name).write_bytes((REPO / name).read_bytes())
    result = run(tmp_path, "make", "--no-print-directory", f"PYTHON={old}", "html")
    assert result.returncode != 0
    assert "needs Python 3.11 or newer" in result.stdout and "Python 3.10.12" in result.stdout
    assert not (tmp_path / ".venv").exists(), "no half-made virtualenv is left"
    (tmp_path / ".venv" / "bin").mkdir(parents=True)  # as a failed install leaves it
    assert run(tmp_path, "make", "--no-print-directory", "distclean").returncode == 0
    assert not (tmp_path / ".venv").exists()


def test_a_renamed_card_shows_as_renamed(clone):
    page = clone / "week7" / "05-boundaries-in-connection.md"
    original = page.read_text(encoding="utf-8")
    page.write_text(
        original.replace(":name: metaphor-dance-floor", ":name: metaphor-a-dance-floor"), encoding="utf-8"
    )
    try:
        result = make(clone, "-s", "cards-diff", "BASE=HEAD")
        assert result.returncode == 0, result.stderr
        assert "### Renamed" in result.stdout
        assert "`metaphor-dance-floor` → `metaphor-a-dance-floor`" in result.stdout
    finally:
        page.write_text(original, encoding="utf-8")
