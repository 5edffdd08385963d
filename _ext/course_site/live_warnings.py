"""live_warnings: in live preview (``make livehtml``), the build's warnings in a small
banner at the top of every page, located (``file:line``) and typed as in the terminal,
so the page a contributor looks at never hides that the build failed.

The pages load one unchanging script; after each build, ``_static/live-warnings.json``
holds that build's warnings, and the script fetches it without the cache. So pages the
rebuild did not write show the latest warnings too, and no warning changes a page's
bytes. Only where ``content_security_live_preview`` is set (the live preview's own policy
mode); other builds are untouched."""

from __future__ import annotations

import io
import json
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx.util.logging import NAMESPACE, WarningStreamHandler, is_suppressed_warning

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.util.typing import ExtensionMetadata

SCRIPT = "live-warnings.js"
DATA = "live-warnings.json"
# Fetched afresh on every page load: the latest build's warnings, whichever build wrote
# the page. Plain DOM and text only; styled inline so no stylesheet changes.
SCRIPT_TEXT = """\
"use strict";
(function () {
  var data = new URL("live-warnings.json", document.currentScript.src);
  fetch(data, { cache: "no-store" })
    .then(function (response) { return response.ok ? response.json() : { warnings: [] }; })
    .then(function (found) {
      var warnings = found.warnings || [];
      if (!warnings.length) return;
      var banner = document.createElement("aside");
      banner.className = "live-warnings";
      banner.setAttribute("aria-label", "Build warnings");
      banner.style.cssText = "background:#fff4e5;color:#4a2500;border-bottom:2px solid #b45309;" +
        "padding:.4rem 1rem;font:0.8rem/1.4 monospace;max-height:30vh;overflow:auto;";
      var title = document.createElement("p");
      title.style.margin = "0";
      title.textContent = "Live preview: the last build gave " + warnings.length +
        (warnings.length === 1 ? " warning" : " warnings") + "; `make html` would fail.";
      var list = document.createElement("ul");
      list.style.margin = "0";
      warnings.forEach(function (warning) {
        var item = document.createElement("li");
        item.textContent = warning;
        list.appendChild(item);
      });
      banner.append(title, list);
      document.body.prepend(banner);
    });
})();
"""


class Recorder(WarningStreamHandler):
    """Keeps the build's warnings as the terminal shows them. A warning handler, so Sphinx
    holds warnings back from it while reading, as from its own, and each arrives once;
    added after Sphinx's, which has already located and typed the record."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(io.StringIO())
        self.setLevel(logging.WARNING)
        self.app = app
        self.warnings: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        kind, subtype = getattr(record, "type", None), getattr(record, "subtype", None)
        if not is_suppressed_warning(kind, subtype, self.app.config.suppress_warnings):
            # Located from the project's folder, as a contributor names the file.
            self.warnings.append(record.getMessage().removeprefix(f"{self.app.srcdir}{os.sep}"))


RECORDERS: dict[int, Recorder] = {}  # by id of the app


def live(app: Sphinx) -> bool:
    return bool(getattr(app.config, "content_security_live_preview", False)) and app.builder.format == "html"


def start_recording(app: Sphinx) -> None:
    if not live(app):
        return
    recorder = RECORDERS[id(app)] = Recorder(app)
    logging.getLogger(NAMESPACE).addHandler(recorder)
    static = Path(app.outdir) / "_static"
    static.mkdir(parents=True, exist_ok=True)
    (static / SCRIPT).write_text(SCRIPT_TEXT, encoding="utf-8")
    app.add_js_file(SCRIPT, loading_method="defer")


def publish(app: Sphinx, exception: Exception | None) -> None:
    recorder = RECORDERS.pop(id(app), None)
    if recorder is None:
        return
    logging.getLogger(NAMESPACE).removeHandler(recorder)
    data = json.dumps({"warnings": recorder.warnings}, ensure_ascii=False, indent=1)
    (Path(app.outdir) / "_static" / DATA).write_text(data + "\n", encoding="utf-8")


def setup(app: Sphinx) -> ExtensionMetadata:
    app.connect("builder-inited", start_recording)
    app.connect("build-finished", publish, priority=900)  # after the e-books' warnings
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
