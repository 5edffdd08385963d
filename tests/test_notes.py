"""Private notes under reflection cards, in a real browser: saved on the device only,
keyed by card id, downloadable, importable, deletable, and safe when storage fails."""

from __future__ import annotations

import re
import shutil

import pytest

from browser import LocalServer, visit
from conftest import COURSE, FIRST_WEEK, REPO, soup, sphinx_build, title_of

ROOT = REPO / "tests" / "roots" / "test-notes"


def built_copy(folder):
    """A copy of the notes test project, built strictly and served on 127.0.0.1."""
    source = folder / "source"
    source.mkdir()
    for path in ROOT.iterdir():
        (source / path.name).write_text(path.read_text())
    out = folder / "html"

    def build():
        result = sphinx_build(source, out, "html")
        assert result.returncode == 0 and not result.stderr, result.stderr

    build()
    return source, build, LocalServer(out)


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Built once for the module: each test's browser context has its own storage."""
    source, build, server = built_copy(tmp_path_factory.mktemp("notes"))
    yield source, build, server
    server.close()


@pytest.fixture
def editable_project(tmp_path):
    """A copy of its own, for a test that edits the pages and builds again."""
    source, build, server = built_copy(tmp_path)
    yield source, build, server
    server.close()


def type_note(page, card_id: str, text: str) -> None:
    """Types into the notes of a card (or of its copy in the workbook) and waits for the save."""
    card = page.locator(f"[data-notes$='#{card_id}']")
    card.locator("textarea").fill(text)
    card.locator(".course-notes-status").filter(has_text="Saved on this device").wait_for()


def stored_notes(page, root: str = "/") -> dict[str, str]:
    """This site's notes as {card id: text}; the store is keyed by the site's root path."""
    prefix = f"course-notes:{root}:"
    return page.evaluate(
        """prefix => Object.fromEntries(Object.keys(localStorage)
        .filter(k => k.startsWith(prefix) && !k.startsWith(prefix + '@'))
        .map(k => [k.slice(prefix.length).split('#').pop(), JSON.parse(localStorage.getItem(k)).text]))""",
        prefix,
    )


def status_of(page, selector: str = ".course-notes-tools"):
    return page.locator(f"{selector} .course-notes-status")


def notes_file(notes, course: str = "Notes") -> str:
    """A notes file as the workbook writes it: (card key, updated, text) each."""
    lines = ["# My notes", "", f'<!-- course-notes {{"version": 2, "course": "{course}"}} -->', ""]
    for key, updated, text in notes:
        lines += ["## A section", "", f'<!-- note {{"card": "{key}", "updated": "{updated}"}} -->', ""]
        lines += [f"> {line}" if line else ">" for line in text.split("\n")] + [""]
    return "\n".join(lines)


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
        assert status.inner_text() == "Restored from this device."
        assert page.locator("#reflect-quiet textarea").count() == 0, ":no-notes: switches notes off"
        privacy = page.locator(".course-notes-privacy")
        assert privacy.count() == 1, "one privacy line, on the first reflection card"
        assert privacy.get_by_role("link", name="About privacy").get_attribute("href") == "privacy.html"
        backup = privacy.get_by_role("link", name="Download a copy to keep them safe.")
        assert backup.get_attribute("href") == "workbook.html#course-notes-backup"
        assert page.context.cookies() == []
        assert traffic.offsite == [] and traffic.console_errors == []
        assert page.evaluate("window.cspViolations") == []


def test_notes_follow_their_cards_when_cards_move(browser, editable_project):
    source, build, server = editable_project
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
    assert "# My notes from Notes" in markdown and re.search(r"downloaded on \d{4}-\d\d-\d\d\.", markdown)
    assert "## A section" in markdown
    assert "- A first prompt?" in markdown and "> First thoughts.\n> Over two lines." in markdown
    assert "> Second thoughts." in markdown

    with visit(browser, server, "workbook.html") as (page, _):
        assert stored_notes(page) == {}
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(saved))
        status_of(page).filter(has_text="Imported 2 notes.").wait_for()
        assert stored_notes(page) == {
            "reflect-first": "First thoughts.\nOver two lines.",
            "reflect-second": "Second thoughts.",
        }
        copy = page.locator("[data-notes$='#reflect-first'] textarea")
        assert copy.input_value() == "First thoughts.\nOver two lines."


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_import_choice_is_accessible(browser, project, tmp_path, mode):
    from axe_playwright_python.sync_playwright import Axe

    _, _, server = project
    (tmp_path / "old.md").write_text(
        notes_file([("section#reflect-first", "2020-01-15T12:00:00.000Z", "An old note.")])
    )
    with visit(browser, server, "workbook.html", mode=mode, width=375, height=812) as (page, _):
        type_note(page, "reflect-first", "A newer note.")
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "old.md"))
        dialog = page.locator("dialog.course-notes-ask")
        dialog.wait_for()
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in result.response["violations"]] == []
        # Each choice is a row a finger can hit (the site's stylesheet sizes the buttons).
        for choice in dialog.locator(".course-notes-choice").all():
            assert choice.bounding_box()["height"] >= 44, choice.inner_text()
        dialog.screenshot(path=str(tmp_path.parent / f"import-choice-375-{mode}.png"))


def test_import_keeps_newer_notes_on_the_device(browser, project, tmp_path):
    _, _, server = project
    older = notes_file([("section#reflect-first", "2020-01-01T00:00:00.000Z", "An old note.")])
    (tmp_path / "old.md").write_text(older)
    with visit(browser, server, "workbook.html") as (page, _):
        type_note(page, "reflect-first", "A newer note.")
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "old.md"))
        ask = page.get_by_role(
            "dialog", name="1 note in this file differs from the one in this browser", exact=False
        )
        assert ask.get_by_role("button").all_inner_texts() == [
            "Use these choices",
            "Keep all of this browser's",
            "Take all of the file's",
        ]
        assert page.evaluate("[document.activeElement.value, document.activeElement.checked]") == [
            "mine",
            True,
        ], "the default keeps what is here"
        page.keyboard.press("Escape")
        status_of(page).filter(has_text="Your notes here were kept").wait_for()
        assert stored_notes(page)["reflect-first"] == "A newer note."
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "old.md"))
        ask.get_by_role("radio", name="Keep both").check()
        ask.get_by_role("button", name="Use these choices").click()
        status_of(page).filter(has_text="Imported 1 note.").wait_for()
        both = stored_notes(page)["reflect-first"]
        assert both == "A newer note.\n\nFrom the downloaded file (2020-01-01):\nAn old note."
        expect_value(page, "[data-notes$='#reflect-first'] textarea", both)


