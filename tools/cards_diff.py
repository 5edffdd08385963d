"""`make cards-diff BASE=<ref>`: the metaphors and reflection prompts a change adds, edits,
renames and removes, by card id, with the page each is on, as Markdown for a pull request
summary.

Reads the sources of BASE (through git) and of the working tree with real parsers: MyST
pages with MyST's own markdown-it setup (colon and backtick fences alike), reStructuredText
pages with docutils. Cards are identified as the extension identifies them: by ``:name:``,
else by kind and title. A fence that is never closed is reported, since MyST would
silently run it to the end of the page."""

from __future__ import annotations

import difflib
import re
import subprocess
import sys
from pathlib import Path

from docutils.core import publish_doctree
from docutils.parsers.rst import Directive, directives
from markdown_it.renderer import RendererHTML
from myst_parser.config.main import MdParserConfig
from myst_parser.parsers.mdit import create_md_parser

import course_cards

NOT_CONTENT = ("tests/", "tools/", ".github/")
KINDS = ("metaphor", "reflection")
MARKDOWN = create_md_parser(MdParserConfig(enable_extensions={"colon_fence"}), RendererHTML)


def card(page: str, kind: str, title: str, options: dict[str, str], body: str) -> tuple[str, dict]:
    name = options.get("name") or options.get("label") or ""
    # A named card keeps its id wherever it moves; an unnamed one is only known on its page.
    known_as = (
        course_cards.card_id(kind, title, name) if name else f"{page}#{course_cards.card_id(kind, title)}"
    )
    return known_as, {
        "kind": kind,
        "title": title,
        "body": re.sub(r"[ \t]+", " ", body.strip()),
        "page": page,
    }


def split_options(content: str) -> tuple[dict[str, str], str]:
    """A MyST directive's ``:key: value`` lines (or ``---`` YAML block), then its body."""
    lines = content.splitlines()
    options: dict[str, str] = {}
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        options = dict(re.findall(r"^\s*([\w-]+):\s*(.*)$", "\n".join(lines[1:end]), re.M))
        return options, "\n".join(lines[end + 1 :])
    while lines and (found := re.match(r"^:([\w-]+):\s*(.*)$", lines[0])):
        options[found[1]] = found[2].strip()
        lines.pop(0)
    return options, "\n".join(lines)


def markdown_cards(page: str, text: str, problems: list[str]) -> dict[str, dict]:
    found = {}
    lines = text.splitlines()
    for token in MARKDOWN.parse(text):
        if token.type not in ("fence", "colon_fence"):
            continue
        directive = re.match(r"^\{(\w+)\}\s*(.*)$", token.info.strip())
        if not directive or directive[1] not in KINDS:
            continue
        start, end = token.map
        closing = lines[end - 1].strip() if end - 1 > start else ""
        if not (closing and set(closing) == {token.markup[0]} and len(closing) >= len(token.markup)):
            problems.append(f"{page}:{start + 1}: the {{{directive[1]}}} fence opened here is never closed")
        options, body = split_options(token.content)
        card_id, data = card(page, directive[1], directive[2].strip(), options, body)
        found[card_id] = data
    return found


class AnyOption(dict):
    """Every option a card may carry is read as plain text."""

    def __missing__(self, name: str):
        return directives.unchanged


