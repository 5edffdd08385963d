// The notes file and the rules for bringing one back: pure functions of their arguments,
// with no page, no storage and no dialogs, so Node's test runner checks them as they are.
// A classic script (modules do not load from file://): it hangs itself on the one
// CourseNotes namespace, or on module.exports under Node.
(function (root, define) {
  const api = define();
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.CourseNotes = root.CourseNotes || {}).format = api;
})(typeof self === "undefined" ? globalThis : self, () => {
  // A template's %s filled with a value taken literally: `$&` or `$$` stay as written.
  const fill = (template, value) =>
    template.replace("%s", () => String(value));

  const counted = (forms, n, plurals) => fill(forms[plurals.select(n)] || forms.other, n);

  const oneLine = (text) => text.replace(/\s+/g, " ").trim();

  const isNote = (v) =>
    v !== null && typeof v === "object" && typeof v.text === "string" &&
    typeof v.updated === "string" && typeof v.section === "string" &&
    Array.isArray(v.prompts) && v.prompts.every((p) => typeof p === "string");

  // A stored value as a note, or null when it is not one.
  const parseNote = (raw) => {
    if (raw === null) return null;
    try {
      const value = JSON.parse(raw);
      return isNote(value) ? value : null;
    } catch {
      return null;
    }
  };

  // The notes are block quotes, so no text in a note can pass for a marker.
  const marker = (name, data) =>
    `<!-- ${name} ${JSON.stringify(data).replace(/>/g, "\\u003e")} -->`;

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

  // The download, a document to read; what the import needs is one line at the end.
  const serialize = ({ course, date, notes, title, intro }) => {
    const lines = [`# ${fill(title, course)}`, "", fill(intro, date), ""];
    let part = "";
    for (const [, note] of notes) {
      if (note.part && note.part !== part) lines.push(`## ${oneLine((part = note.part))}`, "");
      lines.push(`### ${oneLine(note.section)}`, "");
      if (note.prompts.length) lines.push(...note.prompts.map((prompt) => `- ${oneLine(prompt)}`), "");
      lines.push(...note.text.split("\n").map((line) => (line ? `> ${line}` : ">")), "");
    }
    lines.push(marker("course-notes", { version: 3, course, notes: notes.map(([key, note]) => [key, note.updated]) }), "");
    return lines.join("\n");
  };

  // Files downloaded before version 2 marked each note with its card's old id and an end line.
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

  const isEntry = (e) => Array.isArray(e) && e.length === 2 && e.every((v) => typeof v === "string");

  // One pass over the lines, whatever their endings: linear in the file's size. A file whose
  // quotes no longer match its last line is `changed`: no notes at all.
  const parseFile = (text, { course, byLegacy }) => {
    let header = null;
    let section = "";
    let part = "";
    let prompts = [];
    let note = null;
    let old = null;
    const marked = []; // versions 1 and 2
    const quoted = []; // version 3: every block quote
    for (const line of text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/)) {
      if (old) {
        if (line === "<!-- end -->") {
          marked.push(oldNote(old));
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
      if (line.startsWith(">")) {
        if (!note) quoted.push((note = { key: "", updated: "", section, part, prompts, body: [] }));
        note.body.push(line.slice(line.startsWith("> ") ? 2 : 1));
        continue;
      }
      if (note && note.body.length) note = null;
      const found = readMarker(line, "note");
      if (found && typeof found.card === "string" && typeof found.updated === "string") {
        marked.push((note = { key: found.card, updated: found.updated, section, prompts: [], body: [] }));
      } else if (!header && readMarker(line, "course-notes")) {
        header = readMarker(line, "course-notes");
      } else if (/^###? /.test(line)) {
        section = line.replace(/^#+ /, "").trim();
        if (line[2] === " ") part = section;
        prompts = [];
      } else if (line.startsWith("- ")) {
        (note ? note.prompts : prompts).push(line.slice(2).trim());
      }
    }
    if (!header || ![1, 2, 3].includes(header.version)) return { header: null, notes: [], changed: text.includes("<!-- course-notes ") };
    if (header.version < 3) return { header, notes: marked.filter((n) => n.body.length) };
    const entries = Array.isArray(header.notes) ? header.notes : [];
    if (entries.length !== quoted.length || !entries.every(isEntry)) return { header, notes: [], changed: true };
    quoted.forEach((n, i) => ([n.key, n.updated] = entries[i]));
    return { header, notes: quoted };
  };

  // "replace" only for a later date not ahead of this device's clock, else "ask": a date
  // from the future is not believed, and older words never silently win.
  const decide = (here, incoming, now) => {
    if (!here) return "add";
    if (here.text === incoming.text) return "same";
    const when = Date.parse(incoming.updated);
    if (incoming.updated > here.updated && Number.isFinite(when) && when <= now) return "replace";
    return "ask";
  };

  // A file's note as it would be kept, its date no later than now.
  const asNote = (note, now) => {
    const when = Date.parse(note.updated);
    const updated = Number.isFinite(when) && when <= now ? note.updated : new Date(now).toISOString();
    return { text: note.body.join("\n"), updated, section: note.section, prompts: note.prompts, part: note.part };
  };

  // The reader's answer for one note: null keeps ours; "both" adds the file's words under
  // the line `dated`.
  const resolve = (choice, here, incoming, dated, now = Date.now()) => {
    if (choice === "mine") return null;
    if (choice === "theirs") return incoming;
    const text = `${here.text}\n\n${fill(dated, incoming.updated.slice(0, 10))}\n${incoming.text}`;
    return { ...here, text, updated: new Date(now).toISOString() };
  };

  // Every note of a file sorted by what the import does with it.
  const plan = (notes, read, now) => {
    const sorted = { add: [], replace: [], ask: [] };
    for (const fileNote of notes) {
      const here = read(fileNote.key);
      const incoming = asNote(fileNote, now);
      const decision = decide(here, { ...incoming, updated: fileNote.updated }, now);
      if (decision === "add" || decision === "replace") sorted[decision].push([fileNote.key, incoming]);
      else if (decision === "ask" && here) sorted.ask.push([fileNote.key, here, incoming]);
    }
    return sorted;
  };

  return { fill, counted, oneLine, isNote, parseNote, serialize, parseFile, decide, asNote, resolve, plan };
});