def test_an_import_conflict_shows_each_note_both_versions_and_their_dates_and_keeps_each_choice(
    browser, project, tmp_path
):
    _, _, server = project
    mine = {"reflect-first": "First, as I wrote it here.", "reflect-second": "Second, as I wrote it here."}
    file = notes_file(
        [
            ("section#reflect-first", "2020-01-15T12:00:00.000Z", "First, from my other phone."),
            ("section#reflect-second", "2020-02-15T12:00:00.000Z", "Second, from my other phone."),
            ("untitled-one#reflection", "2020-03-15T12:00:00.000Z", "The same on both."),
        ]
    )
    (tmp_path / "other.md").write_text(file)
    with visit(browser, server, "section.html") as (page, _):
        for card, text in mine.items():
            type_note(page, card, text)
        page.goto(server.url + "untitled-one.html")
        type_note(page, "reflection", "The same on both.")
        page.goto(server.url + "workbook.html")
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "other.md"))
        ask = page.get_by_role("dialog", name="2 notes in this file differ", exact=False)
        ask.wait_for()
        groups = ask.get_by_role("group")
        assert groups.count() == 2, "the note that is the same is not asked about"
        year = str(__import__("datetime").date.today().year)
        for n, (card, month) in enumerate([("reflect-first", "January"), ("reflect-second", "February")]):
            group = groups.nth(n)
            assert group.locator("legend").inner_text() == "A section"
            here = group.get_by_role("radio", name="Keep this browser's, written", exact=False)
            there = group.get_by_role("radio", name="Take the file's, written", exact=False)
            assert year in here.evaluate("r => r.labels[0].textContent")
            assert f"{month} 15, 2020" in there.evaluate("r => r.labels[0].textContent")
            words = [page.locator(f"#{radio.get_attribute('aria-describedby')}") for radio in (here, there)]
            assert [w.inner_text() for w in words] == [
                mine[card],
                f"{mine[card].split(',')[0]}, from my other phone.",
            ]
            assert all(w.is_visible() for w in words)
        page.screenshot(path=str(tmp_path.parent / "import-conflict.png"), full_page=True)
        # By keyboard: focus starts on the first note's "keep this browser's"; the arrow
        # key chooses the file's for it; the second note keeps this browser's.
        page.keyboard.press("ArrowDown")
        assert groups.nth(0).get_by_role("radio", name="Take the file's", exact=False).is_checked()
        ask.get_by_role("button", name="Use these choices").click()
        status_of(page).filter(has_text="Imported 1 note.").wait_for()
        page.reload()
        expected = {
            "reflect-first": "First, from my other phone.",
            "reflect-second": "Second, as I wrote it here.",
            "reflection": "The same on both.",
        }
        assert stored_notes(page) == expected
        for card, text in expected.items():
            assert page.locator(f"[data-notes$='#{card}'] textarea").first.input_value() == text


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
        assert page.locator("[data-notes$='#reflect-first'] textarea").input_value() == ""


def test_notes_of_vanished_cards_are_kept_and_listed(browser, editable_project):
    source, build, server = editable_project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-second", "Still mine.")
        text = (source / "section.md").read_text()
        (source / "section.md").write_text(
            re.sub(r":::\{reflection\} Second\n.*?\n:::\n", "", text, flags=re.S)
        )
        published = source / "published-card-ids.txt"  # removed on purpose, as the build asks
        published.write_text(published.read_text().replace("section reflect-second\n", ""))
        build()
        page.goto(server.url + "workbook.html")
        orphans = page.locator(".course-notes-orphans")
        assert orphans.locator("h2").inner_text() == "Notes from cards that no longer exist"
        assert "Still mine." in orphans.inner_text() and "A section" in orphans.inner_text()
        assert stored_notes(page)["reflect-second"] == "Still mine."
        listed = orphans.locator(".course-notes-orphan-text").all_inner_texts()
        assert listed == ["Still mine."], "notes of cards elsewhere are not orphans"


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


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_notes_ui_is_accessible(browser, project, mode):
    from axe_playwright_python.sync_playwright import Axe

    _, _, server = project
    for path in ("section.html", "workbook.html"):
        with visit(browser, server, path, mode=mode) as (page, _):
            box = page.locator(".course-notes", has=page.locator("textarea")).first
            box.locator("textarea").fill("A note.")
            box.locator(".course-notes-status").filter(has_text="Saved on this device").wait_for()
            tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
            result = Axe().run(
                page, options={"resultTypes": ["violations"], "runOnly": {"type": "tag", "values": tags}}
            )
            assert [
                (v["id"], [n["target"] for n in v["nodes"]], [n["any"][0]["message"] for n in v["nodes"]])
                for v in result.response["violations"]
            ] == []


# Every card its own note; every course its own store.


def test_two_untitled_cards_on_two_pages_keep_two_notes(browser, project):
    _, _, server = project
    with visit(browser, server, "untitled-one.html") as (page, _):
        type_note(page, "reflection", "Only for page one.")
        page.goto(server.url + "untitled-two.html")
        assert page.locator("#reflection textarea").input_value() == ""
        type_note(page, "reflection", "Only for page two.")
        page.goto(server.url + "untitled-one.html")
        assert page.locator("#reflection textarea").input_value() == "Only for page one."


def test_names_in_any_script_and_alike_names_keep_their_own_ids_and_notes(browser, project):
    _, _, server = project
    cards = ["reflect_one", "reflect-one", "доверие", "安心", "reflection-boundaries"]
    with visit(browser, server, "names.html") as (page, _):
        ids = page.evaluate("[...document.querySelectorAll('.course-card[data-notes]')].map(c => c.id)")
        assert ids == cards, "no id1, no shared ids"
        assert page.locator("section#boundaries").count() == 1, "the section keeps its own id"
        for card in cards:
            type_note(page, card, f"Note for {card}.")
        page.reload()
        for card in cards:
            assert page.locator(f"[id='{card}'] textarea").input_value() == f"Note for {card}."


def test_two_courses_on_one_origin_never_share_notes(browser, project, tmp_path):
    _, _, server = project
    origin = tmp_path / "origin"
    for course in ("a", "b"):
        shutil.copytree(server.root, origin / course)
    shared = LocalServer(origin)
    try:
        with visit(browser, shared, "a/section.html") as (page, _):
            type_note(page, "reflect-first", "Course A's note.")
            page.goto(shared.url + "b/section.html")
            assert page.locator("#reflect-first textarea").input_value() == ""
            page.goto(shared.url + "b/workbook.html")
            assert page.locator(".course-notes-orphans").count() == 0
            page.on("dialog", lambda dialog: dialog.accept())
            page.get_by_role("button", name="Delete all my notes").click()
            page.goto(shared.url + "a/section.html")
            assert page.locator("#reflect-first textarea").input_value() == "Course A's note."
            assert stored_notes(page, "/a/") == {"reflect-first": "Course A's note."}
    finally:
        shared.close()


