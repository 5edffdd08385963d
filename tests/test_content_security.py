"""Content security against a hostile pull request: every page of the hostile corpus
(tests/roots/test-hostile, one way to run, load, restyle, redirect, read or fetch something
each) fails the strict build with a located, typed warning and, built without -W, is inert
in a real browser with the rest of its page intact; no byte of a file outside the source
folder ships and nothing is fetched; the page-level check catches what a bypassed sanitizer
lets through; the policy's hashes come from the templates alone; live preview reloads."""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from browser import LocalServer, visit
from conftest import FIRST_WEEK, REPO, soup, sphinx_build

HOSTILE = REPO / "tests" / "roots" / "test-hostile"
CASES = sorted(p.stem for p in HOSTILE.iterdir() if p.suffix in (".md", ".rst") and p.stem != "index")
POLICY_META = 'meta[http-equiv="Content-Security-Policy"]'
CANARY = "The rest of this page stays as written."
# Markdown itself reads an HTML block opened by "<!--" to the end of the file, so on this
# page the canary is inside the unclosed comment, dropped with it (and warned about). Where
# Markdown's and HTML's ends of a block differ ("--!>", "</SCRIPT >"), the canary ships as
# text of the section rather than a paragraph of its own.
CANARY_SWALLOWED = {"comment-unclosed", "include-self", "deep-nesting"}
# A page that is not UTF-8 is left out of the site whole.
LEFT_OUT = {"not-utf8-page"}
SUBTYPES = "html|meta|url|remote|file|path|fetch|config|source|limit|layout"
# A file name that would carry markup into links, the head and the footer; made by the
# fixture, since no checkout on Windows could hold it.
UNSAFE_NAME = 'name"><img src=x onerror=window.pwned=1>'


class Listener:
    """An HTTP server on 127.0.0.1 that counts every request made to it."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                listener.requests.append(self.path)
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"<script>window.pwned = 'fetched';</script>")

            def log_message(self, format, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_port
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """The corpus copied (symlinks kept) beside a folder of secrets it must never read, its
    URLs pointing at a listener; the build's environment carries a secret too."""
    base = tmp_path_factory.mktemp("hostile")
    source = base / "corpus"
    shutil.copytree(HOSTILE, source, symlinks=True)
    outside = base / "outside"
    outside.mkdir()
    secret = "outside-secret-" + secrets.token_hex(8)
    (outside / "secret.txt").write_text(secret + "\n")
    shutil.copy(HOSTILE / "pictures" / "dot.png", outside / "secret.png")
    listener = Listener()
    for page in source.glob("*url.md"):
        page.write_text(page.read_text().replace("PORT", str(listener.port)))
    (source / f"{UNSAFE_NAME}.md").write_text("# A page with a name that is markup\n\n" + CANARY + "\n")
    env = {
        **os.environ,
        "PYTHONPATH": str(REPO / "_ext"),
        "HOSTILE_BUILD_SECRET": "env-secret-" + secrets.token_hex(8),
    }
    yield {"source": source, "secret": secret, "env": env, "listener": listener, "base": base}
    listener.close()


def lenient_build(srcdir: Path, outdir: Path, *options: str, env=None) -> subprocess.CompletedProcess:
    """A build without -W, as a careless contributor might run it."""
    return subprocess.run(
        [sys.executable, "-m", "sphinx", "-q", "-b", "html", *options, str(srcdir), str(outdir)],
        capture_output=True,
        text=True,
        check=False,
        env=env or {**os.environ, "PYTHONPATH": str(REPO / "_ext")},
    )


@pytest.fixture(scope="module")
def strict(corpus):
    result = sphinx_build(corpus["source"], corpus["base"] / "strict" / "html", "html", env=corpus["env"])
    result.stderr = re.sub(r"\x1b\[[0-9;]*m", "", result.stderr)
    return result


# Sphinx's own entry point, reporting its processor time (which another process on the
# machine does not stretch, as it does the wall clock) and its peak memory.
MEASURED = """
import resource, sys
from sphinx.cmd.build import main
code = main(sys.argv[1:])
used = resource.getrusage(resource.RUSAGE_SELF)
print(f"measured: {used.ru_utime + used.ru_stime:.1f} s {used.ru_maxrss / 1024:.0f} MiB", file=sys.stderr)
sys.exit(code)
"""


