"""course_cards as an extension anyone can use: every writer's output against golden
files, collapsible cards, an installed wheel in a project outside this repository, the
declared Sphinx range, and the upstream Sphinx bug it works around."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from conftest import COURSE, REPO, soup, sphinx_build, two_at_a_time

GOLDEN = REPO / "tests" / "golden"
WRITERS_ROOT = REPO / "tests" / "roots" / "test-writers"
FLOOR_SPHINX = "8.2"


def card_output(builder: str, outdir: Path) -> str:
    """The part of one writer's output that the extension is responsible for."""
    if builder == "html":
        page = soup(outdir / "index.html")
        return "\n".join(card.prettify() for card in page.select(".course-card"))
    if builder == "text":
        return (outdir / "index.txt").read_text()
    if builder == "latex":
        tex = (outdir / "writers.tex").read_text()
        return "\n".join(re.findall(r"\\begin\{sphinxadmonition\}.*?\\end\{sphinxadmonition\}", tex, re.S))
    if builder == "man":
        page = (outdir / "writers.7").read_text()
        return page[page.index(r"\fBMetaphor") : page.index(".SH Author")]
    if builder == "texinfo":
        info = (outdir / "writers.texi").read_text()
        return "\n".join(re.findall(r"@cartouche.*?@end cartouche", info, re.S))
    raise ValueError(builder)


@pytest.fixture(scope="module")
def writer_builds(tmp_path_factory) -> dict[str, Path]:
    """tests/roots/test-writers built strictly by each writer, once for the module."""
    base = tmp_path_factory.mktemp("writers")
    builders = ["html", "latex", "text", "man", "texinfo"]
    results = two_at_a_time(lambda builder: sphinx_build(WRITERS_ROOT, base / builder, builder), builders)
    for builder, result in zip(builders, results, strict=True):
        assert result.returncode == 0 and not result.stderr, f"{builder}: {result.stderr}"
    return {builder: base / builder for builder in builders}


@pytest.fixture(scope="module")
def writer_outputs(writer_builds):
    return {builder: card_output(builder, outdir) for builder, outdir in writer_builds.items()}


@pytest.mark.parametrize("builder", ["html", "latex", "text", "man", "texinfo"])
def test_each_writer_matches_its_golden_file(writer_outputs, builder):
    """Set UPDATE_GOLDEN=1 to rewrite the files after an intended change; review the diff."""
    golden = GOLDEN / f"cards.{builder}"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_text(writer_outputs[builder])
    assert writer_outputs[builder] == golden.read_text(), (
        f"{builder} output of tests/roots/test-writers differs from {golden.relative_to(REPO)}; "
        f"if the change is intended, rerun with UPDATE_GOLDEN=1 and review the diff"
    )


def test_text_keeps_each_paragraph_of_a_card_apart(writer_outputs):
    assert "First paragraph of the card.\n\n   Second paragraph of the card." in writer_outputs["text"]


def test_a_collapsible_card_is_details_with_kind_and_title_in_its_summary(writer_outputs):
    page = BeautifulSoup(writer_outputs["html"], "html.parser")
    folded = page.find(id="reflect-folded")
    assert folded.name == "details" and not folded.has_attr("open")
    summary = folded.find("summary", recursive=False)
    assert summary["class"] == ["course-card-header"]
    assert summary.get_text(" ", strip=True) == "Reflection Folded away"
    assert folded["aria-labelledby"].split() == [f"{folded['id']}-kind", f"{folded['id']}-title"]
    assert "A card the reader opens." in folded.select_one(".course-card-body").get_text()
    assert page.find(id="metaphor-garden").name == "div", "other cards are not collapsible"


@pytest.mark.parametrize("builder", ["latex", "text", "man", "texinfo"])
def test_a_collapsible_card_is_whole_in_other_formats(writer_outputs, builder):
    assert "A card the reader opens." in writer_outputs[builder]