def test_notes_kept_under_the_old_keys_move_to_the_new_ones(browser, project):
    _, _, server = project
    old = '{"text": "Written before the update.", "updated": "2026-01-01T00:00:00.000Z", "section": "A section", "prompts": []}'
    with visit(browser, server, "privacy.html") as (page, _):
        page.evaluate("note => localStorage.setItem('course-notes:reflect-first', note)", old)
        page.goto(server.url + "section.html")
        assert page.locator("#reflect-first textarea").input_value() == "Written before the update."
        assert page.evaluate("localStorage.getItem('course-notes:reflect-first')") is None
        assert stored_notes(page) == {"reflect-first": "Written before the update."}


# Never lost.


def test_text_typed_just_before_leaving_the_page_is_kept(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        page.locator("#reflect-first textarea").press_sequentially("Typed in a hurry")
        page.locator("a[href='privacy.html']").first.click()
        page.wait_for_url("**/privacy.html")
        assert stored_notes(page) == {"reflect-first": "Typed in a hurry"}
        page.goto(server.url + "section.html")  # a fresh load, not the back-forward cache
        assert page.locator("#reflect-first textarea").input_value() == "Typed in a hurry"


def test_two_tabs_stay_in_step(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (first, _):
        second = first.context.new_page()
        second.goto(server.url + "section.html")
        type_note(first, "reflect-first", "From the first tab.")
        expect_value(second, "#reflect-first textarea", "From the first tab.")
        second.locator("#reflect-first textarea").press_sequentially(" And the second.")
        expect_value(first, "#reflect-first textarea", "From the first tab. And the second.")
        assert stored_notes(first) == {"reflect-first": "From the first tab. And the second."}


def test_a_stale_tab_never_silently_overwrites_newer_text(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (fresh, _):
        stale = fresh.context.new_page()
        # A tab that misses the storage events, as a tab the browser put to sleep does.
        stale.add_init_script("addEventListener('storage', e => e.stopImmediatePropagation())")
        stale.goto(server.url + "section.html")
        type_note(fresh, "reflect-first", "The newer text.")
        stale.locator("#reflect-first textarea").press_sequentially("Stale")
        status = stale.locator("#reflect-first .course-notes-status")
        status.filter(has_text="changed in another tab").wait_for()
        assert stored_notes(stale) == {"reflect-first": "The newer text."}
        status.get_by_role("button", name="Show the other tab's text").click()
        assert stale.locator("#reflect-first textarea").input_value() == "The newer text."
        stale.locator("#reflect-first textarea").press_sequentially(" Then mine.")
        assert stored_notes(stale) == {"reflect-first": "The newer text. Then mine."}


def expect_value(page, selector: str, value: str) -> None:
    page.wait_for_function("([s, v]) => document.querySelector(s).value === v", arg=[selector, value])


# Damaged and foreign data.


def test_a_damaged_stored_value_breaks_nothing_and_can_be_deleted(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, traffic):
        type_note(page, "reflect-second", "A good note.")
        for key, value in (
            ("section#reflect-first", "5"),
            ("elsewhere#x", "{not json"),
            ("old#y", '{"text": 3}'),
        ):
            page.evaluate("([k, v]) => localStorage.setItem('course-notes:/:' + k, v)", [key, value])
        page.reload()
        assert page.locator("textarea").count() == 2, "every notes box is there"
        assert page.locator("#reflect-second textarea").input_value() == "A good note."
        page.goto(server.url + "workbook.html")
        assert page.get_by_role("button", name="Download my notes").is_visible()
        damaged = page.locator(".course-notes-damaged")
        assert (
            damaged.locator("p").inner_text()
            == "3 stored notes could not be read: they were changed outside this site."
        )
        damaged.get_by_role("button").click()
        assert page.locator(".course-notes-damaged").count() == 0
        assert stored_notes(page) == {"reflect-second": "A good note."}
        assert traffic.console_errors == []


# The notes file.


HARD_TEXT = (
    "First line\n\n\nafter two blank lines\n<!-- end -->\n## A fake heading\n"
    '<!-- note {"card": "section#reflect-second", "updated": "9999-01-01"} -->\n'
    "> a quote\n- a list item\n```\ncode   with  spaces\n```\n  indented\n"
    "emoji 🌱 and “quotes”\n\n"
)


def download_notes(page, tmp_path):
    page.goto(page.url.rsplit("/", 1)[0] + "/workbook.html")
    with page.expect_download() as download:
        page.get_by_role("button", name="Download my notes").click()
    saved = tmp_path / "notes.md"
    download.value.save_as(saved)
    return saved


def test_any_text_survives_download_crlf_conversion_and_import(browser, project, tmp_path):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-first", HARD_TEXT)
        saved = download_notes(page, tmp_path)
    crlf = tmp_path / "crlf.md"
    crlf.write_bytes(saved.read_bytes().replace(b"\n", b"\r\n"))
    for file in (saved, crlf):
        with visit(browser, server, "workbook.html") as (page, _):
            page.locator(".course-notes-tools input[type=file]").set_input_files(str(file))
            status_of(page).filter(has_text="Imported 1 note.").wait_for()
            assert stored_notes(page) == {"reflect-first": HARD_TEXT}, file.name


def test_a_file_from_another_course_asks_first(browser, project, tmp_path):
    _, _, server = project
    (tmp_path / "other.md").write_text(
        notes_file([("section#reflect-first", "2030-01-01T00:00:00Z", "From elsewhere.")], "Another course")
    )
    with visit(browser, server, "workbook.html") as (page, _):
        type_note(page, "reflect-first", "Mine.")
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "other.md"))
        status_of(page).filter(has_text="Nothing was imported.").wait_for()
        assert "another course, “Another course”" in asked[0]
        assert stored_notes(page) == {"reflect-first": "Mine."}
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "other.md"))
        page.locator("dialog.course-notes-ask").get_by_role("button", name="Take all of the file's").click()
        status_of(page).filter(has_text="Imported 1 note.").wait_for()
        assert stored_notes(page) == {"reflect-first": "From elsewhere."}


