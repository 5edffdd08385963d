// @ts-check
// The workbook's tools, after its prompts under "Keep your notes safe": download, import,
// when the notes were last downloaded, and deleting everything; and notes this page
// cannot place, to reattach or delete one by one. Loaded after course_notes.js.
(() => {
  const N = /** @type {any} */ (window).CourseNotes;
  const tools = /** @type {HTMLElement | null} */ (document.querySelector(".course-notes-tools[data-known]"));
  if (!tools || !N.page) return;
  const { format } = N;
  const { settings, t, plurals, store, make, status, say, editors, updateAll, showProgress } = N.page;
  const { course } = settings;
  // Larger than any honest notes file by far; refused before it is read whole.
  const LARGEST_FILE = 20e6;

  /** @type {[string, string, ...string[]][]} */
  let known = [];
  try { known = JSON.parse(tools.dataset.known || "[]"); } catch { /* every note then counts as placed elsewhere */ }
  known.forEach(([key, legacy, ...formerly]) => {
    store.migrate(key, legacy);
    formerly.forEach((old) => store.move(old, key));
  });
  const knownKeys = new Set(known.map(([key]) => key));
  const byLegacy = new Map(known.map(([key, legacy]) => [legacy, key]));
  const message = status();
  // Storage counts characters; two bytes each is how browsers reckon its quota.
  const megabytes = (/** @type {number} */ characters) => (characters * 2 / 1e6).toFixed(1);
  const button = (/** @type {string} */ label, /** @type {Function} */ onclick, className = "") =>
    make("button", { type: "button", textContent: label, onclick, className });

  // Cards of this page a lost note can go back to: their section and title.
  const targets = [...document.querySelectorAll(".course-card-group .course-card[data-notes]")].map((card) => {
    const group = card.closest(".course-card-group");
    const title = card.querySelector(".course-card-title");
    const section = group && group.querySelector("h2") ? (/** @type {Element} */ (group.querySelector("h2")).firstChild || {}).textContent : "";
    return [/** @type {HTMLElement} */ (card).dataset.notes, `${section}${title ? ` – ${title.textContent}` : ""}`];
  });

  const reattach = (/** @type {string} */ from, /** @type {string} */ to) => {
    const lost = store.read(from);
    const here = store.read(to);
    if (!lost) return;
    const text = here && here.text.trim() ? `${here.text}\n\n${lost.text}` : lost.text;
    try {
      store.write(to, { ...(here || lost), text, updated: new Date().toISOString() });
      store.remove(from);
      say(message, t.reattached);
    } catch {
      say(message, t.storageFailed);
    }
    updateAll();
  };

  const orphanItem = (/** @type {string} */ key, /** @type {any} */ note, /** @type {number} */ index) => {
    const choose = /** @type {HTMLSelectElement} */ (make("select", { id: `course-notes-orphan-${index}` },
      ...targets.map(([value, label]) => make("option", { value, textContent: label }))));
    // Without a card on this page to move it under, a note can still be deleted.
    const move = targets.length ? [make("label", { htmlFor: choose.id, textContent: t.moveTo }), choose, button(t.reattach, () => reattach(key, choose.value))] : [];
    const actions = make("div", { className: "course-notes-actions" }, ...move,
      button(t.deleteOne, () => {
        if (!window.confirm(t.confirmDeleteOne)) return;
        store.remove(key);
        updateAll();
      }, "course-notes-delete"));
    return make("li", {}, make("strong", { textContent: note.section }), make("p", { className: "course-notes-orphan-text", textContent: note.text }), actions);
  };

  const listOthers = () => {
    document.querySelectorAll(".course-notes-orphans, .course-notes-damaged").forEach((old) => old.remove());
    const orphans = store.noteKeys().filter((/** @type {string} */ key) => !knownKeys.has(key))
      .map((/** @type {string} */ key) => [key, store.read(key)]).filter(([, note]) => note);
    if (orphans.length) {
      const items = orphans.map(([key, note], index) => orphanItem(key, note, index));
      tools.before(make("section", { className: "course-notes-orphans" }, make("h2", { textContent: t.orphans }), make("p", { textContent: t.orphansHelp }), make("ul", {}, ...items)));
    }
    const damaged = store.damagedKeys();
    if (damaged.length) {
      const remove = button(t.deleteDamaged, () => { damaged.forEach((/** @type {string} */ key) => store.remove(key)); listOthers(); });
      tools.before(make("div", { className: "course-notes-damaged" }, make("p", { textContent: format.counted(t.damaged, damaged.length, plurals) }), remove));
    }
  };

  const last = make("p", { className: "course-notes-last" });
  const showLast = () => {
    const when = store.lastDownload();
    const date = when ? new Intl.DateTimeFormat(document.documentElement.lang || "en", { dateStyle: "long" }).format(new Date(when)) : "";
    const line = when ? format.fill(t.lastDownload, date) : t.neverDownloaded;
    say(last, when && store.changedSinceDownload() ? `${line} ${t.remindDownload}` : line);
  };

  const ordered = () => {
    const keys = store.noteKeys();
    const stored = new Set(keys);
    return [...[...knownKeys].filter((key) => stored.has(key)), ...keys.filter((/** @type {string} */ key) => !knownKeys.has(key))];
  };

  const download = () => {
    const notes = ordered().map((key) => [key, store.read(key)]).filter(([, note]) => note && note.text.trim());
    if (!notes.length) {
      say(message, t.nothingToDownload);
      return;
    }
    const text = format.serialize({ course, date: new Date().toISOString().slice(0, 10), notes, title: t.fileTitle, intro: t.fileIntro });
    const href = URL.createObjectURL(new Blob([text], { type: "text/markdown" }));
    make("a", { href, download: "my-course-notes.md" }).click();
    // The browser reads the file after click() returns; revoking at once aborts some downloads.
    setTimeout(() => URL.revokeObjectURL(href), 60_000);
    store.downloaded(new Date().toISOString());
    showLast();
  };

  // The reader decides, once per import, what happens to notes that differ from the file's.
  /** @returns {Promise<"mine" | "theirs" | "both">} */
  const ask = (/** @type {number} */ count) => new Promise((answer) => {
    const dialog = /** @type {HTMLDialogElement} */ (make("dialog", { className: "course-notes-ask" }));
    dialog.setAttribute("aria-labelledby", "course-notes-ask-question");
    const choose = (/** @type {"mine" | "theirs" | "both"} */ choice) => () => { dialog.close(); dialog.remove(); answer(choice); };
    const mine = button(t.keepMineImport, choose("mine"));
    dialog.append(make("p", { id: "course-notes-ask-question", textContent: format.counted(t.askDiffer, count, plurals) }),
      make("div", { className: "course-notes-actions" }, mine, button(t.useFile, choose("theirs")), button(t.keepBoth, choose("both"))));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); choose("mine")(); });
    document.body.append(dialog);
    dialog.showModal();
    mine.focus();
  });

  const importFile = async (/** @type {File} */ file) => {
    if (file.size > LARGEST_FILE) return format.fill(format.fill(t.fileTooBig, (file.size / 1e6).toFixed(1)), LARGEST_FILE / 1e6);
    const { header, notes } = format.parseFile(await file.text(), { course, byLegacy });
    if (!header) return t.notANotesFile;
    if (header.course !== course && !window.confirm(format.fill(t.otherCourse, header.course))) return t.importCancelled;
    const now = Date.now();
    const sorted = format.plan(notes, store.read, now);
    const choice = sorted.ask.length ? await ask(sorted.ask.length) : "mine";
    const entries = [...sorted.add, ...sorted.replace];
    for (const [key, here, incoming] of sorted.ask) {
      const note = format.resolve(choice, here, incoming, t.fromFile, now);
      if (note) entries.push([key, note]);
    }
    if (!entries.length) return sorted.ask.length ? t.keptYours : t.nothingNewer;
    const full = store.writeAll(entries);
    if (full) return format.fill(format.fill(t.tooLarge, megabytes(full.needed)), megabytes(full.free));
    return format.counted(t.imported, entries.length, plurals);
  };

  const picker = /** @type {HTMLInputElement} */ (make("input", { type: "file", accept: ".md,text/markdown,text/plain", hidden: true }));
  picker.addEventListener("change", async () => {
    const file = picker.files && picker.files[0];
    picker.value = "";
    if (!file) return;
    try {
      say(message, await importFile(file));
    } catch {
      say(message, t.importFailed);
    }
    updateAll();
  });

  const deleteAll = () => {
    if (!window.confirm(t.confirmDelete)) return;
    store.deleteEverything();
    editors.forEach((/** @type {any[]} */ list) => list.forEach((editor) => editor.reload()));
    showProgress();
    listOthers();
    showLast();
    say(message, t.deleted);
  };

  N.page.onChange.push(listOthers, showLast);
  N.page.onSave.push(showLast);
  tools.append(
    make("h2", { textContent: t.toolsHeading }),
    make("div", { className: "course-notes-actions" }, button(t.download, download), button(t.import, () => picker.click()), picker),
    last,
    message,
    make("div", { className: "course-notes-danger" }, make("p", { textContent: t.deleteExplained }), button(t.delete, deleteAll, "course-notes-delete")),
  );
  tools.hidden = false;
  listOthers();
  showLast();
})();
