"""`make new-section WEEK=7 TITLE="…"` and `make new-week WEEK=8 TITLE="…"`: the pages of a
new section or week, wired into the toctrees and the week's landing grid.

Everything the author still has to write is marked ``[WRITE: …]``; the strict build refuses
a page that still holds one (``course_shape.placeholder``), so a scaffold cannot be
published half-written, and is green once every marker is replaced."""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from pathlib import Path

from course_site import structure

REPO = Path(__file__).resolve().parent.parent

SECTION = """\
---
myst:
  html_meta:
    description: "[WRITE: one sentence on what this section is about, for link previews and search engines]"
---

# {title}

[WRITE: the section's text, in the course's voice: second person, warm, invitational]

:::{{metaphor}} [WRITE: the image's title]
:name: metaphor-week{week}-{slug}

Think of [WRITE: the image, in a sentence or two]
:::

:::{{reflection}}
:name: reflect-week{week}-{slug}

- [WRITE: a first prompt, an invitation rather than a task]
- [WRITE: a second prompt]
:::
"""

GRID_CARD = """\
:::{{grid-item-card}} {number}. {title}
:link: {name}
:link-type: doc

[WRITE: one sentence on what the reader finds in this section]

```{{card-footer}}
Read the section →
```
:::

"""

WEEK = """\
---
myst:
  html_meta:
    description: "[WRITE: one sentence on what Week {week} is about, for link previews and search engines]"
---

# Week {week} – {title}

[WRITE: a few sentences that welcome the reader to this week and say what it is about]

:::{{container}} course-ways-in
- [Your Week {week} workbook](workbook.md): every reflection of the week on one page.
- [Metaphors at a glance](metaphors.md): the week's images together.
:::

You can move through the sections in order, one sitting or several. Take your time; there is
no pace to keep.

::::{{grid}} 1
:gutter: 2
:class-container: course-sections

::::

```{{toctree}}
:hidden:
:caption: Week {week}

workbook
metaphors
```
"""

WORKBOOK = """\
---
myst:
  html_meta:
    description: "Every reflection prompt of Week {week} in one place, to work through at your own pace, print, and come back to."
---

# Your Week {week} workbook

Here are all of this week's reflection prompts, gathered section by section. You might work
through them in one sitting or come back to them over several days. There are no right
answers; a few honest sentences are plenty.

:::{{container}} course-screen-only
Each group links back to its section if you would like to reread it first.
:::

:::{{container}} course-web-only
If you print this page, each prompt has space to write.
:::

:::{{cardlist}}
:kind: reflection
:from: week{week}/
:::
"""

METAPHORS = """\
---
myst:
  html_meta:
    description: "The images of Week {week} together, each linking back to the section it comes from."
---

# Metaphors at a glance

Each section of this week offers one image to hold on to. Here they are together, as a small
reminder you can return to whenever you need one, each with the name of the section it
comes from.

:::{{cardlist}}
:kind: metaphor
:from: week{week}/
:::
"""


class ScaffoldError(Exception):
    """Something the contributor has to fix first; the message says what."""


def slug(title: str) -> str:
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = re.findall(r"[a-z0-9]+", ascii_title.lower())
    if not words:
        raise ScaffoldError(f"the title {title!r} gives no file name; use a title with letters or digits")
    return "-".join(words[:6])


def insert_toctree_entry(index: Path, entry: str, before: tuple[str, ...], which: int = -1) -> None:
    """Adds ``entry`` to one toctree of ``index`` (the last, unless ``which`` says): before
    the first of ``before`` it holds, else at its end."""
    lines = index.read_text(encoding="utf-8").splitlines(keepends=True)
    blocks = structure.toctree_blocks("".join(lines))
    if not blocks:
        raise ScaffoldError(f"{index.name} has no toctree to add {entry!r} to")
    first, closing = blocks[which]
    position = next((i for i in range(first, closing) if lines[i].strip() in before), closing)
    lines.insert(position, entry + "\n")
    index.write_text("".join(lines), encoding="utf-8")