def test_messages_say_exactly_what_happened(browser, project, tmp_path):
    _, _, server = project
    (tmp_path / "two.md").write_text(
        notes_file(
            [
                ("section#reflect-first", "2030-01-01", "One."),
                ("section#reflect-second", "2030-01-01", "Two."),
            ]
        )
    )
    (tmp_path / "not-notes.md").write_text("# Shopping\n\n- bread\n")
    entries = '[["section#reflect-first", "2030-01-01"], ["section#reflect-second", "2030-01-01"]]'
    (tmp_path / "changed.md").write_text(
        f'# My notes\n\n### A section\n\n> One.\n\n<!-- course-notes {{"version": 3, "course": "Notes", "notes": {entries}}} -->\n'
    )
    with visit(browser, server, "workbook.html") as (page, _):
        page.get_by_role("button", name="Download my notes").click()
        status_of(page).filter(has_text="You have no notes to download yet.").wait_for()
        picker = page.locator(".course-notes-tools input[type=file]")
        picker.set_input_files(str(tmp_path / "not-notes.md"))
        status_of(page).filter(has_text="This is not a notes file").wait_for()
        # A download whose reader removed a note's words: its notes can't be matched to their cards.
        picker.set_input_files(str(tmp_path / "changed.md"))
        status_of(page).filter(has_text="This file was changed after it was downloaded").wait_for()
        assert stored_notes(page) == {}, "nothing imported half"
        picker.set_input_files(str(tmp_path / "two.md"))
        status_of(page).filter(has_text="Imported 2 notes.").wait_for()
        picker.set_input_files(str(tmp_path / "two.md"))
        status_of(page).filter(has_text="Nothing to import").wait_for()
        assert page.get_by_role("button", name="Bring back notes from a file you downloaded").count() == 1


def test_the_notes_box_grows_with_its_text(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        field = page.locator("#reflect-first textarea")
        before = field.bounding_box()["height"]
        field.fill("\n".join(f"Line {n}" for n in range(20)))
        assert field.bounding_box()["height"] > before * 2
        assert field.evaluate("el => el.scrollHeight <= el.clientHeight + 1"), "no scrolling inside the box"


def test_delete_all_sits_apart_as_the_destructive_action(browser, project):
    _, _, server = project
    with visit(browser, server, "workbook.html") as (page, _):
        buttons = [
            page.get_by_role("button", name=name) for name in ("Download my notes", "Delete all my notes")
        ]
        download, delete = (button.bounding_box() for button in buttons)
        assert delete["y"] > download["y"] + 300, "deleting sits after the prompts, far from the backup"
        colours = [button.evaluate("b => getComputedStyle(b).color") for button in buttons]
        assert colours[1] != colours[0]


def test_the_notes_interface_speaks_the_site_language(browser, tmp_path):
    source = tmp_path / "source"
    shutil.copytree(ROOT, source)
    out = tmp_path / "html"
    result = sphinx_build(source, out, "html", "-D", "language=fr")
    assert result.returncode == 0 and not result.stderr, result.stderr
    server = LocalServer(out)
    try:
        with visit(browser, server, "workbook.html") as (page, _):
            assert page.locator("[data-notes$='#reflect-first'] label").inner_text() == "Tes notes"
            assert page.get_by_role("button", name="Supprimer toutes mes notes").count() == 1
            (tmp_path / "one.md").write_text(notes_file([("section#reflect-first", "2030-01-01", "Un.")]))
            page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "one.md"))
            status_of(page).filter(has_text="1 note importée.").wait_for()
    finally:
        server.close()


def test_collected_pages_hold_only_cards_on_their_pages_in_this_build(project):
    source, _, server = project
    workbook = soup(server.root / "workbook.html")
    titles = [title.get_text() for title in workbook.select(".course-card-title")]
    assert "Everywhere" in titles and "Only on paper" not in titles and "Only in another course" not in titles
    assert (
        workbook.select("a[href*='#reflect-paper']") == []
        and workbook.select("a[href*='#reflect-elsewhere']") == []
    )


def test_a_file_downloaded_before_version_2_still_imports(browser, project, tmp_path):
    old = (
        "# Workbook\n\nDownloaded 2026-01-01.\n\n## A section\n\n"
        "<!-- card: reflect-first updated: 2026-01-01T00:00:00.000Z -->\n\n"
        "- A first prompt?\n\nAn older download.\nTwo lines.\n\n<!-- end -->\n"
    )
    (tmp_path / "old.md").write_text(old.replace("\n", "\r\n"))
    with visit(browser, project[2], "workbook.html") as (page, _):
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(tmp_path / "old.md"))
        status_of(page).filter(has_text="Imported 1 note.").wait_for()
        assert stored_notes(page) == {"reflect-first": "An older download.\nTwo lines."}
        keys = page.evaluate("Object.keys(localStorage).filter(k => k.startsWith('course-notes:'))")
        assert keys == ["course-notes:/:section#reflect-first"], "under the card's key of today"


# The reader's companion (issue #23).


PROGRESS_HOLDS = "p => JSON.parse(localStorage.getItem('course-notes:/:@progress') || '[]').includes(p)"


def counted_read(page, path: str) -> bool:
    return page.evaluate(PROGRESS_HOLDS, path.removesuffix(".html").split("#")[0])


def read_to_the_end(page, server, path: str) -> None:
    """Opens a section and scrolls down with the mouse wheel, most of a screen at a time,
    as a reader would, until the section counts as read."""
    page.goto(server.url + path)
    scroll_down_until_read(page, path)


def scroll_down_until_read(page, path: str) -> None:
    width, height = page.viewport_size["width"], page.viewport_size["height"]
    page.mouse.move(width / 2, height / 2)
    for _ in range(30):
        page.mouse.wheel(0, height * 0.8)
        page.wait_for_timeout(150)
        if counted_read(page, path):
            return
    pytest.fail(f"{path} did not count as read after scrolling to its end")


END_OF_SECTION = """() => {
  const end = [...document.querySelectorAll('.course-card.reflection[data-notes]')].pop();
  return {id: end.id, bottom: end.getBoundingClientRect().bottom + scrollY,
          top: end.closest('article').getBoundingClientRect().top + scrollY};
}"""

# Phone, tablet, laptop, and a laptop at 200 % zoom (half the CSS pixels each way).
READING_VIEWPORTS = {"phone": (375, 812), "tablet": (768, 1024), "laptop": (1280, 800), "zoom": (640, 400)}


def test_opening_every_section_in_a_tab_marks_none_read(browser, site):
    """The phone's screen shows the least of a section at once; opened and left a while,
    in tabs side by side, no section counts as read."""
    width, height = READING_VIEWPORTS["phone"]
    server = LocalServer(site("html"))
    sections = [f"{section}.html" for section in FIRST_WEEK.sections]
    try:
        with visit(browser, server, f"{FIRST_WEEK.index}.html", width=width, height=height) as (page, _):
            tabs = [page.context.new_page() for _ in sections]
            # All loading at once, as tabs opened from a list do.
            for tab, opened in zip(tabs, sections, strict=True):
                tab.goto(server.url + opened, wait_until="commit")
            for tab in tabs:
                tab.wait_for_load_state()
            page.wait_for_timeout(500)
            assert [opened for opened in sections if counted_read(page, opened)] == [], "marked by opening"
            for tab in tabs:
                tab.close()
    finally:
        server.close()


