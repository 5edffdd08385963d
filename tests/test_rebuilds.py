"""Rebuilds after edits to what is not a page write what clean builds write (issue #34):
a copy of a two-week course (tests/roots/test-rebuilds) is built, changed, rebuilt serially
and with two processes, and each rebuilt output is compared, every file and every member
of every e-book, with a clean build of the same sources."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from conftest import REPO, sphinx_build, two_at_a_time

ROOT = REPO / "tests" / "roots" / "test-rebuilds"
JOBS = {"serial": (), "parallel": ("-j", "2")}


def outputs(out: Path) -> dict[str, bytes]:
    """Every file of an output, and every member of each of its e-books."""
    found = {}
    for path in sorted(out.rglob("*")):
        if path.is_file():
            name = path.relative_to(out).as_posix()
            found[name] = path.read_bytes()
            if path.suffix == ".epub":
                with zipfile.ZipFile(path) as book:
                    found |= {f"{name}!{member}": book.read(member) for member in book.namelist()}
    return found


def differences(rebuilt: Path, clean: Path) -> list[str]:
    ours, theirs = outputs(rebuilt), outputs(clean)
    return sorted(name for name in ours.keys() | theirs.keys() if ours.get(name) != theirs.get(name))


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def course(tmp_path: Path) -> Path:
    source = tmp_path / "src"
    shutil.copytree(ROOT, source)
    return source


def build(source: Path, out: Path, jobs: str) -> subprocess.CompletedProcess:
    return sphinx_build(source, out, "html", *JOBS[jobs])


def kept_builds(source: Path, tmp_path: Path) -> dict[str, Path]:
    kept = {jobs: tmp_path / f"kept-{jobs}" for jobs in JOBS}
    for result in two_at_a_time(lambda jobs: build(source, kept[jobs], jobs), list(JOBS)):
        assert result.returncode == 0 and not result.stderr, result.stderr
    return kept


def rebuilt_and_clean(source: Path, tmp_path: Path, kept: dict[str, Path]) -> dict[str, list[str]]:
    """Each kept output rebuilt, and a clean build; the files in which each differs from it."""
    clean = tmp_path / "clean"
    runs = [(clean, "serial"), *((kept[jobs], jobs) for jobs in JOBS)]
    fresh, *rebuilt = two_at_a_time(lambda run: build(source, *run), runs)
    assert fresh.returncode == 0 and not fresh.stderr, fresh.stderr
    for result in rebuilt:
        assert result.returncode == 0 and not result.stderr, result.stderr
    return {jobs: differences(kept[jobs], clean) for jobs in JOBS}


def rebuild_after(
    tmp_path: Path, change: Callable[[Path], None], prepare=None, between=None
) -> dict[str, list[str]]:
    """The files that differ from a clean build's after ``change``, in the output rebuilt
    serially and in the one rebuilt with two processes; ``between`` runs on each kept
    output after the change and before its rebuild."""
    source = course(tmp_path)
    if prepare:
        prepare(source)
    kept = kept_builds(source, tmp_path)
    before = {jobs: outputs(kept[jobs]) for jobs in JOBS}
    change(source)
    for jobs in JOBS if between else ():
        between(source, kept[jobs], jobs)
    found = rebuilt_and_clean(source, tmp_path, kept)
    for jobs in JOBS:
        assert outputs(kept[jobs]) != before[jobs], f"{change.__name__}: the change shows nowhere"
    return found


def compile_catalog(po: Path) -> None:
    with po.open("rb") as source, po.with_suffix(".mo").open("wb") as compiled:
        write_mo(compiled, read_po(source))


def cards_extension_from(source: Path, where: str) -> Path:
    """The card extension loaded from a copy of its own: inside the project, or installed
    elsewhere (as its wheel is); the copy's German catalog."""
    folder = source / "_ext" if where == "project" else source.parent / "installed"
    shutil.copytree(REPO / "_ext" / "course_cards", folder / "course_cards")
    conf = source / "conf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(folder)!r})\n" + conf.read_text())
    return folder / "course_cards" / "locale" / "de" / "LC_MESSAGES" / "course_cards.po"


def test_an_installed_extensions_code_changed_at_the_same_version_reaches_every_page(tmp_path):
    """An extension installed outside the project, edited in place (a checkout installed
    in development mode): its version says nothing changed."""
    copies = {}

    def prepare(source: Path) -> None:
        copies["nodes"] = cards_extension_from(source, "installed").parents[3] / "nodes.py"

    def relabel_the_metaphors(source: Path) -> None:
        edit(copies["nodes"], '_("Metaphor")', '_("Image")')

    assert rebuild_after(tmp_path, relabel_the_metaphors, prepare) == {"serial": [], "parallel": []}