@pytest.fixture(scope="module")
def lenient(corpus):
    out = corpus["base"] / "lenient" / "html"
    result = subprocess.run(
        [sys.executable, "-c", MEASURED, "-q", "-b", "html", str(corpus["source"]), str(out)],
        capture_output=True,
        text=True,
        check=False,
        env=corpus["env"],
    )
    assert result.returncode == 0, result.stderr
    seconds, mebibytes = re.search(r"measured: ([\d.]+) s (\d+) MiB", result.stderr).groups()
    corpus["measured"] = float(seconds), int(mebibytes)
    return out


def test_the_whole_corpus_builds_within_a_minute_and_a_gigabyte(corpus, lenient):
    """Every attack at once, the huge options and the endless includes among them, stays
    within the budget one content page may cost: a minute of processor time and a gigabyte."""
    seconds, mebibytes = corpus["measured"]
    assert seconds < 60 and mebibytes < 1024, corpus["measured"]


@pytest.fixture(scope="module")
def hostile_site(lenient):
    server = LocalServer(lenient)
    yield server
    server.close()


def test_the_corpus_has_every_kind_of_attack():
    assert len(CASES) >= 50
    kinds = {
        "comments the browser reads differently": [
            "comment-short-close",
            "comment-three-dash",
            "comment-bang-close",
            "comment-across-blocks",
        ],
        "unclosed comments and tags": [
            "comment-unclosed",
            "comment-unclosed-raw",
            "unclosed-small",
            "unclosed-rtl",
        ],
        "active files": [
            "svg-image",
            "svg-figure",
            "svg-markdown-image",
            "svg-named-png",
            "html-download",
            "html-markdown-link",
            "script-downloads",
            "text-that-is-html",
        ],
        "files from outside": [
            "include-outside",
            "include-literal-outside",
            "include-rest",
            "eval-rst-include",
            "literalinclude-environ",
            "literalinclude-diff",
            "literalinclude-symlink",
            "raw-file-absolute",
            "csv-file-outside",
            "image-outside",
            "download-outside",
            "download-symlink",
        ],
        "fetching": ["raw-url", "csv-url"],
        "the first round": [
            "forged-marker-style",
            "forged-marker-script",
            "script-in-heading",
            "meta-refresh-front-matter",
            "meta-refresh-raw",
        ],
    }
    for kind, names in kinds.items():
        assert set(names) <= set(CASES), kind
    assert (HOSTILE / "passwd-link.txt").is_symlink()


def test_the_strict_build_fails(strict):
    assert strict.returncode != 0


@pytest.mark.parametrize("case", CASES)
def test_each_case_is_a_located_typed_warning(strict, case):
    source = next(HOSTILE.glob(f"{case}.*")).name
    located = re.findall(
        rf"{re.escape(source)}:(\d+): WARNING: .*\[content_security\.({SUBTYPES})\]$",
        strict.stderr,
        re.M,
    )
    assert located, f"{source}: no located content_security warning in\n{strict.stderr}"
    assert "Traceback" not in strict.stderr


def test_a_page_whose_name_is_markup_is_left_out_and_named(strict, lenient):
    assert re.search(
        r"WARNING: the file name 'name\"><img src=x onerror=window.pwned=1>' holds characters .*"
        r"\[content_security\.source\]$",
        strict.stderr,
        re.M,
    )
    assert not [page for page in lenient.rglob("*.html") if "onerror" in page.name]
    for page in lenient.rglob("*.html"):
        assert "onerror=window.pwned" not in page.read_text(), page


def test_content_runs_no_code_and_writes_nothing_at_build(corpus, strict, lenient):
    """Front matter cannot switch on substitutions: their Jinja would have read the
    secret and written a file beside the corpus."""
    assert not (corpus["base"] / "written-by-content").exists()
    page = (lenient / "front-matter-substitution.html").read_text()
    assert "{{ secret }}" in page and corpus["secret"] not in page
    assert not (lenient / "not-utf8-page.html").exists()