@pytest.mark.parametrize("viewport", READING_VIEWPORTS)
def test_a_section_counts_as_read_only_once_the_reader_reaches_its_end(browser, site, viewport, tmp_path):
    width, height = READING_VIEWPORTS[viewport]
    server = LocalServer(site("html"))
    sections = [f"{section}.html" for section in FIRST_WEEK.sections]
    # One section read closely at each viewport, a different one each time.
    path = sections[list(READING_VIEWPORTS).index(viewport) * 3 % len(sections)]
    try:
        with visit(browser, server, path, width=width, height=height) as (page, _):
            # Opened and left a while: not read.
            page.wait_for_timeout(500)
            assert not counted_read(page, path), "marked by opening"
            end = page.evaluate(END_OF_SECTION)
            # Scrolled by the wheel to just short of the card's end: not yet.
            page.mouse.move(width / 2, height / 2)
            short_of_it = end["bottom"] - height - 60
            while page.evaluate("scrollY") < short_of_it - height * 0.5:
                page.mouse.wheel(0, height * 0.5)
                page.wait_for_timeout(30)
            page.wait_for_timeout(300)
            assert not counted_read(page, path), "marked before its end"
            # Jumped to the card by an address, then by a link on the page, each time
            # scrolled on by the wheel: still not read.
            page.goto(f"{server.url}{path}#{end['id']}")
            page.mouse.wheel(0, height)
            page.wait_for_timeout(300)
            assert not counted_read(page, path), "marked by a jump to its card"
            page.evaluate(
                """id => { const a = Object.assign(document.createElement('a'), {href: '#' + id,
                textContent: 'To the reflection'}); document.querySelector('article').prepend(a);
                scrollTo({top: 0, behavior: 'instant'}); }""",
                end["id"],
            )
            page.wait_for_timeout(300)
            page.get_by_role("link", name="To the reflection").click()
            page.wait_for_timeout(500)
            page.mouse.wheel(0, height)
            page.wait_for_timeout(300)
            assert not counted_read(page, path), "marked by a link to its card"
            # Read from the top to the end: read.
            page.keyboard.press("Home")
            page.wait_for_timeout(300)
            scroll_down_until_read(page, path)
            page.screenshot(path=str(tmp_path / f"read-{viewport}.png"))
    finally:
        server.close()


def test_a_short_section_counts_once_the_reader_scrolls_with_all_of_it_in_view(browser, site):
    """On a screen tall enough for the whole section, the page may still scroll a little
    (or not at all): a reader who scrolls on, or tries to, has read it."""
    server = LocalServer(site("html"))
    try:
        path = f"{FIRST_WEEK.sections[0]}.html"
        with visit(browser, server, path, width=1280, height=1300) as (page, _):
            end = page.evaluate(END_OF_SECTION)
            assert end["bottom"] < 1300 < page.evaluate("document.documentElement.scrollHeight"), (
                "the section fits and the page scrolls"
            )
            page.wait_for_timeout(600)
            assert not counted_read(page, path), "marked by opening"
            scroll_down_until_read(page, path)
        with visit(browser, server, path, width=1280, height=2400) as (page, _):
            assert page.evaluate("document.documentElement.scrollHeight") <= 2400, "nothing to scroll"
            page.wait_for_timeout(600)
            assert not counted_read(page, path), "marked by opening"
            page.keyboard.press("PageDown")
            page.wait_for_function(PROGRESS_HOLDS, arg=path.removesuffix(".html"), timeout=2000)
    finally:
        server.close()


def test_reading_progress_offers_to_continue_everywhere_until_deleted(browser, project):
    _, _, server = project
    with visit(browser, server, "index.html") as (page, traffic):
        follow = page.locator(".course-progress-next")
        assert follow.inner_text() == "Start with 1. A section"
        assert page.locator(".course-progress-clear").is_hidden()
        for path in ("section.html", "untitled-one.html", "untitled-two.html"):
            read_to_the_end(page, server, path)
        page.goto(server.url + "index.html")
        assert (
            follow.inner_text() == "Continue with 4. Names" and follow.get_attribute("href") == "names.html"
        )
        page.reload()
        assert follow.inner_text() == "Continue with 4. Names", "kept after a reload"
        second = page.context.new_page()
        second.goto(server.url + "index.html")
        assert second.locator(".course-progress-next").inner_text() == "Continue with 4. Names"
        for path in ("names.html", "conditional.html", "twice.html"):
            read_to_the_end(second, server, path)
        expect_text(page, ".course-progress-next", "Continue with Workbook")
        assert follow.get_attribute("href") == "workbook.html", "the workbook once all are read"
        page.goto(server.url + "workbook.html")
        assert (
            "everything this course keeps on this device" in page.locator(".course-notes-danger").inner_text()
        )
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Delete all my notes").click()
        page.goto(server.url + "index.html")
        assert follow.inner_text() == "Start with 1. A section"
        assert traffic.offsite == [] and traffic.console_errors == []
        assert page.evaluate("window.cspViolations") == []


@pytest.mark.parametrize("mode", ["light", "os-dark"])
def test_progress_can_be_cleared_and_its_button_moves_nothing(browser, project, mode):
    from axe_playwright_python.sync_playwright import Axe

    _, _, server = project
    with visit(browser, server, "index.html", mode=mode) as (page, _):
        read_to_the_end(page, server, "section.html")
        page.goto(server.url + "index.html")
        clear = page.locator(".course-progress-clear")
        assert clear.is_visible()
        tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
        result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
        assert [v["id"] for v in result.response["violations"]] == []
        before = page.locator(".course-progress").bounding_box()
        asked = []
        page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.dismiss()))
        clear.click()
        assert asked == ["Forget which sections you have read? Your notes stay as they are."]
        assert page.locator(".course-progress-next").inner_text() == "Continue with 2. Untitled one"
        assert counted_read(page, "section.html"), "kept when the reader says no"
        page.once("dialog", lambda dialog: dialog.accept())
        clear.click()
        assert page.locator(".course-progress-next").inner_text() == "Start with 1. A section"
        assert clear.is_hidden() and page.locator(".course-progress").bounding_box() == before