def test_a_new_version_of_any_installed_package_writes_every_page_again(tmp_path):
    """A package that is not an extension (docutils, Pygments, Jinja2) reaches pages
    through what Sphinx makes with it; its new version writes them all, as a clean build
    would. Seen here through a package record of its own on the build's path."""
    source = course(tmp_path)
    installed = tmp_path / "installed"
    (installed / "example_package-1.0.dist-info").mkdir(parents=True)
    conf = source / "conf.py"
    conf.write_text(f"import sys\nsys.path.insert(0, {str(installed)!r})\n" + conf.read_text())
    out = tmp_path / "out"

    def rebuild() -> str:
        result = sphinx_build(source, out, "html", quiet=False)
        assert result.returncode == 0 and not result.stderr, result.stderr
        return result.stdout

    rebuild()
    assert "every page is written again" not in rebuild()
    (installed / "example_package-1.0.dist-info").rename(installed / "example_package-2.0.dist-info")
    assert "installed packages changed; every page is written again" in rebuild()


def test_a_file_taken_out_of_the_extra_path_leaves_the_output(tmp_path):
    def extra_files(source: Path) -> None:
        (source / "conf.py").write_text((source / "conf.py").read_text() + 'html_extra_path = ["extra"]\n')
        (source / "extra" / "deep").mkdir(parents=True)
        for name in ("old.css", "deep/old.css", "kept.css"):
            (source / "extra" / name).write_text(f"/* {name} */\n")

    def take_two_out(source: Path) -> None:
        (source / "extra" / "old.css").unlink()
        (source / "extra" / "deep" / "old.css").unlink()

    assert rebuild_after(tmp_path, take_two_out, extra_files) == {"serial": [], "parallel": []}


def in_german(source: Path) -> None:
    edit(source / "conf.py", 'language = "en"', 'language = "de"')


@pytest.mark.parametrize("where", ["project", "installed"])
def test_an_edited_and_compiled_catalog_of_the_cards_reaches_every_page(tmp_path, where):
    catalogs = {}

    def prepare(source: Path) -> None:
        in_german(source)
        catalogs["cards"] = cards_extension_from(source, where)

    def relabel_the_metaphors(source: Path) -> None:
        edit(catalogs["cards"], 'msgstr "Metapher"', 'msgstr "Sinnbild"')
        compile_catalog(catalogs["cards"])

    assert rebuild_after(tmp_path, relabel_the_metaphors, prepare) == {"serial": [], "parallel": []}


def test_the_projects_edited_catalogs_reach_every_page(tmp_path):
    """The project's own catalogs (``locale_dirs``): Sphinx's words (the theme's
    "Navigation") and a page's (a card title the metaphors page shows too)."""

    def retranslate(source: Path) -> None:
        messages = source / "locales" / "de" / "LC_MESSAGES"
        edit(messages / "sphinx.po", 'msgstr "Wegweiser"', 'msgstr "Übersicht"')
        edit(messages / "week1.po", 'msgstr "Eine Lampe im Fenster"', 'msgstr "Ein Licht im Fenster"')

    assert rebuild_after(tmp_path, retranslate, in_german) == {"serial": [], "parallel": []}


def test_the_upstream_names_the_translations_digest_relies_on_are_there(tmp_path):
    """shared_inputs.py lists the translations through ``sphinx.locale.translators`` and
    gettext's ``_catalog`` and ``_fallback``: when a release renames one, this fails
    before a rebuild quietly keeps old words."""
    import gettext

    from sphinx import locale

    catalog = tmp_path / "de" / "LC_MESSAGES" / "words.po"
    catalog.parent.mkdir(parents=True)
    catalog.write_text(
        'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\nmsgid "Hello"\nmsgstr "Hallo"\n'
    )
    compile_catalog(catalog)
    translator = gettext.translation("words", localedir=tmp_path, languages=["de"])
    assert translator._catalog["Hello"] == "Hallo"
    assert translator._fallback is None
    assert isinstance(locale.translators, dict)
    assert all(isinstance(key, tuple) and len(key) == 2 for key in locale.translators)


def test_a_static_file_removed_from_a_static_folder_leaves_the_output(tmp_path):
    def add(source: Path) -> None:
        (source / "_static" / "old.css").write_text("p { color: grey; }\n")

    def remove_it(source: Path) -> None:
        (source / "_static" / "old.css").unlink()

    assert rebuild_after(tmp_path, remove_it, add) == {"serial": [], "parallel": []}


def test_after_a_language_change_the_previous_languages_scripts_leave_the_output(tmp_path):
    """Sphinx copies a stemmer script and a translations script for German that English
    has not."""

    def back_to_english(source: Path) -> None:
        edit(source / "conf.py", 'language = "de"', 'language = "en"')

    assert rebuild_after(tmp_path, back_to_english, in_german) == {"serial": [], "parallel": []}


def retitle_a_card(source: Path) -> None:
    edit(
        source / "week1" / "02-staying.md",
        "{metaphor} A lamp in the window",
        "{metaphor} A lamp kept burning",
    )


def command(source: Path, out: Path, builder: str, jobs: str, doctrees: Path) -> list[str]:
    """sphinx-build as conftest.sphinx_build runs it, with messages, into ``doctrees``."""
    strict = ["-W", "-n", "--keep-going"]
    return [
        sys.executable,
        "-m",
        "sphinx",
        *strict,
        "-b",
        builder,
        "-d",
        str(doctrees),
        *JOBS[jobs],
        str(source),
        str(out),
    ]


