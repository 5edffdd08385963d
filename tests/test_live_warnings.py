"""`make livehtml` shows the build's warnings on the page (_ext/course_site/live_warnings.py): a copy
of the real site with a broken reference, built in live-preview mode, shows the located
warning in a banner on every page, in a real browser; once the source is fixed, the
incremental rebuild's pages show none; a normal build carries no banner script."""

from __future__ import annotations

from test_incremental import copy_site, edit, first, middle_section, week

from browser import LocalServer, visit
from conftest import soup, sphinx_build

# The broken reference is the one warning: the edit to the author's paragraph is allowed.
LIVE = ("-D", "content_security_live_preview=1", "-D", "suppress_warnings=course_text")
BROKEN = " See {ref}`no-such-card`."


def banner(browser, server, path: str) -> str | None:
    with visit(browser, server, path) as (page, _):
        page.wait_for_load_state("networkidle")
        found = page.query_selector("aside.live-warnings")
        return found.inner_text() if found else None


def test_live_preview_shows_the_build_warnings_located_in_a_banner(browser, tmp_path):
    source = copy_site(tmp_path / "src")
    page = middle_section(source)
    paragraph = first(r"^[A-Z][^\n]*[.?!]$", page)[0]
    edit(page, paragraph + "\n", paragraph + BROKEN + "\n")
    out = tmp_path / "live"
    result = sphinx_build(source, out, "html", *LIVE)
    assert result.returncode != 0 and "no-such-card" in result.stderr
    line = next(n for n, text in enumerate(page.read_text().splitlines(), 1) if "no-such-card" in text)
    server = LocalServer(out)
    try:
        folder = week(source).name
        for path in ("index.html", f"{week(source).sections[0]}.html"):
            text = banner(browser, server, path)
            assert text is not None, path
            assert f"{folder}/{page.name}:{line}: WARNING: undefined label: 'no-such-card' [ref.ref]" in text
            assert "1 warning" in text
        edit(page, BROKEN, "")
        fixed = sphinx_build(source, out, "html", *LIVE)
        assert fixed.returncode == 0 and not fixed.stderr, fixed.stderr
        assert banner(browser, server, "index.html") is None
    finally:
        server.close()


def test_a_normal_build_has_no_banner_script(site):
    scripts = [tag.get("src", "") for tag in soup(site("html") / "index.html").find_all("script")]
    assert scripts and not any("live-warnings" in src for src in scripts)
