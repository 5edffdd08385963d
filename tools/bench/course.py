"""Synthetic courses for the benchmark, made from the real Week 7 pages.

Variant "cards" is the project as it is, e-books included (built with
``build_speedups_navigation = False`` too, for plain Furo, and with ``week_ebooks = False``); "admonitions" writes every card as a plain
``admonition`` with a class and unloads the extension (collected lists dropped);
"exercises" writes reflection cards as sphinx-exercise ``exercise`` directives."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
VARIANTS = ("cards", "admonitions", "exercises")
CARD = re.compile(
    r"^:::\{(?P<kind>metaphor|reflection)\}(?P<title>[^\n]*)\n(?P<options>(?::[\w-]+:[^\n]*\n)*)",
    re.M,
)
# The extension's collected lists and its continue-reading line, which go with it.
CARDLIST = re.compile(r"^:::\{(?:cardlist|continue-reading)\}\n(?::[\w-]+:[^\n]*\n)*:::\n", re.M)
KIND_TITLES = {"metaphor": "Metaphor", "reflection": "Reflection"}


def to_admonitions(text: str) -> str:
    """Every card becomes ``admonition`` with its kind as class; collected lists go."""

    def admonition(match: re.Match) -> str:
        title = match["title"].strip() or KIND_TITLES[match["kind"]]
        return f":::{{admonition}} {title}\n:class: {match['kind']}\n{match['options']}"

    return CARDLIST.sub("", CARD.sub(admonition, text))


def to_exercises(text: str) -> str:
    """Reflection cards become sphinx-exercise exercises (``:label:`` for the name); the
    reflection list goes, as sphinx-exercise has no collected page."""

    def exercise(match: re.Match) -> str:
        if match["kind"] != "reflection":
            return match[0]
        options = match["options"].replace(":name:", ":label:")
        return f":::{{exercise}}{match['title']}\n{options}"

    text = re.sub(r"^:::\{cardlist\}\n:kind: reflection\n(?::[\w-]+:[^\n]*\n)*:::\n", "", text, flags=re.M)
    return CARD.sub(exercise, text)


CONVERT = {"cards": lambda text: text, "admonitions": to_admonitions, "exercises": to_exercises}
# Every variant is built as the site is: incremental builds equal to clean ones, and the
# general speed-ups.
EXTENSIONS = {
    "cards": [
        "myst_parser",
        "sphinx_design",
        "course_cards",
        "course_site.week_ebooks",
        "course_site.incremental",
        "build_speedups",
    ],
    "admonitions": [
        "myst_parser",
        "sphinx_design",
        "course_site.incremental",
        "build_speedups",
    ],
    "exercises": [
        "myst_parser",
        "sphinx_design",
        "course_cards",
        "sphinx_exercise",
        "course_site.incremental",
        "build_speedups",
    ],
}


def week_page(text: str, week: int) -> str:
    """A Week 7 page as week ``week``: names and collected-list scopes made unique."""
    slug = f"week{week:02d}"
    text = re.sub(r"^(:name: [\w-]+)$", rf"\1-{slug}", text, flags=re.M)
    text = text.replace(":from: week7/", f":from: {slug}/")
    return text.replace("# Week 7 – Safe Connections", f"# Week {week} – Safe Connections")


def generate(weeks: int, dest: Path, variant: str = "cards") -> Path:
    """Write a course of ``weeks`` copies of Week 7 into ``dest``; returns ``dest``."""
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    convert = CONVERT[variant]
    for week in range(1, weeks + 1):
        folder = dest / f"week{week:02d}"
        folder.mkdir()
        for page in sorted((REPO / "week7").glob("*.md")):
            (folder / page.name).write_text(convert(week_page(page.read_text(), week)))
    toctree = "\n".join(f"week{week:02d}/index" for week in range(1, weeks + 1))
    (dest / "index.md").write_text(f"# Safe Connections\n\n```{{toctree}}\n:maxdepth: 1\n\n{toctree}\n```\n")
    shutil.copytree(REPO / "_static", dest / "_static")
    (dest / "conf.py").write_text(
        "import sys\n"
        f"sys.path.insert(0, {str(REPO / '_ext')!r})\n"
        'project = "Safe Connections"\n'
        f"extensions = {EXTENSIONS[variant]!r}\n"
        'myst_enable_extensions = ["colon_fence"]\n'
        'html_theme = "furo"\n'
        'html_static_path = ["_static"]\n'
        'html_css_files = ["site.css"]\n'
        "html_use_index = False\n"
        "html_copy_source = False\n"
        # The project's e-books, one per week, where the extension is loaded.
        "week_ebooks = True\n"
    )
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
