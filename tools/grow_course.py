"""`make grown-test`: the whole suite on a copy of the course grown as CONTRIBUTING says.

A clone of the current commit, in a temporary folder, grows by CONTRIBUTING's own commands
(the `make new-section …` and `make new-week …` of its "Adding a section or a week"), has
every ``[WRITE: …]`` filled in as an author would, and is committed; then CI's steps
(``.ci/run``: make browser-deps, make test) run there. A test that names a week's pages, a
last section or a count fails here, where its author sees it. The copy is removed when the
suite passes and kept, to look into, when it fails."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# The variables of a make that started this tool: they would change what the copy's make
# prints and plans (PYTEST_ARGS in the environment, if set, is handed on).
MAKE_VARIABLES = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL"}
GUIDE_SECTION = "## Adding a section or a week"
SCAFFOLD_COMMAND = re.compile(r"make new-(section|week) .*")
PLACEHOLDER = re.compile(r"\[WRITE: ([^\]]*)\]")
# What an author writes for each placeholder, by the start of its hint: what the shape
# rules ask (a description, a metaphor opening with "Think of", two prompts), in the
# course's voice.
WORDS = {
    "one sentence on what this section is about": "A gentle look at one more part of this week's theme.",
    "one sentence on what Week": "This week looks at staying close to the people who feel safe to you.",
    "the section's text": "You might take this part slowly. There is room here for whatever you notice.",
    "the image's title": "A lantern by the door",
    "the image, in a sentence or two": (
        "a lantern left on by the door: it does not pull you home, it shows the way when you are ready."
    ),
    "a first prompt": "What helps you feel a little more at ease with someone you trust?",
    "a second prompt": "When did you last notice a moment of closeness, however small?",
    "one sentence on what the reader finds in this section": "An image and two gentle questions.",
    "a few sentences that welcome the reader": (
        "Welcome to this week. You might read it in one sitting or over several days, at your own pace."
    ),
}


def guide_commands(guide: str) -> list[str]:
    """The scaffold commands of CONTRIBUTING's "Adding a section or a week", in its order."""
    section = guide.split(GUIDE_SECTION, 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"^```sh\n(.*?)^```", section, re.M | re.S)
    return [line for block in blocks for line in block.splitlines() if SCAFFOLD_COMMAND.fullmatch(line)]


def words_for(hint: str) -> str:
    for start, words in WORDS.items():
        if hint.startswith(start):
            return words
    raise SystemExit(f"grow_course: no words for [WRITE: {hint}]; add them to WORDS in tools/grow_course.py")


def fill_in(course: Path) -> list[Path]:
    """Replaces every placeholder of the course's pages, as an author would; the pages changed."""
    filled = []
    for page in sorted(course.glob("week*/*.md")):
        text = page.read_text(encoding="utf-8")
        written = PLACEHOLDER.sub(lambda marker: words_for(marker.group(1)), text)
        if written != text:
            page.write_text(written, encoding="utf-8")
            filled.append(page)
    return filled


def as_in_ci() -> dict[str, str]:
    """The environment with the copy's make a make of its own, as CI's is."""
    return {name: value for name, value in os.environ.items() if name not in MAKE_VARIABLES}


def run(course: Path, *command: str) -> None:
    subprocess.run(command, cwd=course, env=as_in_ci(), check=True)


def grow(course: Path) -> None:
    commands = guide_commands((course / "CONTRIBUTING.md").read_text(encoding="utf-8"))
    if not commands:
        raise SystemExit(f"grow_course: CONTRIBUTING's {GUIDE_SECTION!r} shows no `make new-…` command")
    for command in commands:
        print(f"grow_course: {command}", flush=True)
        run(course, "bash", "-c", command)
    for page in fill_in(course):
        print(f"grow_course: filled in {page.relative_to(course)}", flush=True)
    run(course, "git", "add", "-A")
    author = ["-c", "user.name=Course author", "-c", "user.email=author@example.invalid"]
    run(course, "git", *author, "commit", "--quiet", "-m", "The course grown as CONTRIBUTING says")


def main() -> int:
    commit = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout.strip()
    changed = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
    ).stdout
    if changed:
        print(f"grow_course: uncommitted changes are not tested; the copy is of commit {commit[:12]}.")
    work = Path(tempfile.mkdtemp(prefix="grown-course."))
    course = work / "course"
    try:
        run(work, "git", "clone", "--quiet", "--no-hardlinks", str(REPO), str(course))
        run(course, "git", "switch", "--quiet", "--detach", commit)
        run(course, "git", "switch", "--quiet", "-c", "grow-the-course")
        grow(course)
    except subprocess.CalledProcessError as failed:
        print(f"grow_course: {' '.join(failed.cmd)} failed; the copy is in {course}.", file=sys.stderr)
        return failed.returncode
    tested = subprocess.run(["bash", ".ci/run"], cwd=course, env=as_in_ci(), check=False)
    if tested.returncode != 0:
        print(f"grow_course: the suite FAILED on the grown course; it is in {course}.", file=sys.stderr)
        return tested.returncode
    shutil.rmtree(work)
    print(f"grow_course: the whole suite passed on the course grown from {commit[:12]}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
