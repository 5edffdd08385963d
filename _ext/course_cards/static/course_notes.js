// Private notes under reflection cards, kept in this browser's localStorage only; nothing
// is sent anywhere. Every key starts with the site's root path, so two courses on one
// origin (GitHub Pages serves an account's sites from one) never see each other's notes,
// and each card's note is keyed by its page and id. The build hands over the course name
// and every string in the script element's data-course-notes attribute: no inline code.
(() => {
  const script = document.currentScript;
  const { course, messages: t } = JSON.parse(script.dataset.courseNotes);
  const LEGACY = "course-notes:";
  const STORE = `${LEGACY}${new URL("..", script.src).pathname}:`;
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  const fill = (template, value) => template.replace("%s", value);
  const counted = (forms, n) => fill(forms[plurals.select(n)] || forms.other, n);

  // Storage never throws at a reader: reads fail soft, writes report to their caller.
  const storage = {
    get: (key) => { try { return localStorage.getItem(key); } catch { return null; } },
    set: (key, value) => localStorage.setItem(key, value),
    remove: (key) => { try { localStorage.removeItem(key); } catch { /* nothing to undo */ } },
    keys: () => { try { return Object.keys(localStorage); } catch { return []; } },
  };
  const isNote = (v) => v !== null && typeof v === "object" && typeof v.text === "string" &&
    typeof v.updated === "string" && typeof v.section === "string" &&
    Array.isArray(v.prompts) && v.prompts.every((p) => typeof p === "string");
  const parse = (raw) => { try { const v = JSON.parse(raw); return isNote(v) ? v : null; } catch { return null; } };
  const read = (key) => parse(storage.get(STORE + key));
  const write = (key, note) => storage.set(STORE + key, JSON.stringify(note));
  const storedKeys = () => storage.keys().filter((k) => k.startsWith(STORE)).map((k) => k.slice(STORE.length));
  const damagedKeys = () => storedKeys().filter((key) => read(key) === null);

  // Notes kept before keys named the site and the page move to their new key, once.
  const migrate = (key, legacy) => {
    const raw = legacy ? storage.get(LEGACY + legacy) : null;
    if (raw === null || parse(raw) === null || storage.get(STORE + key) !== null) return;
    try { storage.set(STORE + key, raw); storage.remove(LEGACY + legacy); } catch { /* kept where it was */ }
  };

  const make = (tag, props, ...children) => {
    const el = Object.assign(document.createElement(tag), props);
    el.append(...children);
    return el;
  };
  const status = () => make("p", { className: "course-notes-status", role: "status" });
  const heading = (el) => (el ? el.firstChild.textContent.trim() : "");
  const oneLine = (text) => text.replace(/\s+/g, " ").trim();
  const grows = !CSS.supports("field-sizing", "content");
  const fit = (field) => {
    if (!grows) return;
    field.style.height = "auto";
    field.style.height = `${field.scrollHeight + 2}px`;
  };

  const editors = new Map(); // note key -> the editors showing it (a card and its copies)
  const refreshLists = [];

  const attach = (card, first) => {
    const key = card.dataset.notes;
    migrate(key, card.dataset.notesLegacy);
    const field = make("textarea", { id: `${card.id}-notes`, className: "course-notes-field" });
    const saved = status();
    const printed = make("div", { className: "course-notes-print" });
    const box = make("div", { className: "course-notes" }, make("label", { htmlFor: field.id, textContent: t.label }), field, saved, printed);
    if (first && card.dataset.privacy) {
      const link = make("a", { href: card.dataset.privacy, textContent: t.privacyLink });
      box.append(make("p", { className: "course-notes-privacy" }, `${t.privacy} `, link));
    }
    card.querySelector(".course-card-body").after(box);

    let seen = read(key); // the stored note this editor last showed or wrote
    let conflicted = false;
    const show = (text) => {
      field.value = printed.textContent = text;
      card.classList.toggle("has-notes", text.trim() !== "");
      fit(field);
    };
    const save = () => {
      const group = card.closest(".course-card-group");
      const note = {
        text: field.value,
        updated: new Date().toISOString(),
        section: heading(group ? group.querySelector("h2") : document.querySelector("h1")),
        prompts: [...card.querySelectorAll(".course-card-body li")].map((li) => oneLine(li.textContent)),
      };
      try {
        write(key, note);
        seen = note;
        conflicted = false;
        saved.replaceChildren(t.saved);
      } catch {
        saved.replaceChildren(t.storageFailed);
      }
    };
    const reload = () => {
      seen = read(key);
      conflicted = false;
      show(seen ? seen.text : "");
      saved.replaceChildren();
    };
    // Another tab wrote a newer note since this one last looked: never overwrite it
    // silently; the reader chooses.
    const conflict = () => {
      conflicted = true;
      const keep = make("button", { type: "button", textContent: t.keepMine, onclick: save });
      const take = make("button", { type: "button", textContent: t.takeTheirs, onclick: reload });
      saved.replaceChildren(`${t.conflict} `, keep, " ", take);
    };
    const changedElsewhere = () => {
      const stored = read(key);
      return stored ? !seen || stored.updated !== seen.updated || stored.text !== seen.text : false;
    };
    const update = () => {
      if (!changedElsewhere() && !(seen && read(key) === null)) return;
      const mine = field.value !== (seen ? seen.text : "");
      if (mine || conflicted) conflict();
      else reload();
    };

    show(seen ? seen.text : "");
    if (seen && seen.text.trim()) saved.replaceChildren(t.restored);
    field.addEventListener("input", () => {
      show(field.value);
      if (conflicted || changedElsewhere()) conflict();
      else save();
    });
    if (!editors.has(key)) editors.set(key, []);
    editors.get(key).push({ reload, update });
  };

  document.querySelectorAll(".course-card.reflection[data-notes]").forEach((card, index) => attach(card, index === 0));

  const updateAll = () => {
    editors.forEach((list) => list.forEach((editor) => editor.update()));
    refreshLists.forEach((refresh) => refresh());
  };
  window.addEventListener("storage", (event) => {
    if (event.key === null || event.key.startsWith(STORE)) updateAll();
  });

  // The workbook's tools: download, import, delete, and notes this page cannot place.
  const tools = document.querySelector(".course-notes-tools[data-known]");
  if (!tools) return;
  let known = [];
  try { known = JSON.parse(tools.dataset.known); } catch { /* every note then counts as placed elsewhere */ }
  known.forEach(([key, legacy]) => migrate(key, legacy));
  const knownKeys = new Set(known.map(([key]) => key));
  const message = status();

  const listOthers = () => {
    document.querySelectorAll(".course-notes-orphans, .course-notes-damaged").forEach((old) => old.remove());
    const orphans = storedKeys().filter((key) => !knownKeys.has(key)).map(read).filter(Boolean);
    if (orphans.length) {
      const items = orphans.map((note) => make("li", {}, make("strong", { textContent: note.section }), make("p", { textContent: note.text })));
      tools.after(make("section", { className: "course-notes-orphans" }, make("h2", { textContent: t.orphans }), make("ul", {}, ...items)));
    }
    const damaged = damagedKeys();
    if (damaged.length) {
      const remove = make("button", { type: "button", textContent: t.deleteDamaged, onclick: () => { damaged.forEach((key) => storage.remove(STORE + key)); listOthers(); } });
      tools.after(make("div", { className: "course-notes-damaged" }, make("p", { textContent: counted(t.damaged, damaged.length) }), remove));
    }
  };
  refreshLists.push(listOthers);

  // The download: readable Markdown whose notes come back exactly. Each note is a block
  // quote, so no text in a note can pass for the file's own markers.
  const marker = (name, data) => `<!-- ${name} ${JSON.stringify(data).replace(/>/g, "\\u003e")} -->`;
  const readMarker = (line, name) => {
    const start = `<!-- ${name} `;
    if (!line.startsWith(start) || !line.endsWith(" -->")) return null;
    try {
      const data = JSON.parse(line.slice(start.length, -4));
      return data !== null && typeof data === "object" ? data : null;
    } catch {
      return null;
    }
  };
  const ordered = () => {
    const keys = storedKeys();
    const stored = new Set(keys);
    return [...[...knownKeys].filter((key) => stored.has(key)), ...keys.filter((key) => !knownKeys.has(key))];
  };

  const download = () => {
    const notes = ordered().map((key) => [key, read(key)]).filter(([, note]) => note && note.text.trim());
    if (!notes.length) {
      message.replaceChildren(t.nothingToDownload);
      return;
    }
    const lines = [`# ${fill(t.fileTitle, course)}`, "", marker("course-notes", { version: 2, course }), "", fill(t.fileIntro, new Date().toISOString().slice(0, 10)), ""];
    for (const [key, note] of notes) {
      lines.push(`## ${oneLine(note.section)}`, "", marker("note", { card: key, updated: note.updated }), "");
      if (note.prompts.length) lines.push(...note.prompts.map((prompt) => `- ${oneLine(prompt)}`), "");
      lines.push(...note.text.split("\n").map((line) => (line ? `> ${line}` : ">")), "");
    }
    const link = make("a", { href: URL.createObjectURL(new Blob([lines.join("\n")], { type: "text/markdown" })), download: "my-course-notes.md" });
    link.click();
    URL.revokeObjectURL(link.href);
  };

  // Files downloaded before version 2 marked each note with its card's old id and an end
  // line; they came from this course only.
  const byLegacy = new Map(known.map(([key, legacy]) => [legacy, key]));
  const OLD_MARKER = /^<!-- card: (\S+) updated: (\S+) -->$/;
  const oldNote = ({ key, updated, section, lines }) => {
    let start = 0;
    while (start < lines.length && !lines[start].trim()) start += 1;
    const prompts = [];
    while (start < lines.length && lines[start].startsWith("- ")) prompts.push(lines[start++].slice(2).trim());
    let end = lines.length;
    while (end > start && !lines[end - 1].trim()) end -= 1;
    while (start < end && !lines[start].trim()) start += 1;
    return { key, updated, section, prompts, body: lines.slice(start, end) };
  };

  // One pass over the lines, whatever their endings: linear in the file's size.
  const parseFile = (text) => {
    let header = null;
    let section = "";
    let note = null;
    let old = null;
    const notes = [];
    for (const line of text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/)) {
      if (old) {
        if (line === "<!-- end -->") {
          notes.push(oldNote(old));
          old = null;
        } else old.lines.push(line);
        continue;
      }
      const legacy = OLD_MARKER.exec(line);
      if (legacy && !header) header = { version: 1, course };
      if (legacy && header.version === 1) {
        old = { key: byLegacy.get(legacy[1]) || legacy[1], updated: legacy[2], section, lines: [] };
        continue;
      }
      if (note && line.startsWith(">")) {
        note.body.push(line.slice(line.startsWith("> ") ? 2 : 1));
        continue;
      }
      if (note && note.body.length) note = null;
      const found = readMarker(line, "note");
      if (found && typeof found.card === "string" && typeof found.updated === "string") {
        note = { key: found.card, updated: found.updated, section, prompts: [], body: [] };
        notes.push(note);
      } else if (!header && readMarker(line, "course-notes")) {
        header = readMarker(line, "course-notes");
      } else if (line.startsWith("## ")) {
        section = line.slice(3).trim();
      } else if (note && line.startsWith("- ")) {
        note.prompts.push(line.slice(2).trim());
      }
    }
    return { header, notes: notes.filter((n) => n.body.length) };
  };

  const merge = ({ header, notes }) => {
    if (!header || ![1, 2].includes(header.version)) return t.notANotesFile;
    if (header.course !== course && !window.confirm(fill(t.otherCourse, String(header.course)))) return t.importCancelled;
    let count = 0;
    for (const note of notes) {
      const here = read(note.key);
      if (here && here.updated >= note.updated) continue;
      write(note.key, { text: note.body.join("\n"), updated: note.updated, section: note.section, prompts: note.prompts });
      count += 1;
    }
    return count ? counted(t.imported, count) : t.nothingNewer;
  };

  const picker = make("input", { type: "file", accept: ".md,text/markdown,text/plain", hidden: true });
  picker.addEventListener("change", async () => {
    const file = picker.files[0];
    picker.value = "";
    if (!file) return;
    try {
      message.replaceChildren(merge(parseFile(await file.text())));
    } catch {
      message.replaceChildren(t.importFailed);
    }
    updateAll();
  });
  const deleteAll = () => {
    if (!window.confirm(t.confirmDelete)) return;
    storedKeys().forEach((key) => storage.remove(STORE + key));
    editors.forEach((list) => list.forEach((editor) => editor.reload()));
    listOthers();
    message.replaceChildren(t.deleted);
  };
  const button = (label, onclick, className = "") => make("button", { type: "button", textContent: label, onclick, className });
  tools.append(
    button(t.download, download),
    button(t.import, () => picker.click()),
    button(t.delete, deleteAll, "course-notes-delete"),
    picker,
    message,
  );
  tools.hidden = false;
  listOthers();
})();
