"""`make cards-diff`, on a fixture repository with real commits."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import REPO

TOOL = REPO / "tools" / "cards_diff.py"

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
    result = subprocess.run([sys.executable, str(TOOL), base], cwd=repo, capture_output=True, text=True)
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