def test_what_content_may_do_still_ships(strict, lenient):
    """The index page uses every allowed thing; none of it is refused."""
    assert "index.md" not in strict.stderr
    page = soup(lenient / "index.html")
    article = page.select_one("article")
    assert article.select_one("kbd").get_text() == "Ctrl"
    assert article.select_one("abbr")["title"] == "for example"
    assert "a safe snippet" in article.get_text()
    assert "A plain note to take home." in article.select_one("pre").get_text()
    assert (lenient / "_images" / "dot.png").read_bytes() == (HOSTILE / "pictures" / "dot.png").read_bytes()
    assert [p.name for p in (lenient / "_downloads").rglob("*") if p.is_file()] == ["plain.txt"]


def test_no_byte_of_an_outside_file_ships_and_nothing_is_fetched(corpus, strict, lenient):
    secrets_ = [
        corpus["secret"],
        corpus["env"]["HOSTILE_BUILD_SECRET"],
        Path("/etc/passwd").read_text().splitlines()[0],
    ]
    for output in (lenient, corpus["base"] / "strict" / "html"):
        for path in output.rglob("*"):
            if path.is_file():
                data = path.read_bytes()
                for secret in secrets_:
                    assert secret.encode() not in data, f"{secret[:12]}… in {path}"
    assert corpus["listener"].requests == [], "the build fetched nothing"
    from_content = [
        p for folder in ("_images", "_downloads") for p in (lenient / folder).rglob("*") if p.is_file()
    ]
    assert sorted(p.name for p in from_content) == ["dot.png", "plain.txt"]


def test_another_builder_ships_nothing_active_either(corpus, tmp_path):
    """The e-book builder reads the same doctrees: no script, refresh, SVG or outside byte
    reaches any of its files."""
    import zipfile

    result = lenient_build(corpus["source"], tmp_path / "epub", "-b", "epub", env=corpus["env"])
    assert result.returncode == 0, result.stderr
    (book,) = (tmp_path / "epub").glob("*.epub")
    with zipfile.ZipFile(book) as archive:
        names = archive.namelist()
        assert not [
            name
            for name in names
            if name.lower().endswith((".svg", ".js", ".html", ".xml"))
            and "META-INF" not in name
            and name != "content.opf"
        ]
        for name in names:
            data = archive.read(name)
            assert corpus["secret"].encode() not in data and b"root:x:0:0" not in data, name
            if name.endswith(".xhtml"):
                page = soup_of(data)
                assert page.select("script, iframe, object, embed, form, base, [onload], [onerror]") == [], (
                    name
                )
                assert page.select('meta[http-equiv="refresh"], meta[http-equiv="Refresh"]') == [], name


def soup_of(data: bytes):
    from bs4 import BeautifulSoup

    return BeautifulSoup(data, "html.parser")


INERT = f"""() => ({{
  pwned: typeof window.pwned,
  background: getComputedStyle(document.body).backgroundColor,
  tall: [...document.querySelectorAll('article *')].some(el => el.getBoundingClientRect().height > 3000),
  policy: document.querySelector('meta[http-equiv="Content-Security-Policy"]')?.content,
  active: document.querySelectorAll('article :is(script, style, meta, link, base, iframe, object, embed, form, svg)').length,
  footer: !!document.querySelector('footer .bottom-of-page, footer'),
  theme: document.body.dataset.theme,
  chrome: document.querySelectorAll('.sidebar-drawer :is(script, style, meta, iframe), .toc-drawer :is(script, style, meta, iframe)').length
    + (document.title.includes('<') ? 1 : 0),
  canaries: (() => {{
    const found = [], walker = document.createTreeWalker(document.querySelector('article'), NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) if (walker.currentNode.data.includes({CANARY!r})) found.push(walker.currentNode.parentElement);
    return found.map(el => ({{size: getComputedStyle(el).fontSize, dir: getComputedStyle(el).direction}}));
  }})(),
  paragraph: getComputedStyle(document.querySelector('article p') || document.body).fontSize,
}})"""


@pytest.fixture(scope="module")
def reader(browser, hostile_site):
    """One page, reused case after case, with its traffic watched."""
    with visit(browser, hostile_site, "index.html") as (page, traffic):
        yield page, traffic


