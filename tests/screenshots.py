"""`make screenshots`: every page as desktop light, desktop dark and phone light PNGs under
_build/screenshots/, for reviewers of a pull request. Not a test: nothing is compared."""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).parent))
from browser import CHROMIUM, CHROMIUM_ARGS, PAGES, LocalServer, visit

VIEWS = {"desktop-light": ("light", 1280), "desktop-dark": ("dark", 1280), "phone-light": ("light", 375)}


def main(site: Path, output: Path) -> None:
    output.mkdir(parents=True, exist_ok=True)
    server = LocalServer(site)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for path in PAGES:
            for view, (mode, width) in VIEWS.items():
                with visit(browser, server, path, mode=mode, width=width) as (page, _):
                    name = path.replace("/", "--").removesuffix(".html")
                    page.screenshot(path=str(output / f"{name}--{view}.png"), full_page=True)
        browser.close()
    server.close()
    print(f"{len(PAGES) * len(VIEWS)} screenshots in {output}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
