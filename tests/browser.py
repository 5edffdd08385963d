"""A real browser against the built site: Debian's Chromium driven by Playwright,
pages served on 127.0.0.1 only, every request watched."""

from __future__ import annotations

import os
import re
import shutil
import threading
import weakref
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import REPO

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # No other host is reachable, not even localhost: requests to any host but 127.0.0.1 go
    # to a proxy on a closed port and fail; the traffic watch records each of them.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>;127.0.0.1",
]
MISSING_TOOL = (
    "BROWSER TESTS NOT RUN: {tool} is missing. "
    "Run `make browser-deps` (Debian's chromium and poppler-utils) to run them."
)

# Every page the site builds: its MyST sources, plus Sphinx's search page.
PAGES = sorted(
    str(path.relative_to(REPO).with_suffix(".html"))
    for pattern in ("index.md", "privacy.md", "week*/*.md", "contributing/*.md")
    for path in REPO.glob(pattern)
) + ["search.html"]

# light: Furo's toggle set to light; dark: toggle set to dark; os-dark: toggle on auto
# with the operating system asking for dark.
MODES = {"light": ("light", "light"), "dark": ("dark", "light"), "os-dark": ("auto", "dark")}
WIDTHS = {"desktop": 1280, "phone": 375}


def require_tool(tool: str) -> None:
    """Skip, loudly, where a tool is missing; under CI=true a missing tool is a failure."""
    if Path(tool).exists() or shutil.which(tool):
        return
    message = MISSING_TOOL.format(tool=tool)
    if os.environ.get("CI") == "true":
        pytest.fail(message + " CI must have it: .ci/run installs it.")
    print(f"\n{message}\n")
    pytest.skip(message)


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        pass

    def send_error(self, code, message=None, explain=None):
        # Chromium asks a site for /favicon.ico, after the page has loaded, when the page
        # names no icon: small test projects name none (the site does: test_site.py).
        if code == 404 and self.path == "/favicon.ico":
            self.send_response(204)
            self.end_headers()
            return
        super().send_error(code, message, explain)


class LocalServer:
    """Serves a folder on 127.0.0.1 on a free port, in a thread."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=str(root)))
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


RECORD_CSP_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation",
  (e) => window.cspViolations.push(`${e.violatedDirective} ${e.sourceFile}:${e.lineNumber}`));
"""


@dataclass
class Traffic:
    """What a page asked for and what went wrong while it loaded."""

    origin: str
    offsite: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)

    def watch(self, context, page):
        """Watches ``page`` and every request of ``context``; returns what ends the watch
        of the context (the page's own listeners close with it). Requests are recorded,
        not intercepted: the browser's proxy setting already fails every other host's, and
        an intercepted request waits for Python (a fifth of a visit's time)."""
        script = context.add_init_script(RECORD_CSP_VIOLATIONS)
        context.on("request", self.note_offsite)
        page.on("requestfailed", lambda request: self.failed.append(request.url))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.status} {r.url}"))
        page.on("console", lambda m: m.type == "error" and self.console_errors.append(m.text))
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))

        def unwatch() -> None:
            context.remove_listener("request", self.note_offsite)
            script.close()

        return unwatch

    def note_offsite(self, request) -> None:
        url = request.url
        if not url.startswith(("data:", "blob:")) and urlparse(url).netloc != urlparse(self.origin).netloc:
            self.offsite.append(url)


# Chromium spends about twice as long on a page in a new browser context as on a page in a
# context it keeps open (its processes and caches stay warm only while the context holds a
# page), and the browser tests open hundreds of pages. So visit() keeps one context per
# browser and set of options, holding one blank page that runs nothing, and starts each visit
# as a new context would: the last visit's pages closed, its scripts and watch removed, and
# the cookies, storage and HTTP cache of the site it opens cleared (the browser reaches no
# other site).
_CONTEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass
class ReusedContext:
    context: object
    blank: object

    def close_pages(self) -> None:
        for page in self.context.pages:
            if page is not self.blank:
                page.close()


def reused_context(browser, **options) -> ReusedContext:
    contexts = _CONTEXTS.setdefault(browser, {})
    key = tuple(sorted((name, repr(value)) for name, value in options.items()))
    if key not in contexts:
        context = browser.new_context(**options)
        contexts[key] = ReusedContext(context, context.new_page())
    return contexts[key]


