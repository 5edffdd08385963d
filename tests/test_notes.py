"""Private notes under reflection cards, in a real browser: saved on the device only,
keyed by card id, downloadable, importable, deletable, and safe when storage fails."""

from __future__ import annotations

import re

import pytest

from browser import LocalServer, visit
from conftest import REPO, sphinx_build

ROOT = REPO / "tests" / "roots" / "test-notes"


@pytest.fixture
def project(tmp_path):
    """A copy of the notes test project, built strictly and served on 127.0.0.1."""
    source = tmp_path / "source"
    source.mkdir()
    for path in ROOT.iterdir():
        (source / path.name).write_text(path.read_text())
    out = tmp_path / "html"

    def build():
        result = sphinx_build(source, out, "html")
        assert result.returncode == 0 and not result.stderr, result.stderr

    build()
    server = LocalServer(out)
    yield source, build, server
    server.close()


def type_note(page, card_id: str, text: str) -> None:
    """Types into the notes of a card (or of its copy in the workbook) and waits for the save."""
    card = page.locator(f"[data-notes={card_id}]")
    card.locator("textarea").fill(text)
    card.locator(".course-notes-status").filter(has_text="Saved on this device").wait_for()


def stored_notes(page) -> dict[str, str]:
    return page.evaluate(
        "Object.fromEntries(Object.keys(localStorage).filter(k => k.startsWith('course-notes:'))"
        ".map(k => [k.slice(13), JSON.parse(localStorage.getItem(k)).text]))"
    )


def test_a_note_is_saved_and_restored_after_a_reload(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, traffic):
        field = page.locator("#reflect-first textarea")
        assert page.locator("#reflect-first label").inner_text() == "Your notes"
        assert field.evaluate("el => getComputedStyle(el).resize") == "vertical"
        type_note(page, "reflect-first", "Someone's calm voice.")
        status = page.locator("#reflect-first .course-notes-status")
        assert status.get_attribute("role") == "status"
        page.reload()
        assert page.locator("#reflect-first textarea").input_value() == "Someone's calm voice."
        assert page.locator("#reflect-quiet textarea").count() == 0, ":no-notes: switches notes off"
        privacy = page.locator(".course-notes-privacy")
        assert privacy.count() == 1, "one privacy line, on the first reflection card"
        assert privacy.locator("a").get_attribute("href") == "privacy.html"
        assert page.context.cookies() == []
        assert traffic.offsite == [] and traffic.console_errors == []
        assert page.evaluate("window.cspViolations") == []


def test_notes_follow_their_cards_when_cards_move(browser, project):
    source, build, server = project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-first", "Note for the first card.")
        type_note(page, "reflect-second", "Note for the second card.")
        text = (source / "section.md").read_text()
        first, second = re.findall(r":::\{reflection\} (?:First|Second)\n.*?\n:::\n", text, re.S)
        (source / "section.md").write_text(
            text.replace(first, "@@").replace(second, first).replace("@@", second)
        )
        build()
        page.reload()
        order = page.evaluate("[...document.querySelectorAll('.course-card[data-notes]')].map(c => c.id)")
        assert order[:2] == ["reflect-second", "reflect-first"], "the cards did move"
        assert page.locator("#reflect-first textarea").input_value() == "Note for the first card."
        assert page.locator("#reflect-second textarea").input_value() == "Note for the second card."


def test_download_then_import_into_a_fresh_profile_restores_notes(browser, project, tmp_path):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-first", "First thoughts.\nOver two lines.")
        type_note(page, "reflect-second", "Second thoughts.")
        page.goto(server.url + "workbook.html")
        with page.expect_download() as download:
            page.get_by_role("button", name="Download my notes").click()
        saved = tmp_path / download.value.suggested_filename
        download.value.save_as(saved)
    markdown = saved.read_text()
    assert saved.suffix == ".md"
    assert "# Workbook" in markdown and re.search(r"Downloaded \d{4}-\d\d-\d\d\.", markdown)
    assert "## A section" in markdown
    assert "- A first prompt?" in markdown and "First thoughts.\nOver two lines." in markdown
    assert "Second thoughts." in markdown

    with visit(browser, server, "workbook.html") as (page, _):
        assert stored_notes(page) == {}
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(saved))
        page.locator(".course-notes-tools .course-notes-status").filter(
            has_text="Imported 2 notes"
        ).wait_for()
        assert stored_notes(page) == {
            "reflect-first": "First thoughts.\nOver two lines.",
            "reflect-second": "Second thoughts.",
        }
        copy = page.locator("[data-notes=reflect-first] textarea")
        assert copy.input_value() == "First thoughts.\nOver two lines."


