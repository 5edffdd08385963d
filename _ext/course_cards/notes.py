"""What the notes script is told by the build: the course it belongs to and every string
of its interface, translated from the extension's message catalog. It travels in a
``data-`` attribute of the script element, so the page needs no inline code."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from sphinx.locale import get_translator

if TYPE_CHECKING:
    from sphinx.application import Sphinx


def messages() -> dict[str, str | dict[str, str]]:
    """Called once the build's catalogs are loaded, in the build's language."""
    translator = get_translator("course_cards")
    _ = translator.gettext

    def plural(singular: str, plural_form: str) -> dict[str, str]:
        """Both forms, for the script to choose with the page language's plural rules."""
        return {
            "one": translator.ngettext(singular, plural_form, 1),
            "other": translator.ngettext(singular, plural_form, 2),
        }

    return {
        "label": _("Your notes"),
        "saved": _("Saved on this device."),
        "restored": _("Restored from this device."),
        "storageFailed": _(
            "This browser can't save your notes (storage is off or full). "
            "Your text is still here: copy it somewhere safe."
        ),
        "privacy": _("Your notes stay in this browser on this device; nothing is sent anywhere."),
        "privacyLink": _("About privacy"),
        "conflict": _("This note was changed in another tab, and your text here is not saved yet."),
        "keepMine": _("Keep my text"),
        "takeTheirs": _("Show the other tab's text"),
        "download": _("Download my notes"),
        "import": _("Import notes from a downloaded .md file"),
        "delete": _("Delete all my notes"),
        "confirmDelete": _("Delete all your notes for this course from this browser? This cannot be undone."),
        "deleted": _("Your notes for this course were deleted."),
        "nothingToDownload": _("You have no notes to download yet."),
        "imported": plural("Imported %s note.", "Imported %s notes."),
        "nothingNewer": _("Nothing to import: the notes in this file are already here, or older."),
        "notANotesFile": _("This is not a notes file downloaded from a workbook; nothing was imported."),
        "otherCourse": _("This file holds notes from another course, “%s”. Import them into this course?"),
        "importCancelled": _("Nothing was imported."),
        "importFailed": _("This browser can't save imported notes."),
        "orphans": _("Notes from cards that no longer exist"),
        "damaged": plural(
            "%s stored note could not be read: it was changed outside this site.",
            "%s stored notes could not be read: they were changed outside this site.",
        ),
        "deleteDamaged": _("Delete the unreadable notes"),
        "fileTitle": _("My notes from %s"),
        "fileIntro": _("Downloaded on %s. The workbook's import button reads this file back."),
    }


def script_settings(app: Sphinx) -> str:
    """The JSON the script reads from its ``data-course-notes`` attribute."""
    return json.dumps({"course": app.config.project, "messages": messages()}, ensure_ascii=False)
