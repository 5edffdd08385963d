// The workbook's tools, above its prompts under "Keep your notes safe": download, import
// and when the notes were last downloaded; notes this page cannot place, to reattach or
// delete one by one; and, after the prompts, deleting everything. Loaded after course_notes.js.
(() => {
  const N = window.CourseNotes;
  const tools = document.querySelector(".course-notes-tools[data-known]");
  if (!tools || !N.page) return;
  const { format } = N;
  const { settings, t, plurals, store, make, button, status, say, sectionOf, editors, updateAll, showProgress } = N.page;
  const { course } = settings;
  // Larger than any honest notes file by far; refused before it is read whole.
  const LARGEST_FILE = 20e6;

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
  const megabytes = (characters) => (characters * 2 / 1e6).toFixed(1);

  // Cards of this page a lost note can go back to: their section and title.
  const targets = [...document.querySelectorAll(".course-card-group .course-card[data-notes]")].map((card) => {
    const title = card.querySelector(".course-card-title");
    return [card.dataset.notes, `${sectionOf(card)}${title ? ` – ${title.textContent}` : ""}`];
  });

  const reattach = (from, to) => {
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

  const orphanItem = (key, note, index) => {
    const choose = make("select", { id: `course-notes-orphan-${index}` },
      ...targets.map(([value, label]) => make("option", { value, textContent: label })));
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
    const orphans = store.noteKeys().filter((key) => !knownKeys.has(key))
      .map((key) => [key, store.read(key)]).filter(([, note]) => note);
    if (orphans.length) {
      const items = orphans.map(([key, note], index) => orphanItem(key, note, index));
      tools.after(make("section", { className: "course-notes-orphans" }, make("h2", { textContent: t.orphans }), make("p", { textContent: t.orphansHelp }), make("ul", {}, ...items)));
    }
    const damaged = store.damagedKeys();
    if (damaged.length) {
      const remove = button(t.deleteDamaged, () => { damaged.forEach((key) => store.remove(key)); listOthers(); });
      tools.after(make("div", { className: "course-notes-damaged" }, make("p", { textContent: format.counted(t.damaged, damaged.length, plurals) }), remove));
    }
  };

  const dated = (when, style) =>
    new Intl.DateTimeFormat(document.documentElement.lang || "en", style).format(new Date(when));
  const last = make("p", { className: "course-notes-last" });
  const showLast = () => {
    const when = store.lastDownload();
    const line = when ? format.fill(t.lastDownload, dated(when, { dateStyle: "long" })) : t.neverDownloaded;
    say(last, when && store.changedSinceDownload() ? `${line} ${t.remindDownload}` : line);
  };

  const ordered = () => {
    const keys = store.noteKeys();
    const stored = new Set(keys);
    return [...[...knownKeys].filter((key) => stored.has(key)), ...keys.filter((key) => !knownKeys.has(key))];
  };

  // For notes kept before they noted their week.
  const parts = new Map([...document.querySelectorAll("[data-notes-part]")].map((card) =>
    [card.dataset.notes, card.dataset.notesPart]));
  const download = () => {
    const notes = ordered().map((key) => [key, store.read(key)]).filter(([, note]) => note && note.text.trim())
      .map(([key, note]) => [key, { part: parts.get(key), ...note }]);
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

  // Each differing note with both versions and dates, chosen one by one or all at once.
  const ask = (differing) => new Promise((answer) => {
    const dialog = make("dialog", { className: "course-notes-ask" });
    dialog.setAttribute("aria-labelledby", "course-notes-ask-question");
    const groups = differing.map(([, here, incoming], n) => {
      const option = (value, label, note) => {
        const id = `course-notes-ask-${n}-${value}`;
        const input = make("input", { type: "radio", name: `course-notes-ask-${n}`, value, id, checked: value === "mine" });
        const words = note ? [make("blockquote", { id: `${id}-words`, textContent: note.text })] : [];
        if (note) input.setAttribute("aria-describedby", words[0].id);
        return [make("div", { className: "course-notes-choice" }, input, make("label", { htmlFor: id, textContent: label })), ...words];
      };
      const written = (template, note) => format.fill(template, dated(note.updated, { dateStyle: "long", timeStyle: "short" }));
      return make("fieldset", {}, make("legend", { textContent: here.section || incoming.section }),
        ...option("mine", written(t.keepHere, here), here), ...option("theirs", written(t.takeFile, incoming), incoming),
        ...option("both", t.keepBoth));
    });
    const finish = (choices) => { dialog.close(); dialog.remove(); answer(choices); };
    const all = (choice) => () => finish(differing.map(() => choice));
    const chosen = () => finish(groups.map((group) => group.querySelector(":checked").value));
    dialog.append(make("p", { id: "course-notes-ask-question", textContent: format.counted(t.askDiffer, differing.length, plurals) }), ...groups,
      make("div", { className: "course-notes-actions" }, button(t.useChoices, chosen), button(t.keepMineImport, all("mine")), button(t.useFile, all("theirs"))));
    dialog.addEventListener("cancel", (event) => { event.preventDefault(); all("mine")(); });
    document.body.append(dialog);
    dialog.showModal();
    dialog.querySelector(":checked").focus();
  });

  const importFile = async (file) => {
    if (file.size > LARGEST_FILE) return format.fill(format.fill(t.fileTooBig, (file.size / 1e6).toFixed(1)), LARGEST_FILE / 1e6);
    const { header, notes, changed } = format.parseFile(await file.text(), { course, byLegacy });
    if (changed) return t.changedFile;
    if (!header) return t.notANotesFile;
    if (header.course !== course && !window.confirm(format.fill(t.otherCourse, header.course))) return t.importCancelled;
    const now = Date.now();
    const sorted = format.plan(notes, store.read, now);
    const choices = sorted.ask.length ? await ask(sorted.ask) : [];
    const entries = [...sorted.add, ...sorted.replace];
    sorted.ask.forEach(([key, here, incoming], n) => {
      const note = format.resolve(choices[n], here, incoming, t.fromFile, now);
      if (note) entries.push([key, note]);
    });
    if (!entries.length) return sorted.ask.length ? t.keptYours : t.nothingNewer;
    const full = store.writeAll(entries);
    if (full) return format.fill(format.fill(t.tooLarge, megabytes(full.needed)), megabytes(full.free));
    return format.counted(t.imported, entries.length, plurals);
  };

  const picker = make("input", { type: "file", accept: ".md,text/markdown,text/plain", hidden: true });
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
    editors.forEach((list) => list.forEach((editor) => editor.reload()));
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
  );
  // Deleting sits at the end of the page, far from the backup.
  tools.parentElement.append(make("div", { className: "course-notes-tools course-notes-danger" },
    make("p", { textContent: t.deleteExplained }), button(t.delete, deleteAll, "course-notes-delete")));
  tools.hidden = false;
  listOthers();
  showLast();
})();
