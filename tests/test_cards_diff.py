"""`make cards-diff`, on a fixture repository with real commits."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from conftest import LOCKS, REPO

TOOL = REPO / "tools" / "cards_diff.py"
# As `make cards-diff` runs it: the extensions importable from _ext.
TOOL_ENV = {**os.environ, "PYTHONPATH": str(REPO / "_ext")}

FIRST = """# Boundaries

:::{metaphor} A dance floor
:name: metaphor-dance-floor

Think of boundaries like a dance floor.
:::

:::{reflection}
:name: reflect-boundaries

- Where do you say yes out of obligation?
- What does enough space feel like?
:::

:::{metaphor} Soil
:name: metaphor-soil

Think of soil.
:::
"""


def git(repo, *args):
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path):
    git(tmp_path, "init", "-q", "-b", "main")
    git(tmp_path, "config", "user.email", "contributor@example.invalid")
    git(tmp_path, "config", "user.name", "Contributor")
    (tmp_path / "week7").mkdir()
    (tmp_path / "week7" / "05-boundaries.md").write_text(FIRST)
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "fixture.md").write_text(":::{metaphor} Not content\nIgnored.\n:::\n")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-q", "-m", "First version")
    return tmp_path


def cards_diff(repo, base="main"):
    result = subprocess.run(
        [sys.executable, str(TOOL), base], cwd=repo, capture_output=True, text=True, env=TOOL_ENV
    )
    return result.returncode, result.stdout, result.stderr


def test_added_changed_and_removed_cards_by_id_with_their_page(repo):
    page = repo / "week7" / "05-boundaries.md"
    text = page.read_text().replace(
        "What does enough space feel like?", "What does enough space feel like to you?"
    )
    text = text.split(":::{metaphor} Soil")[0]
    page.write_text(text)
    (repo / "week7" / "06-soil.md").write_text(
        "# Soil\n\n:::{metaphor} Soil for a plant\n:name: metaphor-soil-plant\n\nThink of soil for a plant.\n:::\n"
    )
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Edit a prompt, move a metaphor")

    code, out, _ = cards_diff(repo, "HEAD~1")
    assert code == 0
    added = out.split("### Added")[1].split("###")[0]
    changed = out.split("### Changed")[1].split("###")[0]
    removed = out.split("### Removed")[1]
    assert "`metaphor-soil-plant` (metaphor “Soil for a plant”, week7/06-soil.md)" in added
    assert "`reflect-boundaries` (reflection, week7/05-boundaries.md)" in changed
    assert "> - What does enough space feel like?" in changed.split("after:")[0]
    assert "> - What does enough space feel like to you?" in changed.split("after:")[1]
    assert "metaphor-dance-floor" not in out, "an untouched card is not listed"
    assert "`metaphor-soil` (metaphor “Soil”, week7/05-boundaries.md)" in removed
    assert "Not content" not in out


def test_uncommitted_edits_count_and_no_change_says_so(repo):
    assert "No metaphor or reflection card changed." in cards_diff(repo)[1]
    page = repo / "week7" / "05-boundaries.md"
    page.write_text(
        page.read_text().replace(":::{metaphor} A dance floor", ":::{metaphor} A crowded dance floor")
    )
    out = cards_diff(repo)[1]
    assert "title: “A dance floor” → “A crowded dance floor”" in out


def test_an_unknown_base_is_a_clear_error(repo):
    code, out, err = cards_diff(repo, "no-such-branch")
    assert code == 2 and out == ""
    assert "'no-such-branch' is not a commit" in err and "Traceback" not in err


def test_a_renamed_card_is_reported_as_renamed(repo):
    page = repo / "week7" / "05-boundaries.md"
    page.write_text(page.read_text().replace(":name: metaphor-soil", ":name: metaphor-good-soil"))
    code, out, _ = cards_diff(repo)
    assert code == 0
    assert "### Renamed" in out
    assert "- `metaphor-soil` → `metaphor-good-soil` (metaphor “Soil”, week7/05-boundaries.md)" in out
    assert "### Added" not in out and "### Removed" not in out


def test_backtick_fences_and_rest_pages_are_read_too(repo):
    (repo / "week7" / "07-fenced.md").write_text(
        "# Fenced\n\n```{reflection}\n:name: reflect-fenced\n\n- Written with backticks?\n```\n"
    )
    (repo / "week7" / "08-rest.rst").write_text(
        "reST\n====\n\n.. metaphor:: A harbour\n   :name: metaphor-harbour\n\n   Think of a harbour.\n"
    )
    out = cards_diff(repo)[1]
    added = out.split("### Added")[1]
    assert "`reflect-fenced` (reflection, week7/07-fenced.md)" in added
    assert "`metaphor-harbour` (metaphor “A harbour”, week7/08-rest.rst)" in added
    assert "> Think of a harbour." in added


def test_an_unclosed_fence_is_a_problem_not_a_removal(repo):
    page = repo / "week7" / "05-boundaries.md"
    page.write_text(page.read_text().rstrip().removesuffix(":::").rstrip() + "\n")
    code, out, _ = cards_diff(repo)
    assert code == 1
    assert "week7/05-boundaries.md:16: the {metaphor} fence opened here is never closed" in out
    assert "### Removed" not in out


def test_make_prints_only_the_summary(repo):
    """What CI appends to the job summary: no make command lines, no pip output."""
    (repo / "requirements").mkdir(exist_ok=True)
    for name in ("Makefile", "pyproject.toml", *(f"requirements/{lock.name}" for lock in LOCKS)):
        shutil.copy2(REPO / name, repo / name)  # keeps the times, so make installs nothing
    shutil.copytree(REPO / "tools", repo / "tools", ignore=shutil.ignore_patterns("node_modules"))
    shutil.copytree(REPO / "_ext", repo / "_ext")
    result = subprocess.run(
        ["make", "-s", "cards-diff", "BASE=main", f"VENV={REPO / '.venv'}"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("## Cards changed since main"), result.stdout


def test_an_edit_to_the_authors_words_is_shown_to_the_reviewer(repo):
    """A typo fix proposed in the reference text itself, as the build's message says to
    propose one, is in the summary the reviewer reads, paragraph by paragraph."""
    (repo / "conf.py").write_text('course_text = {"week7": "tests/data/source.txt"}\n')
    (repo / "tests" / "data").mkdir()
    source = repo / "tests" / "data" / "source.txt"
    source.write_text("The first paragraph stays.\n\nA paragraph as it was first written.\n")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "The author's words")
    code, out, _ = cards_diff(repo)
    assert code == 0 and "The author's words" not in out
    source.write_text("The first paragraph stays.\n\nA paragraph as its author meant it.\n")
    code, out, _ = cards_diff(repo)
    assert code == 0
    assert "### The author's words" in out and "`tests/data/source.txt`, paragraph 2:" in out
    assert (
        "  > A paragraph as it was first written." in out and "  > A paragraph as its author meant it." in out
    )
    assert "The first paragraph stays." not in out