@pytest.mark.parametrize("case", sorted(set(CASES) - LEFT_OUT))
def test_each_case_is_inert_in_the_browser_and_the_rest_of_the_page_intact(reader, hostile_site, case):
    page, traffic = reader
    traffic.offsite.clear()
    target = f"{hostile_site.url}{case}.html"
    page.goto(target, wait_until="load")
    page.wait_for_timeout(150)  # a refresh after 0 s has fired by now
    links = page.evaluate(
        "[...document.querySelectorAll('article a[href], article area[href]')].map(a => a.href)"
    )
    assert [link for link in links if not link.startswith(hostile_site.url)] == [], "links stay on the site"
    state = page.evaluate(INERT)
    assert page.url == target, "the page did not navigate"
    assert state["pwned"] == "undefined", "no content script ran"
    assert state["background"] != "rgb(255, 0, 0)", "no content style applied"
    assert not state["tall"], "no content style attribute applied"
    assert state["active"] == 0, "no active element in the article"
    assert state["chrome"] == 0, "nothing active in the navigation, contents or title either"
    assert state["policy"], "the page carries the policy"
    assert state["footer"] and state["theme"], "the footer is there and the theme's script ran"
    if case not in CANARY_SWALLOWED:
        assert state["canaries"], "the text after the attack is on the page"
        for canary in state["canaries"]:
            assert canary == {"size": state["paragraph"], "dir": "ltr"}, "and normally styled"
    assert traffic.offsite == [], "no request left 127.0.0.1"


@pytest.mark.parametrize(
    "fragment",
    [
        "<!--> <script>window.pwned = 1</script>",
        "<!---> <script>window.pwned = 1</script>",
        "<!-- x --!><script>window.pwned = 1</script>",
        "<!----!><script>window.pwned = 1</script>",
        "<!-- x -- ><script>window.pwned = 1</script> -->",
        "<!--<!-- x --><script>window.pwned = 1</script>",
        '<span title="-->"><script>window.pwned = 1</script></span>',
        "<? x ><script>window.pwned = 1</script>",
        "<![CDATA[ ]]><script>window.pwned = 1</script>",
        "<scr<script>ipt>window.pwned = 1</script>",
    ],
)
def test_every_comment_spelling_ships_without_markup_or_script(fragment):
    """What ships holds neither a comment nor a script, whichever way a parser reads the
    comment: it is read again here by Lexbor, as a browser would."""
    from selectolax.lexbor import LexborHTMLParser

    from course_site.content_security.sanitize import sanitize

    result = sanitize(fragment)
    tree = LexborHTMLParser(result.html, is_fragment=True)
    tags = {node.tag for node in tree.root.traverse(include_text=True)} if tree.root else set()
    assert not tags & {"script", "-comment"}, result.html
    assert result.dropped, "and the build was told"


PAGE_CHECK_SOURCE = """# Past the first line

<p onclick="window.pwned = 1">Clicked</p>
<script>window.pwned = 2</script>

Text after.
"""


def test_the_page_check_catches_what_a_bypassed_sanitizer_lets_through(make_app, tmp_path, monkeypatch):
    """With the doctree pass switched off, the written page would carry the script and the
    handler: the page-level check fails the build at the page and ships neither."""
    from course_site.content_security import content

    (tmp_path / "conf.py").write_text((HOSTILE / "conf.py").read_text())
    (tmp_path / "index.md").write_text(PAGE_CHECK_SOURCE)
    for bypassed in (False, True):
        if bypassed:
            monkeypatch.setattr(content.ContentPolicy, "apply", lambda self, **kwargs: None)
        app = make_app("html", srcdir=tmp_path, freshenv=True)
        app.build()
        warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
        page_warnings = [line for line in warnings.splitlines() if "[content_security.page]" in line]
        if not bypassed:
            assert page_warnings == [] and "[content_security.html]" in warnings
            continue
        assert "[content_security.html]" not in warnings
        assert len(page_warnings) == 1 and "index" in page_warnings[0]
        assert "<script>" in page_warnings[0] and "onclick=" in page_warnings[0]
        article = soup(app.outdir / "index.html").select_one("article")
        assert article.select("script") == [] and article.select("[onclick]") == []
        assert "Text after." in article.get_text() and "Clicked" in article.get_text()