def doctrees_of(out: Path) -> Path:
    return out.with_name(out.name + ".doctrees")


ENVIRONMENT = {**os.environ, "PYTHONPATH": str(REPO / "_ext")}


def linkcheck_sharing_the_doctrees(source: Path, out: Path, jobs: str) -> None:
    """``make linkcheck``: another builder, which reads the edit into the shared doctrees."""
    run = command(source, out.with_name(f"{out.name}-linkcheck"), "linkcheck", jobs, doctrees_of(out))
    result = subprocess.run(run, capture_output=True, text=True, env=ENVIRONMENT, check=False)
    assert result.returncode == 0 and "reading sources" in result.stdout, result.stderr


def html_build_killed_once_it_has_read(source: Path, out: Path, jobs: str) -> None:
    """A build stopped by SIGTERM just after it has kept what it read."""
    build = subprocess.Popen(
        command(source, out, "html", jobs, doctrees_of(out)),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env=ENVIRONMENT,
        start_new_session=True,
    )
    for line in build.stdout:
        if line.startswith("pickling environment"):
            os.killpg(build.pid, signal.SIGTERM)
            break
    build.stdout.close()
    assert build.wait() == -signal.SIGTERM, "the build ended before it was stopped"
    time.sleep(0.01)  # the rebuild's files are newer than the stopped build's


@pytest.mark.parametrize("between", [linkcheck_sharing_the_doctrees, html_build_killed_once_it_has_read])
def test_a_change_read_by_another_build_still_reaches_every_page(tmp_path, between):
    """What a build writes again is decided from what the output was made from, not from
    what the build itself read: the retitled card shows on the metaphors page and in the
    link to it."""
    assert rebuild_after(tmp_path, retitle_a_card, between=between) == {"serial": [], "parallel": []}


def test_a_card_moved_to_a_page_read_earlier_passes_as_the_clean_build_does(tmp_path):
    """Read serially, the page the card moves to comes first: its label must not meet the
    card still recorded on the page it leaves."""

    def move_the_lamp(source: Path) -> None:
        staying, arriving = source / "week1" / "02-staying.md", source / "week1" / "01-arriving.md"
        text = staying.read_text(encoding="utf-8")
        card = text[text.index(":::{metaphor}") :]
        staying.write_text(text.replace(card, "A page of its own, for now.\n"), encoding="utf-8")
        arriving.write_text(arriving.read_text(encoding="utf-8") + "\n" + card, encoding="utf-8")

    assert rebuild_after(tmp_path, move_the_lamp) == {"serial": [], "parallel": []}


REFLECTION = ":::{{reflection}}\n:name: reflect-{name}\n\n- What do you notice?\n:::\n"
REFLECTIONS = "\n:::{{cardlist}}\n:kind: reflection\n:from: {week}/\n:::\n"


def test_notes_boxes_follow_their_reflections_list_to_another_week(tmp_path):
    """Every notes box links to the list of reflections that keeps its notes safe. The
    list moved from the second week's page to the first's, the first week's boxes gain
    the link and the second's lose it, though neither page with a box changed, nor any
    toctree."""

    def notes_and_a_list(source: Path) -> None:
        (source / "conf.py").write_text((source / "conf.py").read_text() + "course_cards_notes = True\n")
        for page, name in [("week1/01-arriving.md", "arriving"), ("week2/01-looking.md", "looking")]:
            (source / page).write_text((source / page).read_text() + "\n" + REFLECTION.format(name=name))
        week2 = source / "week2" / "index.md"
        week2.write_text(week2.read_text() + REFLECTIONS.format(week="week2"))

    def move_the_list(source: Path) -> None:
        edit(source / "week2" / "index.md", REFLECTIONS.format(week="week2"), "")
        week1 = source / "week1" / "index.md"
        week1.write_text(week1.read_text() + REFLECTIONS.format(week="week1"))

    assert rebuild_after(tmp_path, move_the_list, notes_and_a_list) == {"serial": [], "parallel": []}


def verdicts(tmp_path: Path, change: Callable[[Path], None]) -> dict[str, tuple[int, list[str]]]:
    """Each rebuild's and the clean build's exit status and warnings after ``change``."""
    source = course(tmp_path)
    kept = kept_builds(source, tmp_path)
    change(source)
    runs = [(tmp_path / "clean", "serial"), *((kept[jobs], jobs) for jobs in JOBS)]
    results = two_at_a_time(lambda run: build(source, *run), runs)
    return {
        name: (result.returncode, sorted(result.stderr.splitlines()))
        for name, result in zip(["clean", *JOBS], results, strict=True)
    }


def test_a_static_file_of_an_unknown_type_gives_the_clean_builds_verdict(tmp_path):
    def add_a_file_of_unknown_type(source: Path) -> None:
        (source / "_static" / "notes.xyz").write_text("Of no type a book knows.\n")

    found = verdicts(tmp_path, add_a_file_of_unknown_type)
    assert found["serial"] == found["clean"] and found["parallel"] == found["clean"], found
