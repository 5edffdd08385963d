"""`make cards-diff BASE=<ref>`: the metaphors and reflection prompts a change adds, edits
and removes, by card id, with the page each is on, as Markdown for a pull request summary.

Reads the MyST sources of BASE (through git) and of the working tree; cards are the
colon-fenced ``metaphor`` and ``reflection`` directives, identified as the extension
identifies them: by ``:name:``, else by kind and title."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from docutils.nodes import make_id

NOT_CONTENT = ("tests/", "tools/", ".github/")
CARD = re.compile(
    r"^(?P<fence>:{3,})\{(?P<kind>metaphor|reflection)\}(?P<title>[^\n]*)\n"
    r"(?P<options>(?::[\w-]+:[^\n]*\n)*)(?P<body>.*?)^(?P=fence)[ \t]*$",
    re.M | re.S,
)


def cards(page: str, text: str) -> dict[str, dict]:
    found = {}
    for match in CARD.finditer(text):
        options = dict(re.findall(r"^:([\w-]+):[ \t]*(.*)$", match["options"], re.M))
        title = match["title"].strip()
        name = options.get("name") or options.get("label")
        # A named card keeps its id wherever it moves; an unnamed one is only known on its page.
        card_id = name or f"{page}#{make_id(match['kind'] + '-' + title)}"
        body = re.sub(r"[ \t]+", " ", match["body"].strip())
        found[card_id] = {"kind": match["kind"], "title": title, "body": body, "page": page}
    return found


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def cards_at(base: str, repo: Path) -> dict[str, dict]:
    found = {}
    for path in git("ls-tree", "-r", "--name-only", base, cwd=repo).splitlines():
        if path.endswith(".md") and not path.startswith(NOT_CONTENT):
            found.update(cards(path, git("show", f"{base}:{path}", cwd=repo)))
    return found


def cards_in_worktree(repo: Path) -> dict[str, dict]:
    paths = git("ls-files", "--cached", "--others", "--exclude-standard", "*.md", cwd=repo).splitlines()
    found = {}
    for path in sorted(set(paths)):
        if (repo / path).is_file() and not path.startswith(NOT_CONTENT):
            found.update(cards(path, (repo / path).read_text(encoding="utf-8")))
    return found


def describe(card_id: str, card: dict) -> str:
    title = f" “{card['title']}”" if card["title"] else ""
    return f"`{card_id}` ({card['kind']}{title}, {card['page']})"


def quote(text: str) -> str:
    return "\n".join(f"  > {line}" if line else "  >" for line in text.splitlines())


def report(base: str, old: dict[str, dict], new: dict[str, dict]) -> str:
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    changed = sorted(i for i in old.keys() & new.keys() if old[i] != new[i])
    lines = [f"## Cards changed since {base}", ""]
    if not (added or removed or changed):
        return "\n".join(lines + ["No metaphor or reflection card changed.", ""])
    if added:
        lines += ["### Added", ""]
        for card_id in added:
            lines += [f"- {describe(card_id, new[card_id])}", quote(new[card_id]["body"]), ""]
    if changed:
        lines += ["### Changed", ""]
        for card_id in changed:
            before, after = old[card_id], new[card_id]
            lines.append(f"- {describe(card_id, after)}")
            if before["page"] != after["page"]:
                lines.append(f"  moved from {before['page']}")
            if before["title"] != after["title"]:
                lines.append(f"  title: “{before['title']}” → “{after['title']}”")
            if before["body"] != after["body"]:
                lines += ["  before:", quote(before["body"]), "  after:", quote(after["body"])]
            lines.append("")
    if removed:
        lines += ["### Removed", ""]
        for card_id in removed:
            lines += [f"- {describe(card_id, old[card_id])}", quote(old[card_id]["body"]), ""]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: cards_diff.py BASE", file=sys.stderr)
        return 2
    repo = Path(git("rev-parse", "--show-toplevel", cwd=Path.cwd()).strip())
    known = subprocess.run(
        ["git", "rev-parse", "--verify", "--quiet", f"{argv[0]}^{{commit}}"],
        cwd=repo,
        capture_output=True,
        check=False,
    )
    if known.returncode:
        print(f"cards-diff: {argv[0]!r} is not a commit in this repository (try BASE=main)", file=sys.stderr)
        return 2
    print(report(argv[0], cards_at(argv[0], repo), cards_in_worktree(repo)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