class CardCollector(Directive):
    """Stands in for the extension's directives when docutils reads a reST page."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True
    # Non-empty, or docutils would read the options as part of the title.
    option_spec = AnyOption(name=directives.unchanged, label=directives.unchanged)
    found: list[tuple[str, str, dict, str]] = []

    def run(self):
        options = {key: str(value) for key, value in self.options.items()}
        title = self.arguments[0] if self.arguments else ""
        CardCollector.found.append((self.name, title, options, "\n".join(self.content)))
        return []


for kind in KINDS:
    directives.register_directive(kind, CardCollector)


def rest_cards(page: str, text: str) -> dict[str, dict]:
    CardCollector.found = []
    publish_doctree(text, settings_overrides={"report_level": 5, "halt_level": 5, "warning_stream": False})
    return dict(card(page, kind, title, options, body) for kind, title, options, body in CardCollector.found)


def cards(page: str, text: str, problems: list[str] | None = None) -> dict[str, dict]:
    if page.endswith(".rst"):
        return rest_cards(page, text)
    return markdown_cards(page, text, problems if problems is not None else [])


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True).stdout


def is_page(path: str) -> bool:
    return (
        path.endswith((".md", ".rst"))
        and not path.startswith(NOT_CONTENT)
        and "/" in path
        or path
        in (
            "index.md",
            "privacy.md",
        )
    )


def cards_at(base: str, repo: Path) -> dict[str, dict]:
    found = {}
    for path in git("ls-tree", "-r", "--name-only", base, cwd=repo).splitlines():
        if is_page(path):
            found.update(cards(path, git("show", f"{base}:{path}", cwd=repo)))
    return found


def cards_in_worktree(repo: Path, problems: list[str]) -> dict[str, dict]:
    paths = git("ls-files", "--cached", "--others", "--exclude-standard", cwd=repo).splitlines()
    found = {}
    for path in sorted(set(paths)):
        if is_page(path) and (repo / path).is_file():
            found.update(cards(path, (repo / path).read_text(encoding="utf-8"), problems))
    return found


def describe(card_id: str, card: dict) -> str:
    title = f" “{card['title']}”" if card["title"] else ""
    return f"`{card_id}` ({card['kind']}{title}, {card['page']})"


def quote(text: str) -> str:
    return "\n".join(f"  > {line}" if line else "  >" for line in text.splitlines())


def content(card: dict) -> tuple:
    return card["kind"], card["title"], card["body"]


def reference_texts(repo: Path) -> list[str]:
    """The author's texts the pages keep word for word (``course_text`` in conf.py)."""
    import runpy

    conf = repo / "conf.py"
    return sorted(runpy.run_path(str(conf)).get("course_text", {}).values()) if conf.is_file() else []


def paragraphs(text: str) -> list[str]:
    return [" ".join(block.split()) for block in re.split(r"\n\s*\n", text) if block.strip()]


def words_changed(base: str, repo: Path) -> list[str]:
    """Each paragraph of the author's texts that this change edits, adds or removes."""
    lines: list[str] = []
    for path in reference_texts(repo):
        before_text = subprocess.run(
            ["git", "show", f"{base}:{path}"], cwd=repo, capture_output=True, text=True, check=False
        ).stdout
        after_text = (repo / path).read_text(encoding="utf-8") if (repo / path).is_file() else ""
        before, after = paragraphs(before_text), paragraphs(after_text)
        matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
        for tag, b1, b2, a1, a2 in matcher.get_opcodes():
            if tag == "equal":
                continue
            lines.append(f"- `{path}`, paragraph {b1 + 1}:")
            if b2 > b1:
                lines += ["  before:", *(quote(text) for text in before[b1:b2])]
            if a2 > a1:
                lines += ["  after:", *(quote(text) for text in after[a1:a2])]
            lines.append("")
    return lines


def report(
    base: str, old: dict[str, dict], new: dict[str, dict], problems: list[str] = (), words: list[str] = ()
) -> str:
    added = sorted(new.keys() - old.keys())
    removed = sorted(old.keys() - new.keys())
    # A card whose text is unchanged under a new id was renamed, not replaced.
    renamed = {}
    for card_id in list(added):
        match = next(
            (r for r in removed if r not in renamed.values() and content(old[r]) == content(new[card_id])),
            None,
        )
        if match:
            renamed[card_id] = match
    added = [a for a in added if a not in renamed]
    removed = [r for r in removed if r not in renamed.values()]
    changed = sorted(i for i in old.keys() & new.keys() if old[i] != new[i])
    lines = [f"## Cards changed since {base}", ""]
    if problems:
        lines += ["### Problems", "", *[f"- {problem}" for problem in problems], ""]
    if words:
        lines += ["### The author's words", "", "This change edits the course's reference text:", "", *words]
    if not (added or removed or changed or renamed):
        return "\n".join(lines + ["No metaphor or reflection card changed.", ""])
    if renamed:
        lines += ["### Renamed", ""]
        for card_id, before in sorted(renamed.items()):
            lines += [f"- `{before}` → {describe(card_id, new[card_id])}", ""]
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
    problems: list[str] = []
    words = words_changed(argv[0], repo)
    print(report(argv[0], cards_at(argv[0], repo), cards_in_worktree(repo, problems), problems, words))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
