"""The speed-ups (_ext/build_speedups): the navigation rendered once per build is byte for
byte what Furo writes, for the real site and for every kind of toctree, with html and
dirhtml, serial and parallel, on a first build and on rebuilds; Furo's own code runs
wherever that cannot be promised, said in an info line that a -W build lets pass; every
private upstream name they rely on is there; stems and the collector change nothing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from build_speedups import navigation, upstream

from conftest import REPO, soup, sphinx_build, two_at_a_time

NAV_ROOT = REPO / "tests" / "roots" / "test-navigation"
CUT_ONCE = "navigation rendered once"
EVERY_PAGE = ("-v", "-D", "build_speedups_check_every_page=1")
PLAIN = ("-D", "build_speedups_navigation=0")


def files(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def assert_same_files(plain: Path, fast: Path) -> None:
    expected, actual = files(plain), files(fast)
    assert expected.keys() == actual.keys()
    differing = [name for name in expected if expected[name] != actual[name]]
    assert not differing, f"differ from plain Furo: {differing}"


def plain_and_fast(source: Path, base: Path, builder: str, *options: str):
    """Builds ``source`` with Furo's own navigation and with the fast one (checking every
    page against Furo's); both must be clean."""
    plain, fast = two_at_a_time(
        lambda run: sphinx_build(source, base / run[0], builder, *options, *run[1], quiet=False),
        [("plain", PLAIN), ("fast", EVERY_PAGE)],
    )
    for result in (plain, fast):
        assert result.returncode == 0 and not result.stderr, result.stderr
    messages = [line for line in fast.stdout.splitlines() if "build_speedups:" in line]
    assert len(messages) == 1 and CUT_ONCE in messages[0], messages
    return base / "plain", base / "fast"


@pytest.mark.parametrize("jobs", [(), ("-j", "2")], ids=["serial", "parallel"])
@pytest.mark.parametrize("builder", ["html", "dirhtml"])
def test_every_kind_of_toctree_is_written_as_furo_writes_it(tmp_path, builder, jobs):
    plain, fast = plain_and_fast(NAV_ROOT, tmp_path, builder, *jobs)
    assert_same_files(plain, fast)
    # Not vacuous: the pages carry Furo's tree, with a branch opened three folders down.
    deepest = fast / ("a/deep/deeper/page.html" if builder == "html" else "a/deep/deeper/page/index.html")
    tree = soup(deepest).select_one(".sidebar-tree")
    assert tree.select_one("li.current-page > a.current")["href"] == "#"
    assert len(tree.select("input.toctree-checkbox[checked]")) == 2  # Part "A" & its pages, Deep part
    assert tree.find("a", string="A page named with an ampersand")


@pytest.mark.parametrize(
    "builder, jobs",
    [("html", ()), ("html", ("-j", "2")), ("dirhtml", ())],
    ids=["html", "html-parallel", "dirhtml"],
)
def test_the_real_site_is_written_as_furo_writes_it(tmp_path, builder, jobs):
    plain, fast = plain_and_fast(REPO, tmp_path, builder, "-D", "week_ebooks=0", *jobs)
    assert_same_files(plain, fast)


def test_every_page_is_served_from_the_one_rendering(make_app, tmp_path):
    app = build_in_process(
        make_app, copy_root(tmp_path), tmp_path / "build", build_speedups_check_every_page=True
    )
    pages = [p for p in app.outdir.rglob("*.html")]
    assert len(pages) >= 14
    assert navigation.STATES[app.builder].fast_pages == len(pages)


def copy_root(tmp_path: Path, name: str = "src") -> Path:
    source = tmp_path / name
    shutil.copytree(NAV_ROOT, source)
    return source


def build_in_process(make_app, source: Path, out: Path, builder: str = "html", **overrides):
    app = make_app(
        builder, srcdir=source, builddir=out, freshenv=True, warningiserror=True, confoverrides=overrides
    )
    app.build()
    return app


def written(out: Path) -> dict[str, int]:
    return {str(p.relative_to(out)): p.stat().st_mtime_ns for p in out.rglob("*.html")}