def insert_grid_card(index: Path, card: str) -> None:
    text = index.read_text(encoding="utf-8")
    grid = re.search(r"^::::\{grid\}.*?\n(?=^::::[ \t]*$)", text, re.M | re.S)
    if not grid:
        raise ScaffoldError(f"{index.parent.name}/{index.name} has no ::::{{grid}} of section cards")
    body = grid.group(0).rstrip("\n") + "\n\n" + card
    index.write_text(text[: grid.start()] + body + text[grid.end() :], encoding="utf-8")


def new_section(repo: Path, week: int, title: str) -> Path:
    folder = repo / f"week{week}"
    if not (folder / "index.md").is_file():
        raise ScaffoldError(f"week{week}/ does not exist yet; run `make new-week WEEK={week} TITLE=…` first")
    # Numbered after the week's sections as its toctree lists them; the number also keeps
    # the file from sharing a name with any page already in the folder.
    sections = structure.from_source(repo).week(f"week{week}").sections
    for section in sections:
        headings = (repo / f"{section}.md").read_text(encoding="utf-8").splitlines()
        if section.split("/")[-1][3:] == slug(title) or f"# {title}" in headings:
            raise ScaffoldError(
                f"{section}.md already has this title or file name ({title!r}); choose another title for the new section"
            )
    taken = [int(p.name[:2]) for p in folder.glob("*.md") if p.name[:2].isdigit()]
    number = max([len(sections), *taken]) + 1
    name = f"{number:02d}-{slug(title)}"
    page = folder / f"{name}.md"
    page.write_text(SECTION.format(title=title, week=week, slug=slug(title)), encoding="utf-8")
    insert_toctree_entry(folder / "index.md", name, before=("workbook", "metaphors"))
    insert_grid_card(folder / "index.md", GRID_CARD.format(number=number, title=title, name=name))
    record_card_ids(
        repo, f"week{week}/{name}", [f"{kind}-week{week}-{slug(title)}" for kind in ("metaphor", "reflect")]
    )
    return page


def record_card_ids(repo: Path, page: str, card_ids: list[str]) -> None:
    """New cards join the published ids, which the build keeps from disappearing."""
    published = repo / "published-card-ids.txt"
    if published.is_file():
        with published.open("a", encoding="utf-8") as ids:
            ids.writelines(f"{page} {card_id}\n" for card_id in card_ids)


def new_week(repo: Path, week: int, title: str, first_section: str) -> list[Path]:
    folder = repo / f"week{week}"
    if folder.exists():
        raise ScaffoldError(
            f"week{week}/ already exists; add sections with `make new-section WEEK={week} TITLE=…`"
        )
    folder.mkdir()
    pages = {"index.md": WEEK, "workbook.md": WORKBOOK, "metaphors.md": METAPHORS}
    for filename, template in pages.items():
        (folder / filename).write_text(template.format(week=week, title=title), encoding="utf-8")
    later = tuple(other.index for other in structure.from_source(repo).weeks if other.number > week)
    # The home page's first toctree is the course; weeks stay in number order.
    insert_toctree_entry(repo / "index.md", f"week{week}/index", later, which=0)
    return [folder / name for name in pages] + [new_section(repo, week, first_section)]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("what", choices=["section", "week"])
    parser.add_argument("--week", type=int, required=True)
    parser.add_argument("--title", required=True)
    parser.add_argument("--first-section", default="Introduction")
    parser.add_argument("--repo", type=Path, default=REPO)
    options = parser.parse_args(argv)
    try:
        if options.what == "section":
            made = [new_section(options.repo, options.week, options.title)]
        else:
            made = new_week(options.repo, options.week, options.title, options.first_section)
    except ScaffoldError as error:
        print(f"scaffold: {error}", file=sys.stderr)
        return 2
    for path in made:
        print(f"created {path.relative_to(options.repo)}")
    print("Replace every [WRITE: …] with your own words; `make check` shows where any are left.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