def test_import_keeps_newer_notes_on_the_device(browser, project, tmp_path):
    _, _, server = project
    older = (
        "# Workbook\n\n## A section\n\n<!-- card: reflect-first updated: 2020-01-01T00:00:00.000Z -->\n\n"
        "- A first prompt?\n\nAn old note.\n\n<!-- end -->\n"
    )
    (tmp_path / "old.md").write_text(older)
    with visit(browser, server, "workbook.html") as (page, _):
        type_note(page, "reflect-first", "A newer note.")
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "old.md"))
        page.locator(".course-notes-tools .course-notes-status").filter(
            has_text="Imported 0 notes"
        ).wait_for()
        assert stored_notes(page)["reflect-first"] == "A newer note."


def test_delete_all_clears_every_note_after_confirmation(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-first", "To be deleted.")
        page.goto(server.url + "workbook.html")
        dialogs = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
        page.get_by_role("button", name="Delete all my notes").click()
        assert dialogs and "cannot be undone" in dialogs[0]
        assert stored_notes(page) == {}
        assert page.locator("[data-notes=reflect-first] textarea").input_value() == ""


def test_notes_of_vanished_cards_are_kept_and_listed(browser, project):
    source, build, server = project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-second", "Still mine.")
        text = (source / "section.md").read_text()
        (source / "section.md").write_text(
            re.sub(r":::\{reflection\} Second\n.*?\n:::\n", "", text, flags=re.S)
        )
        build()
        page.goto(server.url + "workbook.html")
        orphans = page.locator(".course-notes-orphans")
        assert orphans.locator("h2").inner_text() == "Notes from cards that no longer exist"
        assert "Still mine." in orphans.inner_text() and "A section" in orphans.inner_text()
        assert stored_notes(page)["reflect-second"] == "Still mine."


def test_when_storage_fails_the_reader_is_told_and_the_text_stays(browser, project):
    _, _, server = project
    context = browser.new_context()
    context.add_init_script(
        "Storage.prototype.setItem = function () { throw new DOMException('full', 'QuotaExceededError'); };"
    )
    page = context.new_page()
    try:
        page.goto(server.url + "section.html")
        page.locator("#reflect-first textarea").fill("Words I must not lose.")
        status = page.locator("#reflect-first .course-notes-status")
        status.filter(has_text="can't save your notes").wait_for()
        assert page.locator("#reflect-first textarea").input_value() == "Words I must not lose."
    finally:
        context.close()


def test_without_javascript_cards_show_prompts_and_no_empty_form(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html", javascript=False) as (page, traffic):
        assert page.locator("textarea").count() == 0
        assert page.locator(".course-notes-tools:visible").count() == 0
        assert "A first prompt?" in page.locator("#reflect-first").inner_text()
        page.goto(server.url + "workbook.html")
        assert page.locator("button").filter(has_text="notes").count() == 0
        assert traffic.console_errors == [] and traffic.offsite == []


def test_typed_notes_print_in_place_of_the_ruled_lines(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-first", "Printed words.")
        page.emulate_media(media="print")
        first = page.locator("#reflect-first")
        assert first.locator(".course-notes-print").inner_text() == "Printed words."
        assert first.locator("textarea").is_hidden()
        lines = first.evaluate("c => getComputedStyle(c.querySelector('li'), '::after').display")
        assert lines == "none"
        blank = page.locator("#reflect-second").evaluate(
            "c => getComputedStyle(c.querySelector('li'), '::after').height"
        )
        assert float(blank.removesuffix("px")) >= 48, "cards without notes keep their writing space"


def test_a_smuggled_script_does_not_run(browser, project):
    _, _, server = project
    with visit(browser, server, "smuggled.html") as (page, _):
        assert page.evaluate("typeof window.smuggledScriptRan") == "undefined"
        assert any(v.startswith("script-src") for v in page.evaluate("window.cspViolations"))
        assert "Text after the script." in page.inner_text("article")


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_notes_ui_is_accessible(browser, project, mode):
    from axe_playwright_python.sync_playwright import Axe

    _, _, server = project
    for path in ("section.html", "workbook.html"):
        with visit(browser, server, path, mode=mode) as (page, _):
            page.locator("textarea").first.fill("A note.")
            page.wait_for_timeout(500)
            tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
            result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
            assert [v["id"] for v in result.response["violations"]] == []