@pytest.mark.parametrize(
    ("name", "data", "shipped"),
    [
        ("dot.png", (HOSTILE / "pictures" / "dot.png").read_bytes(), True),
        ("photo.jpg", b"\xff\xd8\xff\xe0" + bytes(16), True),
        ("paper.pdf", b"%PDF-1.7\n", True),
        ("notes.md", b"# Notes\n\nPlain words, <kbd>no</kbd> page.\n", True),
        ("table.csv", b"a,b\n1,2\n", True),
        ("book.epub", b"PK\x03\x04" + bytes(26) + b"mimetypeapplication/epub+zip", True),
        ("drawing.svg", b"<svg xmlns='http://www.w3.org/2000/svg'><circle r='1'/></svg>", False),
        ("fake.png", b"<svg onload='x'/>", False),
        ("fake.pdf", b"<html><script>x</script>", False),
        ("page.html", b"<p>hello</p>", False),
        ("page.htm", b"<p>hello</p>", False),
        ("notes.txt", b"  \n<script>x</script>", False),
        ("bom.txt", b"\xef\xbb\xbf<html>", False),
        ("binary.txt", b"text\x00more", False),
        ("helper.JS", b"window.x = 1", False),
        ("archive.zip", b"PK\x03\x04" + bytes(40), False),
    ],
)
def test_files_ship_by_their_bytes(tmp_path, name, data, shipped):
    from course_site.content_security.files import inert

    path = tmp_path / name
    path.write_bytes(data)
    assert (inert(path) is None) is shipped


def test_inline_html_is_read_with_its_text_and_keeps_each_text_node():
    from course_site.content_security.sanitize import sanitize_run

    shipped, dropped = sanitize_run(
        ["<kbd>", 0, "</kbd> then <script>", 1, "</script><span title='", 2, "'>", 3]
    )
    assert dropped and all("kbd" not in finding for finding in dropped)
    assert shipped == ["<kbd>", 0, '</kbd> then <span title="', 2, '">', 3, "</span>"]


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
        with visit(browser, server, f"{FIRST_WEEK.sections[0]}.html") as (page, traffic):
            for _ in range(3):
                page.locator(".theme-toggle:visible").first.click()
            page.locator(".course-card.reflection textarea").first.fill("A private thought.")
            page.goto(server.url + "search.html?q=boundaries")
            page.locator("#search-results li").first.wait_for()
            page.goto(server.url + f"{FIRST_WEEK.workbook}.html")
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


def test_every_refusal_is_documented_for_contributors(strict):
    """Each rule the corpus triggers, and the page check, is explained where contributors
    look: the authoring page and CONTRIBUTING."""
    rules = set(re.findall(r"\[content_security\.(\w+)\]$", strict.stderr, re.M)) | {"page"}
    assert rules == set(SUBTYPES.split("|")) | {"page"}
    for page in ("contributing/authoring.md", "CONTRIBUTING.md"):
        text = (REPO / page).read_text()
        assert [rule for rule in sorted(rules) if f"content_security.{rule}" not in text] == [], page


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def listening_addresses(port: int) -> list[str]:
    """The addresses a TCP port listens on, from the kernel's tables (IPv4 and IPv6)."""
    import ipaddress

    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, local_port = local.split(":")
            if state == "0A" and int(local_port, 16) == port:
                raw = bytes.fromhex(address)
                # The kernel writes each 32-bit word in host (little-endian) order.
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
                found.append(str(ipaddress.ip_address(words)))
    return found