@pytest.mark.sphinx("html", testroot="writers", freshenv=True)
def test_collapsible_values_and_the_dropdown_class(app):
    (app.srcdir / "index.rst").write_text(
        "Collapsing\n==========\n\n"
        ".. metaphor:: Open\n   :collapsible:\n\n   Shown first.\n\n"
        ".. metaphor:: Dropdown\n   :class: dropdown\n\n   Hidden first.\n\n"
        ".. metaphor:: Odd\n   :collapsible: sideways\n\n   Hidden first too.\n"
    )
    app.build()
    cards = soup(app.outdir / "index.html").select(".course-card")
    assert [(card.name, card.has_attr("open")) for card in cards] == [
        ("details", True),
        ("details", False),
        ("details", False),
    ]
    warnings = app.warning.getvalue()
    assert "index.rst:14: WARNING: metaphor card :collapsible: takes 'open' or 'closed'" in warnings
    assert "[course_cards.option]" in warnings


@pytest.mark.sphinx("epub", testroot="writers", freshenv=True)
def test_a_collapsible_card_is_open_in_the_e_book(app):
    app.build()
    folded = soup(app.outdir / "index.xhtml").find(id="reflect-folded")
    assert folded.name == "details" and folded["open"] == "open"


def test_a_closed_card_prints_whole(browser, writer_builds, tmp_path):
    from browser import LocalServer, require_tool, visit

    require_tool("pdftotext")
    server = LocalServer(writer_builds["html"])
    try:
        with visit(browser, server, "index.html") as (page, _):
            assert not page.locator("#reflect-folded .course-card-body").is_visible()
            page.locator("#reflect-folded summary").click()
            assert page.locator("#reflect-folded .course-card-body").is_visible(), "a click opens it"
            page.locator("#reflect-folded summary").click()
            page.pdf(path=str(tmp_path / "page.pdf"))
        printed = subprocess.run(
            ["pdftotext", str(tmp_path / "page.pdf"), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "A card the reader opens." in printed
    finally:
        server.close()


# Installed, outside this repository.

OUTSIDE_CONF = (
    'extensions = ["course_cards"]\nproject = "Elsewhere"\ncourse_cards_notes = True\nlanguage = "de"\n'
)
OUTSIDE_INDEX = "Elsewhere\n=========\n\n.. metaphor:: A harbour\n\n   Think of a harbour.\n\n.. reflection::\n\n   - Where do you rest?\n"


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    """Built from a copy of what the distribution names, so the checkout stays clean."""
    source = tmp_path_factory.mktemp("source")
    shutil.copy(REPO / "pyproject.toml", source)
    shutil.copytree(REPO / "contributing", source / "contributing")
    shutil.copytree(REPO / "_ext" / "course_cards", source / "_ext" / "course_cards")
    dist = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(dist),
            str(source),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = dist.glob("*.whl")
    return built


def outside_project(tmp_path: Path) -> Path:
    project = tmp_path / "elsewhere"
    project.mkdir()
    (project / "conf.py").write_text(OUTSIDE_CONF)
    (project / "index.rst").write_text(OUTSIDE_INDEX)
    return project


def test_the_wheel_holds_the_package_its_static_files_and_catalogs(wheel):
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    for required in (
        "course_cards/__init__.py",
        "course_cards/static/course_cards.css",
        "course_cards/static/course_notes.js",
        "course_cards/locale/de/LC_MESSAGES/course_cards.mo",
        "course_cards/locale/fr/LC_MESSAGES/course_cards.mo",
    ):
        assert required in names, required
    course = tuple(f"{week.name}/" for week in COURSE.weeks)
    assert not any(name.startswith(("course_site", "tests/", *course)) for name in names)


def test_an_installed_wheel_works_in_a_project_outside_the_repository(wheel, tmp_path):
    site_packages = tmp_path / "site-packages"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--target",
            str(site_packages),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    project = outside_project(tmp_path)
    out = tmp_path / "html"
    environment = {key: value for key, value in os.environ.items() if key != "PYTHONPATH"}
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-n", "-q", "-b", "html", str(project), str(out)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**environment, "PYTHONPATH": str(site_packages)},
        check=False,
    )
    assert result.returncode == 0 and not result.stderr, result.stderr
    page = soup(out / "index.html")
    assert [kind.get_text() for kind in page.select(".course-card-kind")] == ["Metapher", "Reflexion"]
    assert (out / "_static" / "course_cards.css").is_file() and (
        out / "_static" / "course_notes.js"
    ).is_file()
    assert str(REPO) not in (out / "index.html").read_text()


def test_the_declared_sphinx_range_matches_the_floor_the_extension_checks():
    import tomllib

    import course_cards

    dependencies = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    assert f"sphinx>={FLOOR_SPHINX},<10" in dependencies
    assert course_cards.SPHINX_FLOOR == FLOOR_SPHINX


@pytest.mark.sphinx("html", testroot="writers", freshenv=True)
def test_an_older_sphinx_is_refused_with_a_clear_message(make_app, monkeypatch, tmp_path):
    import sphinx
    from sphinx.errors import VersionRequirementError

    monkeypatch.setattr(sphinx, "version_info", (8, 1, 3, "final", 0))
    srcdir = tmp_path / "src"
    shutil.copytree(WRITERS_ROOT, srcdir)
    with pytest.raises(VersionRequirementError, match=r"course_cards.*needs at least Sphinx v8\.2"):
        make_app("html", srcdir=srcdir)


def pip_into(python: Path) -> list[str]:
    return [sys.executable, "-m", "pip", "--python", str(python)]


@pytest.fixture(scope="module")
def floor_python(tmp_path_factory) -> Path:
    """A second virtualenv holding the oldest Sphinx the extension declares. This
    environment's pip installs into it (``--python``), so the new one needs no pip of its own."""
    venv = tmp_path_factory.mktemp("floor") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    install = subprocess.run(
        [*pip_into(python), "install", "--quiet", f"sphinx=={FLOOR_SPHINX}.*"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert install.returncode == 0, install.stderr
    return python


def test_the_oldest_declared_sphinx_builds_cards_strictly(floor_python, wheel, tmp_path):
    subprocess.run(
        [*pip_into(floor_python), "install", "--quiet", "--no-deps", str(wheel)],
        check=True,
        capture_output=True,
    )
    version = subprocess.run(
        [str(floor_python), "-c", "import sphinx; print(sphinx.__version__)"], capture_output=True, text=True
    ).stdout
    assert version.startswith(FLOOR_SPHINX + ".")
    project = outside_project(tmp_path)
    for builder in ("html", "text", "latex"):
        result = subprocess.run(
            [
                str(floor_python),
                "-m",
                "sphinx",
                "-W",
                "-n",
                "-q",
                "-b",
                builder,
                str(project),
                str(tmp_path / builder),
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0 and not result.stderr, f"{builder}: {result.stderr}"
    assert "Metapher" in (tmp_path / "text" / "index.txt").read_text()


# The upstream bug restore_format_handlers works around.


def test_sphinx_still_hides_format_handlers_behind_builder_handlers(make_app, tmp_path):
    """sphinx-doc/sphinx#14587: once Sphinx merges format and builder-name handlers
    itself, this fails; then delete ``restore_format_handlers`` and this test."""
    from docutils import nodes as docutils_nodes

    class only_html(docutils_nodes.General, docutils_nodes.Element):
        pass

    class for_singlehtml(docutils_nodes.General, docutils_nodes.Element):
        pass

    srcdir = tmp_path / "src"
    srcdir.mkdir()
    (srcdir / "conf.py").write_text("")
    (srcdir / "index.rst").write_text("Upstream\n========\n")
    app = make_app("singlehtml", srcdir=srcdir)

    class BareTranslator:
        pass

    app.set_translator("singlehtml", BareTranslator, override=True)
    app.add_node(only_html, html=(lambda self, node: None, None))
    app.add_node(for_singlehtml, singlehtml=(lambda self, node: None, None))
    translator = app.registry.create_translator(app.builder)
    assert hasattr(translator, "visit_for_singlehtml")
    assert not hasattr(translator, "visit_only_html"), (
        "Sphinx now falls back to html handlers for singlehtml: remove restore_format_handlers"
    )