def test_rebuilds_after_an_edit_and_a_rename_write_what_furo_writes(make_app, tmp_path):
    """The same app builds three times (so nothing of a previous build may linger), and
    writes the same pages, with the same bytes, as plain Furo does."""
    apps = {
        mode: make_app(
            "html",
            srcdir=copy_root(tmp_path, f"src-{mode}"),
            builddir=tmp_path / f"build-{mode}",
            freshenv=True,
            warningiserror=True,
            confoverrides={
                "build_speedups_navigation": mode == "fast",
                "build_speedups_check_every_page": True,
            },
        )
        for mode in ("plain", "fast")
    }

    def edit(change) -> dict[str, set[str]]:
        rewritten = {}
        for app in apps.values():
            change(app.srcdir)
            before = written(app.outdir)
            app.build()
            rewritten[app] = {
                page for page, mtime in written(app.outdir).items() if before.get(page) != mtime
            }
        assert rewritten[apps["plain"]] == rewritten[apps["fast"]]
        assert_same_files(apps["plain"].outdir, apps["fast"].outdir)
        return rewritten[apps["fast"]]

    edit(lambda source: None)

    def retitle(source: Path) -> None:
        page = source / "a" / "one.rst"
        page.write_text(page.read_text().replace("One in A\n========", "One, retitled\n============="))

    assert "a/one.html" in edit(retitle)
    assert (
        soup(apps["fast"].outdir / "a/one.html").select_one(".sidebar-tree li.current-page").text
        == "One, retitled"
    )

    def rename(source: Path) -> None:
        (source / "a" / "two.rst").rename(source / "a" / "second.rst")
        toctree = source / "a" / "index.rst"
        toctree.write_text(toctree.read_text().replace("   two\n", "   second\n"))
        (source / "c" / "y.rst").rename(source / "c" / "z.rst")

    assert {"a/second.html", "c/z.html"} <= edit(rename)
    assert navigation.STATES[apps["fast"].builder].fast_pages > 0


def add_only(source: Path) -> None:
    (source / "b-only.rst").write_text("Only for HTML\n=============\n\nText.\n")
    page = source / "b.rst"
    page.write_text(page.read_text() + "\n.. only:: html\n\n   .. toctree::\n\n      b-only\n")


def add_tocdepth(source: Path) -> None:
    page = source / "a" / "one.rst"
    page.write_text(":tocdepth: 1\n\n" + page.read_text())


def add_extension(name: str, code: str):
    def change(source: Path) -> None:
        (source / f"{name}.py").write_text(code)
        conf = source / "conf.py"
        conf.write_text(
            conf.read_text()
            + f"import sys, os\nsys.path.insert(0, os.path.dirname(__file__))\nextensions.append({name!r})\n"
        )

    return change


OWN_LINKS = add_extension(
    "own_links",
    "from sphinx.builders.html import StandaloneHTMLBuilder\n"
    "class OwnLinks(StandaloneHTMLBuilder):\n"
    "    name = 'html'\n"
    "    def get_relative_uri(self, from_, to, typ=None):\n"
    "        return super().get_relative_uri(from_, to, typ)\n"
    "def setup(app):\n"
    "    app.add_builder(OwnLinks, override=True)\n",
)
OWN_TOCTREE = add_extension(
    "own_toctree",
    "def wrap(app, pagename, templatename, context, doctree):\n"
    "    if 'toctree' in context:\n"
    "        original = context['toctree']\n"
    "        context['toctree'] = lambda **options: original(**options)\n"
    "def setup(app):\n"
    "    app.connect('html-page-context', wrap, priority=100)\n",
)


def untested(name: str, value):
    def change(monkeypatch) -> None:
        monkeypatch.setattr(upstream, name, value)

    return change


def a_wrong_page(monkeypatch) -> None:
    page = navigation.Navigation.page
    monkeypatch.setattr(navigation.Navigation, "page", lambda self, b, name: page(self, b, name) + " ")