def test_week_and_home_pages_mark_read_sections_without_moving(browser, site):
    server = LocalServer(site("html"))
    try:
        week = f"{FIRST_WEEK.index}.html"
        with visit(browser, server, week, width=375) as (page, traffic):
            for section in FIRST_WEEK.sections[:3]:
                read_to_the_end(page, server, f"{section}.html")
            page.add_init_script(
                """window.shifts = 0; new PerformanceObserver(list => list.getEntries()
                .forEach(e => { window.shifts += e.value; })).observe({type: 'layout-shift', buffered: true});"""
            )
            for home in (week, "index.html"):
                page.goto(server.url + home)
                follow = page.locator(".course-progress-next")
                assert follow.inner_text() == f"Continue with 4. {title_of(FIRST_WEEK.sections[3])}", home
                page.wait_for_timeout(300)
                assert page.evaluate("window.shifts") < 0.01, home
            marks = page.locator("article .sd-card .course-progress-mark")
            page.goto(server.url + week)
            assert marks.count() == 3 and marks.first.inner_text().endswith("Read")
            marked = page.locator("article .sd-card:has(.course-progress-mark) .sd-card-title")
            assert [t.split(".")[0] for t in marked.all_inner_texts()] == ["1", "2", "3"]
            assert traffic.offsite == [] and traffic.console_errors == []
    finally:
        server.close()


SITE_SECTIONS = list(FIRST_WEEK.sections)

BUTTONS = """() => [...document.querySelectorAll('article a')]
  .filter(a => a.checkVisibility({visibilityProperty: true}) && getComputedStyle(a).backgroundColor !== 'rgba(0, 0, 0, 0)')
  .map(a => a.textContent.trim())"""


@pytest.mark.parametrize("mode", ["light", "dark"])
def test_the_way_back_is_the_main_button_once_a_reader_has_begun(browser, site, mode):
    from axe_playwright_python.sync_playwright import Axe

    server = LocalServer(site("html"))
    third = f"3. {title_of(SITE_SECTIONS[2])}"
    week = f"{FIRST_WEEK.index}.html"
    # The home page starts every week; once the reader has begun the first, its start gives
    # way to the way back, and each later week's start stays after it, the way into that week.
    starts = [f"Start {title_of(other.index)}" for other in COURSE.weeks]
    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
    try:
        with visit(browser, server, "index.html", width=375, mode=mode) as (page, _):
            assert page.evaluate(BUTTONS) == starts, "a new reader starts"
            page.goto(server.url + week)
            assert page.evaluate(BUTTONS) == [f"Start with 1. {title_of(SITE_SECTIONS[0])}"]
            page.evaluate(
                "s => localStorage.setItem('course-notes:/:@progress', JSON.stringify(s))", SITE_SECTIONS[:2]
            )
            for home, later_weeks in (("index.html", starts[1:]), (week, [])):
                page.goto(server.url + home)
                assert page.evaluate(BUTTONS) == [f"Continue with {third}", *later_weeks], home
                links = page.locator("article a:visible").all_inner_texts()
                assert [text for text in links if text.startswith("Start")] == later_weeks, home
                result = Axe().run(page, options={"runOnly": {"type": "tag", "values": tags}})
                assert [v["id"] for v in result.response["violations"]] == [], home
            page.screenshot(path=str(server.root.parent / f"week-begun-375-{mode}.png"))
    finally:
        server.close()


MARK_OVERLAPS = """() => {
  const overlaps = (a, b) => a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom;
  const found = [];
  document.querySelectorAll('article .sd-card .course-progress-mark').forEach(mark => {
    const box = mark.getBoundingClientRect();
    const card = mark.closest('.sd-card');
    const frame = card.getBoundingClientRect();
    if (!mark.checkVisibility() || box.width === 0 || box.left < frame.left || box.right > frame.right
        || box.top < frame.top || box.bottom > frame.bottom) found.push('not shown in its card: ' + card.textContent.trim());
    const walker = document.createTreeWalker(card, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (mark.contains(node) || !node.textContent.trim()) continue;
      const range = document.createRange();
      range.selectNodeContents(node);
      if ([...range.getClientRects()].some(rect => overlaps(rect, box))) {
        found.push(card.querySelector('.sd-card-title').textContent.trim() + ': ' + node.textContent.trim());
      }
    }
  });
  return found;
}"""


@pytest.mark.parametrize("width", [375, 768, 1280])
def test_read_marks_never_cover_the_words_of_their_cards(browser, site, width, tmp_path):
    server = LocalServer(site("html"))
    try:
        with visit(browser, server, f"{FIRST_WEEK.index}.html", width=width) as (page, _):
            page.evaluate(
                "s => localStorage.setItem('course-notes:/:@progress', JSON.stringify(s))", SITE_SECTIONS
            )
            page.reload()
            assert page.locator("article .course-progress-mark").count() == len(SITE_SECTIONS)
            assert page.evaluate(MARK_OVERLAPS) == []
            page.locator("article .sd-card").nth(1).screenshot(path=str(tmp_path / f"marks-{width}.png"))
    finally:
        server.close()


def test_each_notes_field_is_named_by_its_section_and_prompts(browser, site):
    server = LocalServer(site("html"))
    try:
        with visit(browser, server, f"{FIRST_WEEK.workbook}.html") as (page, _):
            fields = page.locator("article textarea")
            assert fields.count() == len(SITE_SECTIONS)
            names = [re.search(r'textbox "(.*)"', field.aria_snapshot()).group(1) for field in fields.all()]
            assert len(set(names)) == len(names), "no two alike"
            for field, name in zip(fields.all(), names, strict=True):
                card = field.locator("xpath=ancestor::*[contains(@class, 'course-card-group')]")
                section = card.locator("h2").evaluate("h => h.firstChild.textContent.trim()")
                prompts = field.locator("xpath=ancestor::*[@data-notes]").locator(".course-card-body li")
                assert name.startswith("Your notes") and section in name, name
                assert all(" ".join(p.split()) in name for p in prompts.all_inner_texts()), name
            page.goto(server.url + f"{SITE_SECTIONS[0]}.html")
            title = page.locator("h1").evaluate("h => h.firstChild.textContent.trim()")
            assert title in page.locator("article textarea").aria_snapshot()
    finally:
        server.close()


def expect_text(page, selector: str, text: str) -> None:
    page.wait_for_function("([s, t]) => document.querySelector(s).textContent === t", arg=[selector, text])


def test_a_future_dated_import_never_outranks_words_typed_after_it(browser, project, tmp_path):
    _, _, server = project
    future = tmp_path / "future.md"
    future.write_text(notes_file([("section#reflect-first", "9999-12-31T00:00:00.000Z", "From the future.")]))
    with visit(browser, server, "workbook.html") as (page, _):
        picker = page.locator(".course-notes-tools input[type=file]")
        picker.set_input_files(str(future))
        status_of(page).filter(has_text="Imported 1 note.").wait_for()
        type_note(page, "reflect-first", "Typed after the import.")
        picker.set_input_files(str(future))
        page.locator("dialog.course-notes-ask").get_by_role(
            "button", name="Keep all of this browser's"
        ).click()
        status_of(page).filter(has_text="Your notes here were kept").wait_for()
        assert stored_notes(page) == {"reflect-first": "Typed after the import."}


