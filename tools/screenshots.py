"""`make screenshots`: PNGs for reviewers of a pull request, under _build/screenshots/.

- site/: every page of the built site in light and dark, on a desktop and on a phone, and
  one page of each kind a reader prints (home, week, a section, the workbook, the
  metaphors) as printed;
- themes/: the card extension's example page in every theme the tests measure, in each
  mode the theme offers, so a reviewer sees the cards outside Furo too.

Nothing is compared here: the browser tests do the measuring."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(REPO / "tests"), str(REPO / "_ext")]
from browser import CHROMIUM, CHROMIUM_ARGS, PAGES, LocalServer, visit  # noqa: E402
from conftest import sphinx_build  # noqa: E402
from test_themes import ROOT as THEMES_ROOT  # noqa: E402
from test_themes import THEMES  # noqa: E402

VIEWS = {
    "desktop-light": ("light", 1280),
    "desktop-dark": ("dark", 1280),
    "phone-light": ("light", 375),
    "phone-dark": ("dark", 375),
}
PRINTED = [
    "index.html",
    "week7/index.html",
    "week7/05-boundaries-in-connection.html",
    "week7/workbook.html",
    "week7/metaphors.html",
]
A4_WIDTH = 794  # CSS pixels


def shoot(
    browser, server: LocalServer, path: str, mode: str, width: int, target: Path, media: str = "screen"
) -> None:
    with visit(browser, server, path, mode=mode, width=width) as (page, _):
        page.emulate_media(media=media)
        page.screenshot(path=str(target), full_page=True)


def build_theme(theme: str, output: Path) -> Path:
    out = output / "builds" / theme
    result = sphinx_build(THEMES_ROOT, out, "html", "-D", f"html_theme={theme}")
    if result.returncode:
        sys.exit(f"the {theme} example did not build:\n{result.stderr}")
    return out


def main(site: Path, output: Path) -> None:
    (output / "site").mkdir(parents=True, exist_ok=True)
    (output / "themes").mkdir(parents=True, exist_ok=True)
    count = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        server = LocalServer(site)
        for path in PAGES:
            name = path.replace("/", "--").removesuffix(".html")
            for view, (mode, width) in VIEWS.items():
                shoot(browser, server, path, mode, width, output / "site" / f"{name}--{view}.png")
                count += 1
            if path in PRINTED:
                shoot(
                    browser, server, path, "light", A4_WIDTH, output / "site" / f"{name}--print.png", "print"
                )
                count += 1
        server.close()
        for theme, modes in THEMES.items():
            server = LocalServer(build_theme(theme, output))
            for mode in modes:
                shoot(browser, server, "index.html", mode, 1000, output / "themes" / f"{theme}--{mode}.png")
                count += 1
            server.close()
        browser.close()
    print(f"{count} screenshots in {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