def test_make_serve_serves_the_built_site_on_127_0_0_1_only(tmp_path):
    """`make serve` (told that the site is built, with -o html) serves the build folder on
    the loopback address and nowhere else."""
    from urllib.request import urlopen

    (tmp_path / "html").mkdir()
    (tmp_path / "html" / "index.html").write_text("<p>Served from the build.</p>")
    port = free_port()
    server = subprocess.Popen(
        ["make", "-s", "-o", "html", "serve", f"BUILDDIR={tmp_path}", f"PORT={port}"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                with urlopen(f"http://127.0.0.1:{port}/index.html", timeout=1) as response:
                    assert response.read() == b"<p>Served from the build.</p>"
                    break
            except OSError:
                server.poll() is None or pytest.fail(server.stdout.read())
                import time

                time.sleep(0.1)
        else:
            pytest.fail("make serve did not answer")
        assert listening_addresses(port) == ["127.0.0.1"]
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=10)


def test_pages_read_from_disk_share_one_origin_with_every_local_file(browser, site, tmp_path):
    """Why the privacy page and README send readers to `make serve`: in Chromium, any other
    HTML file opened from disk reads the notes written on pages opened from disk."""
    section = site("html") / f"{FIRST_WEEK.sections[0]}.html"
    other = tmp_path / "someone-elses.html"
    other.write_text("<!DOCTYPE html><title>Another file</title><p>Nothing to do with the course.</p>")
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(section.as_uri())
        page.locator(".course-card.reflection textarea").first.fill("A thought written from disk.")
        page.goto(other.as_uri())
        read = page.evaluate(
            "Object.values(localStorage).some(v => v.includes('A thought written from disk.'))"
        )
        assert read is True
    finally:
        context.close()


# What a template or extension that copies content unescaped would put outside the article.
COPIED_HEAD = (
    '<script src="_downloads/payload.txt"></script>'
    '<meta http-equiv="refresh" content="0; url=https://example.org/">'
    '<link rel="stylesheet" href="_downloads/restyle.txt">'
)
COPIED_NAVIGATION = '<a href="#" onclick="window.pwned = 1">A link</a><style>body { display: none }</style>'
COPYING_CONF = f"""
def copy_content_unescaped(app, pagename, templatename, context, doctree):
    context["metatags"] = context.get("metatags", "") + {COPIED_HEAD!r}
    context["furo_navigation_tree"] = context.get("furo_navigation_tree", "") + {COPIED_NAVIGATION!r}


def setup(app):
    app.connect("html-page-context", copy_content_unescaped, priority=900)
"""


def test_the_whole_written_page_is_checked_head_and_navigation_too(make_app, tmp_path):
    """Content copied unescaped into the head or the sidebar is as refused as in the
    article: the build fails at the page, and the page ships without it."""
    (tmp_path / "conf.py").write_text((HOSTILE / "conf.py").read_text() + COPYING_CONF)
    (tmp_path / "index.md").write_text("# A page\n\nText of the page.\n")
    app = make_app("html", srcdir=tmp_path, freshenv=True)
    app.build()
    warnings = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    page_warnings = [line for line in warnings.splitlines() if "[content_security.page]" in line]
    # Every page is checked, the search page and the index too.
    assert len(page_warnings) == 3 and any("search.html" in line for line in page_warnings)
    (warning,) = [line for line in page_warnings if "index.md" in line]
    for found in ("<script>", "<meta>", "<link>", "onclick= on <a>", "<style>"):
        assert found in warning, found
    page = soup(app.outdir / "index.html")
    assert page.select('script[src*="payload"], meta[http-equiv="refresh"], link[href*="restyle"]') == []
    assert page.select("[onclick]") == [] and "display: none" not in str(page.select("style"))
    assert page.select_one(POLICY_META) and page.select('script[src*="furo.js"]')
    assert "Text of the page." in page.select_one("article").get_text()


def test_script_files_run_only_from_the_script_folder(site):
    """The page's first script adds the policy that names the site's script folder and
    search index; the policy allows it, and only it, of everything the page writes inline."""
    from course_site.content_security.policy import SCRIPT_FOLDER, sha256

    page = soup(site("html") / f"{FIRST_WEEK.workbook}.html")
    first = page.select_one("head script")
    assert first.string == SCRIPT_FOLDER and first["data-root"] == "../"
    assert first.find_previous_sibling("meta", attrs={"http-equiv": "Content-Security-Policy"})
    directives = dict(
        part.strip().split(" ", 1) for part in policy_of(site("html") / "index.html").split(";")
    )
    assert sha256(SCRIPT_FOLDER) in directives["script-src"].split()
    assert (
        "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"]
    )