def test_a_file_too_large_for_storage_changes_nothing(browser, project, tmp_path):
    _, _, server = project
    big = tmp_path / "big.md"
    big.write_text(
        notes_file([(f"section#n{i}", "2020-01-01T00:00:00.000Z", "x" * 20_000) for i in range(300)])
    )
    snapshot = "() => JSON.stringify(Object.entries(localStorage).sort())"
    with visit(browser, server, "workbook.html") as (page, _):
        type_note(page, "reflect-first", "Before the import.")
        before = page.evaluate(snapshot)
        page.locator(".course-notes-tools input[type=file]").set_input_files(str(big))
        told = status_of(page).filter(has_text="nothing was changed")
        told.wait_for(timeout=60_000)
        assert re.search(
            r"need about [\d.]+ MB, but this browser had room for only [\d.]+ MB", told.inner_text()
        )
        assert page.evaluate(snapshot) == before
        type_note(page, "reflect-first", "The next keystroke saves.")
        absurd = tmp_path / "huge.md"
        with absurd.open("wb") as huge:
            huge.truncate(21_000_000)  # a sparse file: its size alone is refused
        page.locator(".course-notes-tools input[type=file]").set_input_files(absurd)
        status_of(page).filter(has_text="This file is 21.0 MB").wait_for()
        assert stored_notes(page) == {"reflect-first": "The next keystroke saves."}


def test_the_workbook_tells_when_notes_were_last_downloaded(browser, project, tmp_path):
    _, _, server = project
    with visit(browser, server, "workbook.html") as (page, _):
        page.evaluate(
            """() => { window.persistAsked = 0;
            navigator.storage.persist = () => { window.persistAsked += 1; return Promise.resolve(false); }; }"""
        )
        page.evaluate(
            """() => { window.revoked = []; const revoke = URL.revokeObjectURL;
            URL.revokeObjectURL = url => { window.revoked.push(url); revoke(url); }; }"""
        )
        last = page.locator(".course-notes-last")
        assert last.inner_text() == "You have not downloaded your notes yet."
        type_note(page, "reflect-first", "Worth keeping.")
        assert page.evaluate("window.persistAsked") == 1, "persistent storage asked for once"
        with page.expect_download() as download:
            page.get_by_role("button", name="Download my notes").click()
        download.value.save_as(tmp_path / "kept.md")
        assert page.evaluate("window.revoked") == [], "the file's address outlives the click"
        assert re.fullmatch(r"You last downloaded your notes on \w+ \d+, \d{4}\.", last.inner_text())
        type_note(page, "reflect-first", "Worth keeping, and more.")
        last.filter(has_text="You have written since then").wait_for()
        page.reload()
        assert "You have written since then" in page.locator(".course-notes-last").inner_text()


def test_two_copies_of_one_note_on_one_page_stay_in_step(browser, project):
    _, _, server = project
    with visit(browser, server, "twice.html") as (page, _):
        original, copy = page.locator("[data-notes='twice#reflect-here']").all()
        original.locator("textarea").press_sequentially("Typed here")
        assert copy.locator("textarea").input_value() == "Typed here"
        copy.locator("textarea").press_sequentially(", then there")
        assert original.locator("textarea").input_value() == "Typed here, then there"
        assert "another tab" not in page.locator("article").inner_text()
        assert stored_notes(page) == {"reflect-here": "Typed here, then there"}


def test_the_status_speaks_once_not_at_every_keystroke(browser, project):
    _, _, server = project
    with visit(browser, server, "section.html") as (page, _):
        page.evaluate(
            """() => { window.announced = 0; new MutationObserver(m => { window.announced += m.length; })
            .observe(document.querySelector('#reflect-first .course-notes-status'),
                     {childList: true, characterData: true, subtree: true}); }"""
        )
        page.locator("#reflect-first textarea").press_sequentially("Several keystrokes")
        assert page.evaluate("window.announced") == 1


def test_the_workbook_reads_as_a_journal_on_a_phone(browser, project):
    _, _, server = project
    with visit(browser, server, "workbook.html", width=375) as (page, _):
        controls = page.evaluate(
            """[...document.querySelectorAll('article textarea, article button')]
            .map(el => el.tagName === 'TEXTAREA' ? 'prompt' : el.textContent)"""
        )
        assert controls[0] == "Download my notes" and controls[-1] == "Delete all my notes"
        assert controls.index("prompt") > controls.index("Bring back notes from a file you downloaded"), (
            "the backup first, in reach; the prompts after it"
        )
        tools = page.locator("#course-notes-backup")
        assert tools.locator("h2").inner_text() == "Keep your notes safe"
        download = tools.get_by_role("button", name="Download my notes").bounding_box()
        bring = tools.get_by_role("button", name="Bring back notes from a file you downloaded").bounding_box()
        last = tools.locator(".course-notes-last").bounding_box()
        delete = page.get_by_role("button", name="Delete all my notes").bounding_box()
        assert bring["x"] == download["x"] or bring["y"] == download["y"], "in one aligned group"
        assert last["x"] == download["x"] and last["y"] >= bring["y"] + bring["height"]
        status = page.locator(".course-notes-tools > .course-notes-status")
        assert status.count() == 1 and status.evaluate("el => getComputedStyle(el).display") == "block"
        assert delete["y"] - (last["y"] + last["height"]) > 40, "delete sits visibly apart"
        assert page.evaluate("document.documentElement.scrollWidth") <= 375


def test_a_renamed_card_keeps_its_note_and_a_vanished_one_warns(browser, editable_project):
    source, build, server = editable_project
    with visit(browser, server, "section.html") as (page, _):
        type_note(page, "reflect-second", "Under the old name.")
        text = (source / "section.md").read_text()
        (source / "section.md").write_text(
            text.replace(":name: reflect-second\n", ":name: reflect-renamed\n:formerly: reflect-second\n")
        )
        build()
        page.reload()
        assert page.locator("#reflect-renamed textarea").input_value() == "Under the old name."
        assert stored_notes(page) == {"reflect-renamed": "Under the old name."}
    (source / "section.md").write_text(text.replace(":name: reflect-second\n", ":name: reflect-gone\n"))
    result = sphinx_build(source, server.root, "html", "-E")
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line]
    assert len(warnings) == 1 and "published-card-ids.txt:2: WARNING:" in warnings[0], result.stderr
    assert warnings[0].endswith("[course_cards.published-id]") and ":formerly: reflect-second" in warnings[0]


