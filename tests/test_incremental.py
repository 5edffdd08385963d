"""Incremental builds write what clean builds write (issue #25): a copy of the real site
is edited as a contributor would, one kind of edit after another, and after each edit
the output rebuilt serially and the output rebuilt with two processes are each compared
byte for byte with a clean build of the same sources. Nothing is excluded from the
comparison: pages, search index, collected pages and each week's e-book are all compared."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import REPO, sphinx_build, two_at_a_time
from course_site import structure

sys.path.insert(0, str(REPO / "tools" / "bench"))
from bench import copy_site  # noqa: E402


def week(source: Path) -> structure.Week:
    """The course's first week, as the sources lay it out: every edit below is derived from
    the layout and the pages' own text, so a grown course is edited the same way."""
    return structure.from_source(source).weeks[0]


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def page_of(source: Path, docname: str) -> Path:
    return source / f"{docname}.md"


def middle_section(source: Path) -> Path:
    sections = week(source).sections
    return page_of(source, sections[len(sections) // 2])


def first(pattern: str, page: Path) -> re.Match:
    found = re.search(pattern, page.read_text(encoding="utf-8"), re.M)
    assert found, f"{pattern!r} not in {page}"
    return found


def edit_a_paragraph(source: Path) -> None:
    page = middle_section(source)
    paragraph = first(r"^[A-Z][^\n]*[.?!]$", page)[0]
    edit(page, paragraph + "\n", paragraph + " Once more.\n")


def retitle_a_section(source: Path) -> None:
    page = middle_section(source)
    heading = first(r"^# .*$", page)[0]
    edit(page, heading + "\n", heading + ", Retold\n")


def grid_card(text: str, page: str) -> str:
    """The week page's landing-grid card that links to ``page``."""
    return re.search(rf"^:::\{{grid-item-card\}}[^\n]*\n:link: {page}\n.*?^:::\n\n", text, re.M | re.S)[0]


def reorder_the_toctree(source: Path) -> None:
    index = page_of(source, week(source).index)
    text = index.read_text(encoding="utf-8")
    one, two = (name.rsplit("/", 1)[1] for name in week(source).sections[-2:])
    toctree = text[text.index("```{toctree}") :]
    swapped = toctree.replace(f"{one}\n{two}\n", f"{two}\n{one}\n")
    assert swapped != toctree
    cards = grid_card(text, one) + grid_card(text, two)
    text = text.replace(cards, grid_card(text, two) + grid_card(text, one))
    index.write_text(text.replace(toctree, swapped), encoding="utf-8")


def week_copy(text: str, suffix: str) -> str:
    """A page's text with its card names made unique."""
    return re.sub(r"^(:name: [\w-]+)$", rf"\1-{suffix}", text, flags=re.M)


ADDED = "once-more"


def add_a_section(source: Path) -> None:
    sections = week(source).sections
    last = page_of(source, sections[-1])
    added = f"{len(sections) + 1:02d}-{ADDED}"
    text = week_copy(last.read_text(encoding="utf-8"), "again")
    heading = re.search(r"^# .*$", text, re.M)[0]
    (last.parent / f"{added}.md").write_text(text.replace(heading, "# Once More"), encoding="utf-8")
    index = page_of(source, week(source).index)
    edit(index, f"{last.stem}\nworkbook", f"{last.stem}\n{added}\nworkbook")
    card = grid_card(index.read_text(encoding="utf-8"), last.stem)
    new_card = re.sub(r"(grid-item-card\} )[^\n]*", rf"\g<1>{len(sections) + 1}. Once More", card).replace(
        last.stem, added
    )
    edit(index, card, card + new_card)


def remove_a_section(source: Path) -> None:
    added = week(source).sections[-1]
    assert added.endswith(ADDED)
    page_of(source, added).unlink()
    index = page_of(source, week(source).index)
    name = added.rsplit("/", 1)[1]
    edit(index, grid_card(index.read_text(encoding="utf-8"), name), "")
    edit(index, f"{name}\n", "")


def retitle_a_card(source: Path) -> None:
    page = middle_section(source)
    opening = first(r"^:::\{metaphor\} .*$", page)[0]
    edit(page, opening + "\n", opening + ", Retold\n")


def metaphor_name(page: Path) -> str:
    return first(r"^:::\{metaphor\}[^\n]*\n:name: ([\w-]+)$", page)[1]


def rename_a_card(source: Path) -> None:
    # As CONTRIBUTING says: the old name stays in :formerly:, so readers' notes follow.
    page = middle_section(source)
    name = metaphor_name(page)
    edit(page, f":name: {name}\n", f":name: {name}-renamed\n:formerly: {name}\n")


def delete_a_card(source: Path) -> None:
    page = middle_section(source)
    text = page.read_text(encoding="utf-8")
    card = re.search(r"^:::\{metaphor\}.*?^:::\n\n", text, re.M | re.S)[0]
    # The id it was published under: its :formerly:, if it was renamed.
    name = (re.search(r"^:formerly: ([\w-]+)$", card, re.M) or re.search(r"^:name: ([\w-]+)$", card, re.M))[1]
    page.write_text(text.replace(card, ""), encoding="utf-8")
    # Removed on purpose: its line leaves the published ids, as the build's warning says.
    docname = page.relative_to(source).with_suffix("").as_posix()
    edit(source / "published-card-ids.txt", f"{docname} {name}\n", "")


def add_a_week(source: Path) -> None:
    course = structure.from_source(source)
    copied = course.weeks[0]
    number = max(w.number for w in course.weeks) + 1
    folder = source / f"week{number}"
    folder.mkdir()
    for page in (source / copied.name).glob("*.md"):
        text = week_copy(page.read_text(encoding="utf-8"), folder.name).replace(
            f":from: {copied.name}/", f":from: {folder.name}/"
        )
        (folder / page.name).write_text(
            text.replace(f"# Week {copied.number} –", f"# Week {number} –"), encoding="utf-8"
        )
    last = course.weeks[-1].index
    edit(source / "index.md", f"\n{last}\n```", f"\n{last}\n{folder.name}/index\n```")


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


# A section keeps one metaphor card and the author's words; these edits delete a card and
# change a paragraph to see the change go everywhere.
OPTIONS = ("-D", "suppress_warnings=course_shape.metaphor,course_text")
JOBS = {"serial": (), "parallel": ("-j", "2")}


@dataclass
class Rebuild:
    """A kept output after one edit: its rebuild, and its files against a clean build's."""

    edit: str
    result: subprocess.CompletedProcess
    changed: bool
    only_rebuilt: list[str]
    only_clean: list[str]
    differing: list[str]


@pytest.fixture(scope="module")
def rebuilds(tmp_path_factory) -> dict[str, list[Rebuild]]:
    """Two outputs of one copy of the site, kept and rebuilt after every edit, one serial and
    one with two processes; after each edit both are compared with one clean build of the
    same sources (a clean build writes the same bytes with two processes as with one)."""
    base = tmp_path_factory.mktemp("incremental")
    source = copy_site(base / "src")
    kept = {jobs: base / f"kept-{jobs}" for jobs in JOBS}

    def build(run: tuple[Path, str]) -> subprocess.CompletedProcess:
        out, jobs = run
        return sphinx_build(source, out, "html", *OPTIONS, *JOBS[jobs])

    for first in two_at_a_time(build, [(kept[jobs], jobs) for jobs in JOBS]):
        assert first.returncode == 0 and not first.stderr, first.stderr
    outcomes: dict[str, list[Rebuild]] = {jobs: [] for jobs in JOBS}
    for step, change in enumerate(EDITS):
        before = {jobs: files(kept[jobs]) for jobs in JOBS}
        change(source)
        clean = base / f"clean-{step}"
        # The clean build, the longest, on one thread; the two rebuilds in turn on the other.
        fresh, *rebuilt = two_at_a_time(build, [(clean, "serial"), *((kept[jobs], jobs) for jobs in JOBS)])
        assert fresh.returncode == 0 and not fresh.stderr, f"{change.__name__}: {fresh.stderr}"
        expected = files(clean)
        for jobs, result in zip(JOBS, rebuilt, strict=True):
            after = files(kept[jobs])
            outcomes[jobs].append(
                Rebuild(
                    change.__name__,
                    result,
                    changed=after != before[jobs],
                    only_rebuilt=sorted(after.keys() - expected.keys()),
                    only_clean=sorted(expected.keys() - after.keys()),
                    differing=sorted(
                        name for name in expected.keys() & after.keys() if after[name] != expected[name]
                    ),
                )
            )
        shutil.rmtree(clean)
        shutil.rmtree(clean.with_name(clean.name + ".doctrees"))
    return outcomes


@pytest.mark.parametrize("jobs", JOBS)
def test_after_every_kind_of_edit_the_rebuild_equals_a_clean_build(rebuilds, jobs):
    for rebuild in rebuilds[jobs]:
        result = rebuild.result
        assert result.returncode == 0 and not result.stderr, f"{rebuild.edit}: {result.stderr}"
        assert rebuild.changed, rebuild.edit  # not vacuous: the edit shows
        assert not rebuild.only_rebuilt and not rebuild.only_clean, (
            f"{rebuild.edit}: only rebuilt {rebuild.only_rebuilt}, only clean {rebuild.only_clean}"
        )
        assert not rebuild.differing, f"{rebuild.edit}: differ from a clean build: {rebuild.differing}"


def test_the_upstream_names_it_relies_on_are_there(make_app, tmp_path):
    """The names incremental.py's docstring cites, in the installed Sphinx: when a release
    renames one, this fails before a rebuild quietly differs."""
    import functools

    from sphinx.environment import BuildEnvironment

    assert isinstance(vars(BuildEnvironment)["master_doctree"], functools.cached_property)
    (tmp_path / "conf.py").write_text('extensions = ["course_site.incremental"]\n')
    (tmp_path / "index.rst").write_text("Title\n=====\n\nWords.\n")
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    assert isinstance(app.builder.indexer._mapping, dict) and isinstance(
        app.builder.indexer._title_mapping, dict
    )


@pytest.mark.parametrize("damage", ["garbled", "another-checkout", "another-setting", "an-earlier-version"])
def test_a_record_that_cannot_be_trusted_means_every_page_written_again(tmp_path, damage):
    """The record says which pages carry what changed elsewhere; garbled, or made for other
    sources or settings, it is refused whole, with an info line, and the rebuild writes
    every page, as a clean build would."""
    navigation = REPO / "tests" / "roots" / "test-navigation"
    source, other = tmp_path / "src", tmp_path / "other"
    shutil.copytree(navigation, source)
    shutil.copytree(navigation, other)
    out = tmp_path / "html"
    assert sphinx_build(source, out, "html").returncode == 0
    record = out.with_name(out.name + ".doctrees") / "incremental-html.pickle"
    if damage == "garbled":
        data = bytearray(record.read_bytes())
        data[len(data) // 2] ^= 0xFF
        record.write_bytes(bytes(data))
    elif damage == "another-checkout":
        elsewhere = tmp_path / "elsewhere"
        assert sphinx_build(other, elsewhere, "html").returncode == 0
        shutil.copy(elsewhere.with_name(elsewhere.name + ".doctrees") / "incremental-html.pickle", record)
    elif damage == "an-earlier-version":  # written before the record had a field it has now
        import pickle

        kept = pickle.loads(record.read_bytes())
        del kept.read
        record.write_bytes(pickle.dumps(kept))
    else:
        assert sphinx_build(source, out, "html", "-D", "html_title=Another title").returncode == 0
    before = {page: page.stat().st_mtime_ns for page in out.rglob("*.html")}
    result = sphinx_build(source, out, "html", quiet=False)
    assert result.returncode == 0, result.stderr
    refused = "the last build's record is damaged or describes another build" in result.stdout
    assert refused, result.stdout
    assert all(
        page.stat().st_mtime_ns != mtime for page, mtime in before.items() if page.name != "search.html"
    )
