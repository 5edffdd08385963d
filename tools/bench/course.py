"""Synthetic courses for the benchmark, made from the real Week 7 pages.

Pages "cards" are the pages as they are; "admonitions" writes every card as a plain
``admonition`` with a class (collected lists and the continue-reading line dropped);
"exercises" writes reflection cards as sphinx-exercise ``exercise`` directives. What each
benchmark variant loads is in bench.py's table. ``mkdocs_course`` writes the same course
as Markdown for mkdocs-material."""

from __future__ import annotations

import ast
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CARD = re.compile(
    r"^:::\{(?P<kind>metaphor|reflection)\}(?P<title>[^\n]*)\n(?P<options>(?::[\w-]+:[^\n]*\n)*)",
    re.M,
)
# The extension's collected lists and its continue-reading line, which go with it.
CARDLIST = re.compile(r"^:::\{(?:cardlist|continue-reading)\}\n(?::[\w-]+:[^\n]*\n)*:::\n", re.M)
KIND_TITLES = {"metaphor": "Metaphor", "reflection": "Reflection"}
CARD_KINDS = set(KIND_TITLES)


def to_admonitions(text: str) -> str:
    """Every card becomes ``admonition`` with its kind as class; collected lists go."""

    def admonition(match: re.Match) -> str:
        title = match["title"].strip() or KIND_TITLES[match["kind"]]
        return f":::{{admonition}} {title}\n:class: {match['kind']}\n{match['options']}"

    return CARDLIST.sub("", CARD.sub(admonition, text))


def to_exercises(text: str) -> str:
    """Reflection cards become sphinx-exercise exercises (``:label:`` for the name); the
    reflection list goes, as sphinx-exercise has no collected page, and so does the
    continue-reading line, which has no notes to continue from."""

    def exercise(match: re.Match) -> str:
        if match["kind"] != "reflection":
            return match[0]
        options = match["options"].replace(":name:", ":label:")
        return f":::{{exercise}}{match['title']}\n{options}"

    text = re.sub(r"^:::\{cardlist\}\n:kind: reflection\n(?::[\w-]+:[^\n]*\n)*:::\n", "", text, flags=re.M)
    # Without reflection cards no page has notes to continue from.
    text = re.sub(r"^:::\{continue-reading\}\n(?::[\w-]+:[^\n]*\n)*:::\n", "", text, flags=re.M)
    return CARD.sub(exercise, text)


CONVERT = {"cards": lambda text: text, "admonitions": to_admonitions, "exercises": to_exercises}
PAGES = tuple(CONVERT)


@dataclass(frozen=True)
class Variant:
    """One way of building the course: its pages, what its conf.py loads, and the options
    sphinx-build gets. ``site`` builds it with the shipped conf.py (its settings, templates
    and privacy page) and ``extensions`` in place of conf.py's own list; without it, a bare
    conf.py that sets only the theme and the extensions."""

    name: str
    loads: str
    pages: str
    extensions: tuple[str, ...]
    options: tuple[str, ...] = ()
    site: bool = True