FALLBACKS = {
    "singlehtml": ("singlehtml", None, None, "(the singlehtml builder)"),
    "only": ("html", add_only, None, "(an 'only' directive in the toctree of b)"),
    "tocdepth": ("dirhtml", add_tocdepth, None, "('tocdepth' in a/one)"),
    "own-links": ("html", OWN_LINKS, None, "(a builder with its own get_relative_uri)"),
    "own-toctree": ("html", OWN_TOCTREE, None, "a page has its own 'toctree' (first: a/deep/deeper/page)"),
    "furo": ("html", None, untested("TESTED_FURO", ("2024.1.1",)), "(Furo 2025.12.19 (tested: 2024.1.1))"),
    "sphinx": ("html", None, untested("TESTED_SPHINX", (8, 2)), "(tested: 8.2.x)"),
    "self-check": ("html", None, a_wrong_page, "a/deep/deeper/page differs from Furo's navigation"),
}


@pytest.mark.parametrize("case", FALLBACKS)
def test_where_its_promise_may_not_hold_furo_renders_and_says_so(make_app, tmp_path, monkeypatch, case):
    builder, change_source, change_code, message = FALLBACKS[case]
    apps = {}
    for mode in ("plain", "fast"):
        source = copy_root(tmp_path, f"src-{mode}")
        if change_source:
            change_source(source)
        if change_code and mode == "fast":
            change_code(monkeypatch)
        # warningiserror: the message is information, never a warning that breaks -W.
        apps[mode] = build_in_process(
            make_app, source, tmp_path / f"build-{mode}", builder, build_speedups_navigation=mode == "fast"
        )
    status = apps["fast"].status.getvalue()
    assert "build_speedups: the navigation speed-up is off: " in status and message in status, status
    assert status.count("build_speedups: ") == 1
    assert "build_speedups" not in apps["fast"].warning.getvalue()
    assert_same_files(apps["plain"].outdir, apps["fast"].outdir)


def test_the_private_names_it_relies_on_are_there(make_app, tmp_path):
    """The canary: every private name ``upstream`` cites is in the installed Sphinx and
    Furo, and the builder's own toctree is the one it names; when a release renames one,
    this fails before the fallbacks hide it."""
    assert upstream.missing() == [] and upstream.untested() is None
    seen = set()
    app = make_app("html", srcdir=copy_root(tmp_path), builddir=tmp_path / "build", freshenv=True)
    app.connect(
        "html-page-context",
        lambda app, name, template, context, doctree: seen.add(context["toctree"].__qualname__),
        priority=100,
    )
    app.build()
    assert seen == {upstream.BUILDER_TOCTREE}


def test_a_speedup_that_turns_off_says_so_in_a_line_ci_looks_for(make_app, tmp_path, monkeypatch):
    monkeypatch.setattr(upstream, "TESTED_SPHINX", (1, 0))
    app = build_in_process(make_app, copy_root(tmp_path), tmp_path / "build", "html")
    status = app.status.getvalue()
    assert (
        "build_speedups: the navigation speed-up is off: Furo renders the navigation of every page" in status
    )
    workflow = (REPO / ".github" / "workflows" / "newest.yml").read_text()
    assert "speed-up is off" in workflow


def test_stems_and_the_collector_change_nothing_of_the_output(tmp_path):
    """The site with the speed-ups and without any of them: the same files, byte for byte."""
    source = copy_root(tmp_path, "src")
    conf = source / "conf.py"
    plain_conf = conf.read_text().replace(
        'extensions = ["build_speedups", "course_site.incremental"]',
        'extensions = ["course_site.incremental"]',
    )
    plain_source = copy_root(tmp_path, "src-plain")
    (plain_source / "conf.py").write_text(plain_conf)
    for result in (
        sphinx_build(source, tmp_path / "fast", "html"),
        sphinx_build(plain_source, tmp_path / "plain", "html"),
    ):
        assert result.returncode == 0, result.stderr
    assert_same_files(tmp_path / "plain", tmp_path / "fast")