def test_no_file_of_the_site_runs_unless_it_is_the_sites_own_script(browser, lenient, tmp_path):
    """Whatever got a <script src> onto a page: a file content ships (a download, an image,
    a page's source, whose bytes are JavaScript) does not run, however it is named; the
    site's own scripts still do."""
    out = tmp_path / "html"
    shutil.copytree(lenient, out)
    payloads = ["_downloads/payload.txt", "_images/payload.png", "_sources/payload.md.txt", "payload.js"]
    for payload in payloads:
        (out / payload).parent.mkdir(exist_ok=True)
        (out / payload).write_text(f"window.pwned = {payload!r};\n")
    page_file = out / "index.html"
    injected = "".join(f'<script src="{payload}"></script>' for payload in payloads)
    page_file.write_text(page_file.read_text().replace("</head>", injected + "</head>", 1))
    server = LocalServer(out)
    try:
        with visit(browser, server, "index.html") as (page, _):
            page.wait_for_timeout(150)
            assert page.evaluate("typeof window.pwned") == "undefined"
            assert page.evaluate("document.body.dataset.theme"), "the theme's own script ran"
            assert page.evaluate("document.documentElement.classList.contains('no-js')") is False
    finally:
        server.close()


def test_a_changed_asset_reaches_every_page_on_the_next_build(tmp_path):
    """Every page names its scripts and stylesheets with their checksums: a changed script
    rewrites every page, not only the pages an edit touched."""
    import zlib

    source = tmp_path / "source"
    shutil.copytree(REPO / "tests" / "roots" / "test-notes", source)
    (source / "_static").mkdir(exist_ok=True)
    (source / "_static" / "extra.js").write_text("window.extra = 1;\n")
    conf = source / "conf.py"
    conf.write_text(conf.read_text() + '\nhtml_static_path = ["_static"]\nhtml_js_files = ["extra.js"]\n')
    out = tmp_path / "html"

    def stale_checksums() -> list[str]:
        stale = []
        for page in out.rglob("*.html"):
            for script in soup(page).select('script[src*="?v="]'):
                path, checksum = script["src"].split("?v=")
                if f"{zlib.crc32((page.parent / path).resolve().read_bytes()):08x}" != checksum:
                    stale.append(f"{page.name}: {path}")
        return stale

    assert sphinx_build(source, out, "html").returncode == 0
    assert stale_checksums() == []
    (source / "_static" / "extra.js").write_text("window.extra = 2;\n")
    section = source / "section.md"
    section.write_text(section.read_text() + "\nA sentence added.\n")
    result = sphinx_build(source, out, "html", quiet=False)
    assert result.returncode == 0, result.stderr
    assert "every page is written again" in result.stdout
    assert stale_checksums() == []
    again = sphinx_build(source, out, "html", quiet=False)
    assert "every page is written again" not in again.stdout and "writing output... [" not in again.stdout


OVERLAYS = """
```{button-link} https://example.org/
:click-parent:

Away
```

:::{container} back-to-top sd-stretched-link
A block that takes the theme's fixed place.
:::

"""


@pytest.mark.parametrize("width", [375, 1280])
def test_a_click_into_the_notes_box_or_the_care_line_stays_there(browser, tmp_path, width):
    """What would lay a link or a block over the page is refused, so the reader's click
    into the notes box, and onto the care line, reaches them and leaves nothing."""
    source = tmp_path / "course"
    shutil.copytree(REPO / "tests" / "roots" / "test-guide", source)
    conf = source / "conf.py"
    conf.write_text(
        conf.read_text().replace(
            '"course_site.reader_guide"', '"course_site.reader_guide", "course_site.content_security"'
        )
        + '\nhtml_theme = "furo"\ncourse_cards_notes = True\n'
    )
    section = source / "week1" / "01-arriving.md"
    title, _, rest = section.read_text().partition("\n")
    section.write_text(title + "\n" + OVERLAYS + rest)
    result = lenient_build(source, tmp_path / "html")
    assert result.returncode == 0, result.stderr
    assert "[content_security.layout]" in result.stderr
    server = LocalServer(tmp_path / "html")
    try:
        with visit(browser, server, "week1/01-arriving.html", width=width, height=800) as (
            page,
            traffic,
        ):
            target = page.url
            for selector in (".course-card.reflection textarea", ".course-care-line"):
                element = page.locator(selector).first
                element.scroll_into_view_if_needed()
                box = element.bounding_box()
                on_top = page.evaluate(
                    "([x, y, selector]) => document.querySelector(selector).contains(document.elementFromPoint(x, y))",
                    [box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, selector],
                )
                assert on_top, f"{selector} is under something"
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
                page.wait_for_timeout(100)
                assert page.url == target
            assert traffic.offsite == []
    finally:
        server.close()
