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
        "backupLink": _("Download a copy to keep them safe."),
        "conflict": _("This note was changed in another tab, and your text here is not saved yet."),
        "keepMine": _("Keep my text"),
        "takeTheirs": _("Show the other tab's text"),
        "download": _("Download my notes"),
        "import": _("Bring back notes from a file you downloaded"),
        "toolsHeading": _("Keep your notes safe"),
        "neverDownloaded": _("You have not downloaded your notes yet."),
        "lastDownload": _("You last downloaded your notes on %s."),
        "remindDownload": _("You have written since then; a new download keeps a copy of it."),
        "askDiffer": plural(
            "%s note in this file differs from the one in this browser: choose which words to keep.",
            "%s notes in this file differ from the ones in this browser: for each, choose which "
            "words to keep.",
        ),
        "keepHere": _("Keep this browser's, written %s"),
        "takeFile": _("Take the file's, written %s"),
        "keepBoth": _("Keep both"),
        "useChoices": _("Use these choices"),
        "keepMineImport": _("Keep all of this browser's"),
        "useFile": _("Take all of the file's"),
        "fromFile": _("From the downloaded file (%s):"),
        "keptYours": _("Your notes here were kept; nothing was imported."),
        "fileTooBig": _(
            "This file is %s MB, larger than any notes file (at most %s MB); nothing was changed."
        ),
        "tooLarge": _(
            "The notes in this file need about %s MB, but this browser had room for only %s MB "
            "more; nothing was changed."
        ),
        "delete": _("Delete all my notes"),
        "deleteExplained": _(
            "This deletes everything this course keeps on this device: your notes, "
            "your reading progress and the date of your last download."
        ),
        "confirmDelete": _(
            "Delete everything this course keeps on this device, your notes and your reading "
            "progress? This cannot be undone."
        ),
        "deleted": _("Everything this course kept on this device was deleted."),
        "nothingToDownload": _("You have no notes to download yet."),
        "imported": plural("Imported %s note.", "Imported %s notes."),
        "nothingNewer": _("Nothing to import: the notes in this file are already here, or older."),
        "changedFile": _(
            "This file was changed after it was downloaded, so its notes can't be matched to "
            "their sections; nothing was imported."
        ),
        "notANotesFile": _("This is not a notes file downloaded from a workbook; nothing was imported."),
        "otherCourse": _("This file holds notes from another course, “%s”. Import them into this course?"),
        "importCancelled": _("Nothing was imported."),
        "importFailed": _("This browser can't save imported notes."),
        "orphans": _("Notes from cards that no longer exist"),
        "orphansHelp": _("You can move each of these notes under a card of this workbook, or delete it."),
        "moveTo": _("Move to"),
        "reattach": _("Move this note"),
        "reattached": _("The note was moved."),
        "deleteOne": _("Delete this note"),
        "confirmDeleteOne": _("Delete this note from this device? This cannot be undone."),
        "damaged": plural(
            "%s stored note could not be read: it was changed outside this site.",
            "%s stored notes could not be read: they were changed outside this site.",
        ),
        "deleteDamaged": _("Delete the unreadable notes"),
        "startWith": _("Start with %s"),
        "continueWith": _("Continue with %s"),
        "read": _("Read"),
        "confirmForget": _("Forget which sections you have read? Your notes stay as they are."),
        "fileTitle": _("My notes from %s"),
        "fileIntro": _(
            "Your notes as you wrote them, downloaded on %s. To bring them back into a browser, "
            "open the workbook and choose “Bring back notes from a file you downloaded”: it reads "
            "the line at the very end, so you might leave that line as it is."
        ),
    }


def script_settings(app: Sphinx) -> str:
    """The JSON the script reads from its ``data-course-notes`` attribute."""
    return json.dumps({"course": app.config.project, "messages": messages()}, ensure_ascii=False)