def clear_site_data(context, page, url: str) -> None:
    """Nothing left from an earlier visit: no cookies, and for the site at ``url`` no
    localStorage, IndexedDB, Cache Storage or service worker; and an empty HTTP cache."""
    context.clear_cookies()
    context.clear_permissions()
    origin = "{0.scheme}://{0.netloc}".format(urlparse(url))
    session = context.new_cdp_session(page)
    try:
        session.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "all"})
        session.send("Network.clearBrowserCache")
    finally:
        session.detach()


@contextmanager
def visit(
    browser,
    server: LocalServer,
    path: str,
    *,
    mode: str = "light",
    width: int = 1280,
    height: int = 900,
    javascript: bool = True,
):
    """A page with nothing stored, showing one page of ``server``, with its traffic watched;
    every page the visit opened is closed after."""
    theme, scheme = MODES[mode]
    reused = reused_context(
        browser,
        viewport={"width": width, "height": height},
        color_scheme=scheme,
        java_script_enabled=javascript,
    )
    context = reused.context
    page = context.new_page()
    undo = []
    try:
        clear_site_data(context, page, server.url)
        # Furo keeps the reader's choice under "theme"; PyData and Book under "mode" and "theme".
        undo.append(
            context.add_init_script(
                f"localStorage.setItem('theme', '{theme}'); localStorage.setItem('mode', '{theme}')"
            ).close
        )
        traffic = Traffic(server.url)
        undo.append(traffic.watch(context, page))
        page.goto(server.url + path, wait_until="load")
        yield page, traffic
    finally:
        reused.close_pages()
        for step in undo:
            step()


def parse_colour(value: str) -> tuple[float, float, float, float]:
    """rgb()/rgba() or color(srgb …) as computed by Chromium, to 0–1 channels and alpha."""
    if value.startswith("color(srgb"):
        parts = value[len("color(srgb") :].strip(" )").replace("/", " ").split()
        r, g, b = (float(p) for p in parts[:3])
        return r, g, b, float(parts[3]) if len(parts) > 3 else 1.0
    numbers = [float(n) for n in re.findall(r"[\d.]+", value)]
    r, g, b = (n / 255 for n in numbers[:3])
    return r, g, b, numbers[3] if len(numbers) > 3 else 1.0


def over(top, bottom):
    """top composited over an opaque bottom."""
    alpha = top[3]
    return tuple(t * alpha + b * (1 - alpha) for t, b in zip(top[:3], bottom[:3], strict=True)) + (1.0,)


def luminance(colour) -> float:
    def linear(c):
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a, b) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


CARD_COLOURS = """() => {
  const paint = el => getComputedStyle(el).backgroundColor;
  // What shows behind an element: the nearest ancestor that paints a background.
  const behind = el => {
    for (let up = el.parentElement; up; up = up.parentElement) {
      const colour = paint(up);
      if (colour !== 'rgba(0, 0, 0, 0)' && colour !== 'transparent') return colour;
    }
    return 'rgb(255, 255, 255)';
  };
  return [...document.querySelectorAll('.course-card')].map(card => ({
    id: card.id,
    page: behind(card),
    background: paint(card),
    accent: getComputedStyle(card).borderLeftColor,
    icon: paint(card.querySelector('.course-card-icon')),
    texts: [...card.querySelectorAll('.course-card-kind, .course-card-title, p, li, a')]
      .map(el => [el.tagName + '.' + el.className, getComputedStyle(el).color]),
  }));
}"""


def card_contrasts(page):
    failures = []
    for card in page.evaluate(CARD_COLOURS):
        page_background = parse_colour(card["page"])
        background = over(parse_colour(card["background"]), page_background)
        for name, colour in card["texts"]:
            ratio = contrast(over(parse_colour(colour), background), background)
            if ratio < 4.5:
                failures.append(f"{card['id']} {name}: text {ratio:.2f}:1")
        for part in ("accent", "icon"):
            colour = over(parse_colour(card[part]), background)
            ratio = min(contrast(colour, background), contrast(colour, page_background))
            if ratio < 3:
                failures.append(f"{card['id']} {part}: {ratio:.2f}:1")
    return failures
