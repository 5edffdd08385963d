"""Cards in any theme: the extension's own colours where a theme names none, mapped onto
the theme's where it does, in light and dark. Measured in a real browser."""

from __future__ import annotations

import pytest

from browser import LocalServer, card_contrasts, visit
from conftest import REPO, sphinx_build, two_at_a_time

ROOT = REPO / "tests" / "roots" / "test-themes"

# Each theme with the modes it offers; "os-dark" is Furo's auto setting on a dark system.
THEMES = {
    "alabaster": ["light"],
    "sphinx_rtd_theme": ["light"],
    "pydata_sphinx_theme": ["light", "dark"],
    "sphinx_book_theme": ["light", "dark"],
    "furo": ["light", "dark", "os-dark"],
}
MATRIX = [(theme, mode) for theme, modes in THEMES.items() for mode in modes]

# Which element carries a theme's dark switch, to check the mode really took effect.
DARK_SWITCH = {
    "pydata_sphinx_theme": "document.documentElement.dataset.theme",
    "sphinx_book_theme": "document.documentElement.dataset.theme",
    "furo": "getComputedStyle(document.body).getPropertyValue('--color-background-primary')",
}

STYLE_FACTS = """() => {
  const px = (el, prop) => parseFloat(getComputedStyle(el).getPropertyValue(prop));
  const card = document.querySelector('.course-card');
  const kind = card.querySelector('.course-card-kind');
  const body = card.querySelector('.course-card-body p, .course-card-body li');
  const button = document.querySelector('.course-notes-tools button');
  const field = document.querySelector('.course-notes-field');
  return {
    accentWidth: px(card, 'border-left-width'),
    iconWidth: px(card.querySelector('.course-card-icon'), 'width'),
    kindSize: px(kind, 'font-size'),
    bodySize: px(body, 'font-size'),
    buttonBorder: button ? getComputedStyle(button).borderTopStyle : null,
    buttonPadding: button ? px(button, 'padding-left') : 0,
    fieldBorder: field ? getComputedStyle(field).borderTopStyle : null,
  };
}"""


@pytest.fixture(scope="module")
def theme_sites(tmp_path_factory):
    base = tmp_path_factory.mktemp("themes")
    results = two_at_a_time(
        lambda theme: sphinx_build(ROOT, base / theme, "html", "-D", f"html_theme={theme}"), list(THEMES)
    )
    servers = {}
    for theme, result in zip(THEMES, results, strict=True):
        assert result.returncode == 0 and not result.stderr, f"{theme}: {result.stderr}"
        servers[theme] = LocalServer(base / theme)
    yield servers
    for server in servers.values():
        server.close()


@pytest.mark.parametrize(("theme", "mode"), MATRIX)
def test_cards_are_framed_legible_and_styled_in_every_theme(browser, theme_sites, theme, mode):
    with visit(browser, theme_sites[theme], "workbook.html", mode=mode) as (page, traffic):
        page.goto(theme_sites[theme].url + "index.html")
        if mode != "light":
            assert page.evaluate(DARK_SWITCH[theme]) not in ("light", "#fff", "#ffffff"), "dark mode is on"
        assert page.locator(".course-card").count() == 3
        assert card_contrasts(page) == []
        facts = page.evaluate(STYLE_FACTS)
        assert facts["accentWidth"] >= 3, "the accent border is drawn"
        assert facts["iconWidth"] >= 16, "the icon has a size"
        assert facts["kindSize"] < facts["bodySize"], "the kind label is smaller than the text"
        assert facts["fieldBorder"] == "solid", "the notes box is styled"
        page.goto(theme_sites[theme].url + "workbook.html")
        facts = page.evaluate(STYLE_FACTS)
        assert facts["buttonBorder"] == "solid" and facts["buttonPadding"] >= 8, "notes buttons are styled"
        assert traffic.offsite == []