def shipped_extensions() -> tuple[str, ...]:
    """The extensions the project's conf.py loads, read without running it."""
    tree = ast.parse((REPO / "conf.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "extensions" for t in node.targets):
            return tuple(ast.literal_eval(node.value))
    raise ValueError("conf.py sets no extensions")


def week_page(text: str, week: int) -> str:
    """A Week 7 page as week ``week``: names and collected-list scopes made unique."""
    slug = f"week{week:02d}"
    text = re.sub(r"^(:name: [\w-]+)$", rf"\1-{slug}", text, flags=re.M)
    text = text.replace(":from: week7/", f":from: {slug}/")
    return text.replace("# Week 7 – Safe Connections", f"# Week {week} – Safe Connections")


def week_pages(weeks: int, dest: Path, pages: str) -> None:
    """``weeks`` copies of Week 7 in ``dest``, written as ``pages`` says, and a home page
    listing the weeks."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    convert = CONVERT[pages]
    for week in range(1, weeks + 1):
        folder = dest / f"week{week:02d}"
        folder.mkdir()
        for page in sorted((REPO / "week7").glob("*.md")):
            (folder / page.name).write_text(convert(week_page(page.read_text(), week)))
    toctree = "\n".join(f"week{week:02d}/index" for week in range(1, weeks + 1))
    (dest / "index.md").write_text(f"# Safe Connections\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n")
    shutil.copytree(REPO / "_static", dest / "_static")


def site_conf(weeks: int, dest: Path, extensions: tuple[str, ...]) -> str:
    """The shipped conf.py for the generated course: what it reads from the repository
    (templates, the privacy page, the author's text, the published card ids) copied or
    made for every week, its extensions replaced by ``extensions``."""
    shutil.copytree(REPO / "_templates", dest / "_templates")
    # The privacy page links to the first week's workbook, and the home page lists it.
    (dest / "privacy.md").write_text((REPO / "privacy.md").read_text().replace("(week7/", "(week01/"))
    with (dest / "index.md").open("a") as index:
        index.write("\n```{toctree}\n:caption: About\n:hidden:\n\nprivacy\n```\n")
    (dest / "course-text").mkdir()
    shutil.copy(REPO / "tests" / "data" / "week7-source.txt", dest / "course-text" / "week7-source.txt")
    lines = (REPO / "published-card-ids.txt").read_text().splitlines()
    published = [line.split() for line in lines if line.strip() and not line.startswith("#")]
    week7 = [(page.removeprefix("week7/"), card) for page, card in published if page.startswith("week7/")]
    slugs = [f"week{week:02d}" for week in range(1, weeks + 1)]
    # The published ids of the cards these pages still have as cards.
    cards = card_names(dest)
    (dest / "published-card-ids.txt").write_text(
        "".join(
            f"{slug}/{page} {card}-{slug}\n"
            for slug in slugs
            for page, card in week7
            if f"{card}-{slug}" in cards
        )
    )
    course_text = {slug: "course-text/week7-source.txt" for slug in slugs}
    return (
        f"import sys\nsys.path.insert(0, {str(REPO / '_ext')!r})\n"
        + (REPO / "conf.py").read_text()
        + "\n# The generated course's own.\n"
        f"extensions = {list(extensions)!r}\n"
        f"course_text = {course_text!r}\n"
    )


def card_names(folder: Path) -> set[str]:
    """The names of the metaphor and reflection cards in ``folder``'s pages."""
    return {
        name
        for page in folder.rglob("*.md")
        for card in CARD.finditer(page.read_text())
        for name in re.findall(r"^:name: (\S+)$", card["options"], re.M)
    }


def bare_conf(extensions: tuple[str, ...]) -> str:
    return (
        'project = "Safe Connections"\n'
        f"extensions = {list(extensions)!r}\n"
        'myst_enable_extensions = ["colon_fence"]\n'
        'html_theme = "furo"\n'
        "html_use_index = False\n"
        "html_copy_source = False\n"
    )


def generate(weeks: int, dest: Path, variant: Variant) -> Path:
    """Write a course of ``weeks`` copies of Week 7 into ``dest`` for ``variant``;
    returns ``dest``."""
    week_pages(weeks, dest, variant.pages)
    conf = site_conf(weeks, dest, variant.extensions) if variant.site else bare_conf(variant.extensions)
    (dest / "conf.py").write_text(conf)
    return dest


def count_cards(folder: Path) -> dict[str, int]:
    """Card-like blocks in a generated course, by kind, whatever directive wrote them."""
    text = "\n".join(p.read_text() for p in folder.rglob("*.md"))
    return {
        "metaphor": len(re.findall(r"^(?::::\{metaphor\}|:class: metaphor$)", text, re.M)),
        "reflection": len(
            re.findall(r"^(?::::\{reflection\}|:class: reflection$|:::\{exercise\})", text, re.M)
        ),
    }


FENCE = re.compile(r"^(?P<colons>:{3,})\{(?P<name>[\w-]+)\}[ \t]*(?P<argument>[^\n]*)$")
OPTION = re.compile(r"^:[\w-]+:")
# Colon fences that go with the card extension; any other fence only wraps its content.
DROPPED = {"cardlist", "continue-reading"}
FRONT_MATTER = re.compile(r"\A---\nmyst:\n  html_meta:\n    description: (?P<description>[^\n]+)\n---\n")
BACKTICK_DIRECTIVE = re.compile(r"^```\{(?:toctree|card-footer)\}.*?^```\n", re.M | re.S)


def to_mkdocs(text: str) -> str:
    """A MyST page as Markdown for mkdocs-material: cards become ``!!! note`` admonitions,
    sphinx-design's section cards headings that link to their section, wrappers their
    content; collected lists, the continue-reading line and toctrees go (mkdocs has none)."""
    text = FRONT_MATTER.sub(lambda m: f"---\ndescription: {m['description']}\n---\n", text)
    text = BACKTICK_DIRECTIVE.sub("", text)
    out: list[str] = []
    stack: list[tuple[str, str]] = []  # open colon fences, innermost last: (colons, name)
    in_options = False  # the lines right after a fence, its options
    link = ""
    for line in text.splitlines():
        if in_options and OPTION.match(line):
            if line.startswith(":link: "):
                link = line.removeprefix(":link: ")
            continue
        in_options = False
        fence = FENCE.match(line)
        if fence:
            stack.append((fence["colons"], fence["name"]))
            in_options = True
            name, argument = fence["name"], fence["argument"].strip()
            if name in CARD_KINDS:
                title = (argument or KIND_TITLES[name]).replace('"', '\\"')
                out.append(f'!!! note "{title}"')
            elif name == "grid-item-card":
                out.append(f"### {argument}")
            continue
        if stack and line == stack[-1][0]:
            if stack.pop()[1] == "grid-item-card":
                out.append(f"[Read the section →]({link}.md)")
            continue
        names = {name for _, name in stack}
        if names & DROPPED:
            continue
        out.append(f"    {line}" if names & CARD_KINDS and line else line)
    return "\n".join(out) + "\n"


def mkdocs_course(weeks: int, dest: Path) -> Path:
    """The course of ``weeks`` weeks for mkdocs-material: every page as Markdown, the
    navigation from the weeks' own toctrees, Material's search as it ships, no web fonts."""
    import yaml

    if dest.exists():
        shutil.rmtree(dest)
    docs = dest / "docs"
    docs.mkdir(parents=True)
    order = re.search(
        r"```\{toctree\}\n(?::[\w-]+:[^\n]*\n)*\n(.*?)```", (REPO / "week7" / "index.md").read_text(), re.S
    )
    assert order, "week7/index.md has no toctree to take the order of pages from"
    nav: list = [{"Home": "index.md"}]
    for week in range(1, weeks + 1):
        slug = f"week{week:02d}"
        (docs / slug).mkdir()
        for page in sorted((REPO / "week7").glob("*.md")):
            (docs / slug / page.name).write_text(to_mkdocs(week_page(page.read_text(), week)))
        pages = [f"{slug}/{name}.md" for name in order[1].split()]
        nav.append({f"Week {week}": [f"{slug}/index.md", *pages]})
    weeks_list = "".join(f"- [Week {week}](week{week:02d}/index.md)\n" for week in range(1, weeks + 1))
    (docs / "index.md").write_text(f"# Safe Connections\n\n{weeks_list}")
    config = {
        "site_name": "Safe Connections",
        "theme": {"name": "material", "font": False},
        "plugins": ["search"],
        "markdown_extensions": ["admonition", "attr_list", {"toc": {"permalink": True}}],
        "nav": nav,
    }
    (dest / "mkdocs.yml").write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False))
    return dest


def nav_pages(nav: list) -> list[str]:
    """Every page a mkdocs ``nav`` lists, depth first."""
    pages = []
    for item in nav:
        for entry in item.values() if isinstance(item, dict) else [item]:
            pages.extend(nav_pages(entry) if isinstance(entry, list) else [entry])
    return pages
