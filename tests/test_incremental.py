"""Incremental builds write what clean builds write (issue #25): a copy of the real site
is edited as a contributor would, one kind of edit after another, and after each edit
the rebuilt output is compared byte for byte with a clean build of the same sources,
serial and with two processes. Nothing is excluded from the comparison: pages, search
index, collected pages and each week's e-book are all compared."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import REPO, sphinx_build, two_at_a_time

# Everything a build of the site reads: the repository but its tooling and build output,
# and of the tests only the author's reference text.
NOT_SITE = {".git", ".venv", "_build", "tests", "tools", ".github", ".ci", ".pytest_cache", ".ruff_cache"}
WEEK = "week7"


def copy_site(dest: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", "node_modules")
    dest.mkdir(parents=True)
    for source in REPO.iterdir():
        if source.name in NOT_SITE:
            continue
        if source.is_dir():
            shutil.copytree(source, dest / source.name, ignore=ignore)
        else:
            shutil.copy(source, dest / source.name)
    shutil.copytree(REPO / "tests" / "data", dest / "tests" / "data")
    return dest


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def section(source: Path, number: int) -> Path:
    (page,) = (source / WEEK).glob(f"{number:02d}-*.md")
    return page


def edit_a_paragraph(source: Path) -> None:
    edit(section(source, 3), "It’s survival.", "It’s how you survived.")


def retitle_a_section(source: Path) -> None:
    edit(
        section(source, 3), "# The Difference Between Connection and Compliance", "# Connection or Compliance"
    )


def grid_card(text: str, page: str) -> str:
    """The week page's landing-grid card that links to ``page``."""
    return re.search(rf"^:::\{{grid-item-card\}}[^\n]*\n:link: {page}\n.*?^:::\n\n", text, re.M | re.S)[0]


def reorder_the_toctree(source: Path) -> None:
    index = source / WEEK / "index.md"
    text = index.read_text(encoding="utf-8")
    fifth, sixth = section(source, 5).stem, section(source, 6).stem
    toctree = text[text.index("```{toctree}") :]
    swapped = toctree.replace(f"{fifth}\n{sixth}\n", f"{sixth}\n{fifth}\n")
    assert swapped != toctree
    cards = grid_card(text, fifth) + grid_card(text, sixth)
    text = text.replace(cards, grid_card(text, sixth) + grid_card(text, fifth))
    index.write_text(text.replace(toctree, swapped), encoding="utf-8")


def week_copy(text: str, suffix: str) -> str:
    """A page's text with its card names made unique."""
    return re.sub(r"^(:name: [\w-]+)$", rf"\1-{suffix}", text, flags=re.M)


def add_a_section(source: Path) -> None:
    last = section(source, 8)
    text = week_copy(last.read_text(encoding="utf-8"), "again")
    heading = re.search(r"^# .*$", text, re.M)[0]
    (source / WEEK / "09-once-more.md").write_text(text.replace(heading, "# Once More"), encoding="utf-8")
    index = source / WEEK / "index.md"
    edit(index, f"{last.stem}\nworkbook", f"{last.stem}\n09-once-more\nworkbook")
    card = grid_card(index.read_text(encoding="utf-8"), last.stem)
    new_card = re.sub(r"(grid-item-card\} )[^\n]*", r"\g<1>9. Once More", card).replace(
        last.stem, "09-once-more"
    )
    edit(index, card, card + new_card)


def remove_a_section(source: Path) -> None:
    page = source / WEEK / "09-once-more.md"
    page.unlink()
    index = source / WEEK / "index.md"
    edit(index, grid_card(index.read_text(encoding="utf-8"), "09-once-more"), "")
    edit(index, "09-once-more\n", "")


def retitle_a_card(source: Path) -> None:
    edit(section(source, 3), ":::{metaphor} An echo and a conversation", ":::{metaphor} An echo, and a voice")


def rename_a_card(source: Path) -> None:
    # As CONTRIBUTING says: the old name stays in :formerly:, so readers' notes follow.
    edit(
        section(source, 3),
        ":name: metaphor-echo\n",
        ":name: metaphor-echo-and-voice\n:formerly: metaphor-echo\n",
    )


def delete_a_card(source: Path) -> None:
    page = section(source, 3)
    text = page.read_text(encoding="utf-8")
    card = re.search(r"^:::\{metaphor\}.*?^:::\n\n", text, re.M | re.S)[0]
    page.write_text(text.replace(card, ""), encoding="utf-8")
    # Removed on purpose: its line leaves the published ids, as the build's warning says.
    edit(source / "published-card-ids.txt", f"{WEEK}/{page.stem} metaphor-echo\n", "")


def add_a_week(source: Path) -> None:
    week = source / "week8"
    week.mkdir()
    for page in (source / WEEK).glob("*.md"):
        text = week_copy(page.read_text(encoding="utf-8"), "week8").replace(
            f":from: {WEEK}/", ":from: week8/"
        )
        (week / page.name).write_text(text.replace("# Week 7 –", "# Week 8 –"), encoding="utf-8")
    edit(source / "index.md", f"\n{WEEK}/index\n```", f"\n{WEEK}/index\nweek8/index\n```")


EDITS = [
    edit_a_paragraph,
    retitle_a_section,
    reorder_the_toctree,
    add_a_section,
    remove_a_section,
    retitle_a_card,
    rename_a_card,
    delete_a_card,
    add_a_week,
]


@pytest.mark.parametrize("jobs", [(), ("-j", "2")], ids=["serial", "parallel"])
def test_after_every_kind_of_edit_the_rebuild_equals_a_clean_build(tmp_path, jobs):
    source = copy_site(tmp_path / "src")
    # A section keeps one metaphor card and the author's words; this test deletes a card
    # and edits a paragraph to see the change go everywhere.
    options = ("-D", "suppress_warnings=course_shape.metaphor,course_text", *jobs)
    kept = tmp_path / "kept"

    def build(out: Path):
        return sphinx_build(source, out, "html", *options)

    first = build(kept)
    assert first.returncode == 0 and not first.stderr, first.stderr
    for step, change in enumerate(EDITS):
        before = files(kept)
        change(source)
        clean = tmp_path / f"clean-{step}"
        rebuilt, fresh = two_at_a_time(build, [kept, clean])
        for result in (rebuilt, fresh):
            assert result.returncode == 0 and not result.stderr, f"{change.__name__}: {result.stderr}"
        after, expected = files(kept), files(clean)
        assert after != before, change.__name__  # not vacuous: the edit shows
        assert after.keys() == expected.keys(), (
            f"{change.__name__}: only rebuilt {sorted(after.keys() - expected.keys())}, "
            f"only clean {sorted(expected.keys() - after.keys())}"
        )
        differing = sorted(name for name in expected if after[name] != expected[name])
        assert not differing, f"{change.__name__}: differ from a clean build: {differing}"
        shutil.rmtree(clean)
        shutil.rmtree(clean.with_name(clean.name + ".doctrees"))