def test_an_orphaned_note_can_be_reattached_or_deleted(browser, project):
    _, _, server = project
    lost = '{"text": "%s", "updated": "2026-01-01T00:00:00.000Z", "section": "Gone", "prompts": []}'
    with visit(browser, server, "privacy.html") as (page, _):
        for key, words in (("gone#one", "Lost words."), ("gone#two", "Not wanted.")):
            page.evaluate("([k, v]) => localStorage.setItem('course-notes:/:' + k, v)", [key, lost % words])
        page.goto(server.url + "workbook.html")
        orphans = page.locator(".course-notes-orphans li")
        assert orphans.count() == 2
        first = orphans.filter(has_text="Lost words.")
        first.get_by_label("Move to").select_option(label="A section – First")
        first.get_by_role("button", name="Move this note").click()
        expect_value(page, "[data-notes='section#reflect-first'] textarea", "Lost words.")
        page.once("dialog", lambda dialog: dialog.accept())
        orphans.filter(has_text="Not wanted.").get_by_role("button", name="Delete this note").click()
        assert page.locator(".course-notes-orphans").count() == 0
        assert stored_notes(page) == {"reflect-first": "Lost words."}


def test_notes_and_progress_work_read_from_disk(browser, project):
    _, _, server = project
    context = browser.new_context()
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        root = server.root.as_uri() + "/"
        page.goto(root + "section.html")
        type_note(page, "reflect-first", "Written from a file on disk.")
        page.mouse.move(640, 450)
        for _ in range(3):
            page.mouse.wheel(0, 300)
            page.wait_for_timeout(150)
        page.goto(root + "index.html")
        expect_text(page, ".course-progress-next", "Continue with 2. Untitled one")
        page.goto(root + "section.html")
        assert page.locator("#reflect-first textarea").input_value() == "Written from a file on disk."
        assert errors == []
    finally:
        context.close()


def test_the_notes_scripts_load_only_where_they_are_used(project):
    _, _, server = project

    def scripts(page: str) -> list[str]:
        found = soup(server.root / page).select("script[src*='course_notes']")
        assert all(script.get("defer") is not None and script.get("type") is None for script in found), page
        return [script["src"].split("/")[-1].split("?")[0] for script in found]

    editors = ["course_notes_format.js", "course_notes_store.js", "course_notes.js"]
    assert scripts("privacy.html") == [], "a page without notes loads none of them"
    assert scripts("section.html") == editors
    assert scripts("index.html") == editors, "a continue-reading line needs them"
    assert scripts("workbook.html") == [*editors, "course_notes_workbook.js"]
    settings = soup(server.root / "section.html").select_one("script[data-course-notes]")
    assert settings["src"].startswith("_static/course_notes.js")


# The backup in reach (issue #32).

PHONE_SCREEN = {"width": 375, "height": 812}


def test_the_backup_is_in_reach_on_a_phone_and_every_reminder_leads_to_it(browser, site):
    import datetime

    server = LocalServer(site("html"))
    section = SITE_SECTIONS[4]
    try:
        with visit(browser, server, f"{section}.html", **PHONE_SCREEN) as (page, _):
            title = page.locator("h1").evaluate("h => h.firstChild.textContent.trim()")
            week = page.locator("[data-notes-part]").first.get_attribute("data-notes-part")
            card = page.locator("article .course-card[data-notes]").first
            prompts = [f"- {p}" for p in card.locator(".course-card-body li").all_inner_texts()]
            card.locator("textarea").fill("A boundary I kept.\nAnd how it felt.")
            card.locator(".course-notes-status").filter(has_text="Saved on this device").wait_for()
            card.locator(".course-notes-privacy").get_by_role(
                "link", name="Download a copy to keep them safe."
            ).click()
            page.wait_for_url(f"**/{FIRST_WEEK.workbook}.html#course-notes-backup")
            download = page.get_by_role("button", name="Download my notes")
            top = download.evaluate("b => b.getBoundingClientRect().top + scrollY")
            assert top + download.bounding_box()["height"] <= 2 * PHONE_SCREEN["height"], top
            assert download.is_visible() and download.evaluate(
                "b => { const r = b.getBoundingClientRect(); return r.top >= 0 && r.bottom <= innerHeight; }"
            ), "the reminder's link shows the download"
            last = page.locator(".course-notes-last")
            assert last.inner_text() == "You have not downloaded your notes yet."
            page.evaluate("scrollTo({top: 0, behavior: 'instant'})")
            page.screenshot(path=str(server.root.parent / "workbook-backup-375.png"))
            with page.expect_download() as downloaded:
                download.click()
            today = datetime.date.today()
            said = f"You last downloaded your notes on {today:%B} {today.day}, {today.year}."
            assert last.inner_text() == said
            page.reload()
            assert page.locator(".course-notes-last").inner_text() == said, "remembered in this browser"
            page.screenshot(path=str(server.root.parent / "workbook-backup-375-downloaded.png"))
            text = open(downloaded.value.path(), encoding="utf-8").read()
    finally:
        server.close()
    lines = [line for line in text.splitlines() if line]
    assert lines[0] == "# My notes from Safe Connections"
    assert lines[2:] == [
        f"## {week}",
        f"### {title}",
        *prompts,
        "> A boundary I kept.",
        "> And how it felt.",
        lines[-1],
    ], "the week, the section, its prompts and the words, in order"
    assert lines[-1].startswith("<!-- course-notes ") and all("<!--" not in line for line in lines[:-1])


def test_the_home_pages_example_card_takes_no_notes_and_a_note_kept_there_before_is_on_the_workbook(
    browser, site
):
    server = LocalServer(site("html"))
    earlier = '{"text": "Written on the home page.", "updated": "2026-01-01T00:00:00.000Z", "section": "Safe Connections", "prompts": []}'
    try:
        with visit(browser, server, "index.html", **PHONE_SCREEN) as (page, _):
            example = page.locator("#home-reflection-example")
            assert example.locator("textarea").count() == 0
            words = page.locator("article").inner_text()
            assert "like the one above" not in words and "Your notes" in words, "no text points at a box"
            page.locator("article").get_by_role("link", name="workbook").click()
            page.wait_for_url(f"**/{FIRST_WEEK.workbook}.html")
            # A note a reader wrote there before the card stopped taking notes.
            page.evaluate(
                "note => localStorage.setItem('course-notes:/:index#home-reflection-example', note)", earlier
            )
            page.reload()
            lost = page.locator(".course-notes-orphans")
            assert "Written on the home page." in lost.inner_text()
            lost.screenshot(path=str(server.root.parent / "workbook-home-note-375.png"))
            with page.expect_download() as downloaded:
                page.get_by_role("button", name="Download my notes").click()
            text = open(downloaded.value.path(), encoding="utf-8").read()
    finally:
        server.close()
    assert "### Safe Connections\n\n> Written on the home page.\n" in text
