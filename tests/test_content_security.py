"""Content security against a hostile pull request: every page of the hostile corpus
(tests/roots/test-hostile, one way to run, load, restyle or redirect each) fails the
strict build with a located, typed warning and, built without -W, is inert in a real
browser; the policy's hashes come from the templates alone; live preview reloads."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from browser import LocalServer, visit
from conftest import REPO, soup, sphinx_build

HOSTILE = REPO / "tests" / "roots" / "test-hostile"
CASES = sorted(p.stem for p in HOSTILE.iterdir() if p.suffix in (".md", ".rst") and p.stem != "index")
POLICY_META = 'meta[http-equiv="Content-Security-Policy"]'


def lenient_build(srcdir: Path, outdir: Path, *options: str) -> subprocess.CompletedProcess:
    """A build without -W, as a careless contributor might run it."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", *options, str(srcdir), str(outdir)],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(REPO / "_ext")},
    )


@pytest.fixture(scope="module")
def strict(tmp_path_factory):
    result = sphinx_build(HOSTILE, tmp_path_factory.mktemp("strict") / "html", "html")
    result.stderr = re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)
    return result


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("lenient") / "html"
    result = lenient_build(HOSTILE, out)
    assert result.returncode == 0, result.stderr
    server = LocalServer(out)
    yield server
    server.close()


def test_the_corpus_has_at_least_fifteen_cases():
    assert len(CASES) >= 15
    for required in ("forged-marker-style", "forged-marker-script", "script-in-heading"):
        assert required in CASES
    assert {"meta-refresh-front-matter", "meta-refresh-raw"} <= set(CASES)


def test_the_strict_build_fails(strict):
    assert strict.returncode != 0


@pytest.mark.parametrize("case", CASES)
def test_each_case_is_a_located_typed_warning(strict, case):
    source = next(HOSTILE.glob(f"{case}.*")).name
    located = re.findall(
        rf"{re.escape(source)}:(\d+): WARNING: .*\[content_security\.(html|meta|url|remote)\]$",
        strict.stderr,
        re.M,
    )
    assert located, f"{source}: no located content_security warning in\n{strict.stderr}"
    assert "Traceback" not in strict.stderr


INERT = """() => ({
  pwned: typeof window.pwned,
  background: getComputedStyle(document.body).backgroundColor,
  tall: [...document.querySelectorAll('article *')].some(el => el.getBoundingClientRect().height > 3000),
  policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content,
})"""


@pytest.mark.parametrize("case", CASES)
def test_each_case_is_inert_in_the_browser(browser, hostile_site, case):
    with visit(browser, hostile_site, f"{case}.html") as (page, traffic):
        start = page.url
        page.wait_for_timeout(300)  # a refresh after 0 s has fired by now
        links = page.evaluate(
            "[...document.querySelectorAll('article a[href], article area[href]')].map(a => a.href)"
        )
        assert [link for link in links if not link.startswith(hostile_site.url)] == [], (
            "links stay on the site"
        )
        state = page.evaluate(INERT)
        assert page.url == start, "the page did not navigate"
        assert state["pwned"] == "undefined", "no content script ran"
        assert state["background"] not in ("rgb(255, 0, 0)",), "no content style applied"
        assert not state["tall"], "no content style attribute applied"
        assert state["policy"], "the page carries the policy"
        assert traffic.offsite == [], "no request left 127.0.0.1"


def policy_of(path: Path) -> str:
    return soup(path).select_one(POLICY_META)["content"]


def test_the_policy_does_not_depend_on_content(tmp_path, hostile_site):
    """Every page of the hostile corpus carries exactly the policy of a project with no
    content at all, built with the same configuration: nothing content writes, in the
    article, sidebar or title, reaches the hash list."""
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "conf.py").write_text((HOSTILE / "conf.py").read_text())
    (empty / "index.md").write_text("# Nothing\n")
    result = lenient_build(empty, tmp_path / "empty-html")
    assert result.returncode == 0, result.stderr
    content_free = policy_of(tmp_path / "empty-html" / "index.html")
    pages = sorted(hostile_site.root.glob("*.html"))
    policies = {
        page.name: policy_of(page) for page in pages if page.name not in ("search.html", "genindex.html")
    }
    assert set(policies.values()) == {content_free}
    assert "'unsafe-inline'" not in content_free


def test_the_policy_names_every_directive_that_keeps_other_hosts_out(site):
    directives = dict(
        part.strip().split(" ", 1) for part in policy_of(site("html") / "index.html").split(";")
    )
    assert directives["default-src"] == "'self'"
    for name in ("object-src", "frame-src", "child-src", "worker-src", "manifest-src"):
        assert directives[name] == "'none'", name
    for name in ("base-uri", "form-action", "connect-src", "font-src", "media-src"):
        assert directives[name] == "'self'", name
    assert directives["img-src"] == "'self' data:"


def test_the_real_site_stays_private_with_toggle_search_and_notes_in_use(browser, site):
    server = LocalServer(site("html"))
    try:
        with visit(browser, server, "week7/05-boundaries-in-connection.html") as (page, traffic):
            for _ in range(3):
                page.locator(".theme-toggle:visible").first.click()
            page.locator(".course-card.reflection textarea").first.fill("A private thought.")
            page.goto(server.url + "search.html?q=boundaries")
            page.locator("#search-results li").first.wait_for()
            page.goto(server.url + "week7/workbook.html")
            page.get_by_role("button", name="Download my notes").is_visible()
            assert page.evaluate("window.cspViolations") == []
            assert traffic.offsite == [] and traffic.console_errors == []
    finally:
        server.close()


AUTOBUILD_SCRIPT = "<script>window.liveReloadReady = true;</script></body>"


@pytest.mark.parametrize("live", [False, True])
def test_live_preview_lets_the_reload_script_run_and_only_there(browser, tmp_path, live):
    """sphinx-autobuild injects an inline script before </body>; only `make livehtml`
    builds pages that let it run."""
    out = tmp_path / "html"
    options = ["-D", "content_security_live_preview=1"] if live else []
    result = lenient_build(REPO / "tests" / "roots" / "test-notes", out, *options)
    assert result.returncode == 0, result.stderr
    page_file = out / "section.html"
    page_file.write_text(page_file.read_text().replace("</body>", AUTOBUILD_SCRIPT))
    server = LocalServer(out)
    try:
        with visit(browser, server, "section.html") as (page, _):
            assert page.evaluate("window.liveReloadReady === true") is live
            assert (page.locator(POLICY_META).count() == 0) is live
    finally:
        server.close()


def test_only_livehtml_switches_the_policy_off():
    makefile = (REPO / "Makefile").read_text()
    recipes = dict(re.findall(r"^([a-z-]+):.*\n((?:\t.*\n)+)", makefile, re.M))
    assert "content_security_live_preview=1" in recipes["livehtml"]
    assert all(
        "content_security_live_preview" not in body for name, body in recipes.items() if name != "livehtml"
    )
    for published in (
        ".readthedocs.yaml",
        ".github/workflows/pages.yml",
        ".github/workflows/ci.yml",
        "conf.py",
    ):
        assert "content_security_live_preview" not in (REPO / published).read_text(), published
