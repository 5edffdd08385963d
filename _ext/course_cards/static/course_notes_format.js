// @ts-check
// The notes file and the rules for bringing one back: pure functions of their arguments,
// with no page, no storage and no dialogs, so Node's test runner checks them as they are.
// A classic script (modules do not load from file://): it hangs itself on the one
// CourseNotes namespace, or on module.exports under Node.
(function (root, define) {
  const api = define();
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.CourseNotes = root.CourseNotes || {}).format = api;
})(typeof self === "undefined" ? globalThis : self, () => {
  /**
   * @typedef {{text: string, updated: string, section: string, prompts: string[], part?: string}} Note
   * @typedef {{key: string, updated: string, section: string, part?: string, prompts: string[], body: string[]}} FileNote
   * @typedef {{version: number, course: unknown}} Header
   */

  /** A template's %s filled with a value taken literally: `$&` or `$$` stay as written. */
  const fill = (/** @type {string} */ template, /** @type {unknown} */ value) =>
    template.replace("%s", () => String(value));

  /** @param {Record<string, string>} forms @param {number} n @param {Intl.PluralRules} plurals */
  const counted = (forms, n, plurals) => fill(forms[plurals.select(n)] || forms.other, n);

  const oneLine = (/** @type {string} */ text) => text.replace(/\s+/g, " ").trim();

  /** @returns {v is Note} */
  const isNote = (/** @type {any} */ v) =>
    v !== null && typeof v === "object" && typeof v.text === "string" &&
    typeof v.updated === "string" && typeof v.section === "string" &&
    Array.isArray(v.prompts) && v.prompts.every((/** @type {unknown} */ p) => typeof p === "string");

  /** A stored value as a note, or null when it is not one. @returns {Note | null} */
  const parseNote = (/** @type {string | null} */ raw) => {
    if (raw === null) return null;
    try {
      const value = JSON.parse(raw);
      return isNote(value) ? value : null;
    } catch {
      return null;
    }
  };

  // The notes are block quotes, so no text in a note can pass for a marker.
  const marker = (/** @type {string} */ name, /** @type {object} */ data) =>
    `<!-- ${name} ${JSON.stringify(data).replace(/>/g, "\\u003e")} -->`;

  /** @returns {any} */
  const readMarker = (/** @type {string} */ line, /** @type {string} */ name) => {
    const start = `<!-- ${name} `;
    if (!line.startsWith(start) || !line.endsWith(" -->")) return null;
    try {
      const data = JSON.parse(line.slice(start.length, -4));
      return data !== null && typeof data === "object" ? data : null;
    } catch {
      return null;
    }
  };

  /**
   * The download, a document to read: each week, section, prompt and note in order. What
   * the import needs (each note's card and date, in the notes' order) is one line at the end.
   * @param {{course: string, date: string, notes: [string, Note][], title: string, intro: string}} file
   */
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

  /** @param {{key: string, updated: string, section: string, lines: string[]}} old @returns {FileNote} */
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

  const isEntry = (/** @type {unknown} */ e) => Array.isArray(e) && e.length === 2 && e.every((v) => typeof v === "string");

  /**
   * One pass over the lines, whatever their endings: linear in the file's size. Version 3
   * names its notes' cards at the end, in order; versions 2 and 1 before each note. A file
   * whose notes no longer match its last line is `changed`, and gives no notes at all.
   * @param {string} text
   * @param {{course: string, byLegacy: Map<string, string>}} context
   * @returns {{header: Header | null, notes: FileNote[], changed?: boolean}}
   */
  const parseFile = (text, { course, byLegacy }) => {
    /** @type {any} */ let header = null;
    let section = "";
    let part = "";
    /** @type {string[]} */ let prompts = [];
    /** @type {FileNote | null} */ let note = null;
    /** @type {{key: string, updated: string, section: string, lines: string[]} | null} */ let old = null;
    /** @type {FileNote[]} */ const marked = []; // versions 1 and 2
    /** @type {FileNote[]} */ const quoted = []; // version 3: every block quote
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
    // A notes file whose last line was damaged is told apart from a foreign one.
    if (!header || ![1, 2, 3].includes(header.version)) return { header: null, notes: [], changed: text.includes("<!-- course-notes ") };
    if (header.version < 3) return { header, notes: marked.filter((n) => n.body.length) };
    const entries = Array.isArray(header.notes) ? header.notes : [];
    if (entries.length !== quoted.length || !entries.every(isEntry)) return { header, notes: [], changed: true };
    quoted.forEach((n, i) => ([n.key, n.updated] = entries[i]));
    return { header, notes: quoted };
  };

  /**
   * What an import does with one note of the file, given the note kept here: "add" where
   * there is none, "same" where the words agree, "replace" only where the file's date is
   * later than ours and not ahead of this device's clock, else "ask" — a date from the
   * future is not believed, and older words never silently win.
   * @param {Note | null} here @param {Note} incoming @param {number} now
   * @returns {"add" | "same" | "replace" | "ask"}
   */
  const decide = (here, incoming, now) => {
    if (!here) return "add";
    if (here.text === incoming.text) return "same";
    const when = Date.parse(incoming.updated);
    if (incoming.updated > here.updated && Number.isFinite(when) && when <= now) return "replace";
    return "ask";
  };

  /** A file's note as it would be kept, its date no later than now. @returns {Note} */
  const asNote = (/** @type {FileNote} */ note, /** @type {number} */ now) => {
    const when = Date.parse(note.updated);
    const updated = Number.isFinite(when) && when <= now ? note.updated : new Date(now).toISOString();
    return { text: note.body.join("\n"), updated, section: note.section, prompts: note.prompts, part: note.part };
  };

  /**
   * The reader's answer applied to one differing note: "mine" keeps it, "theirs" takes the
   * file's, "both" keeps ours with the file's words after a dated line.
   * @param {"mine" | "theirs" | "both"} choice @param {Note} here @param {Note} incoming
   * @param {string} dated the line above the file's words, "%s" standing for its date
   * @returns {Note | null} the note to write, or null to leave ours alone
   */
  const resolve = (choice, here, incoming, dated, now = Date.now()) => {
    if (choice === "mine") return null;
    if (choice === "theirs") return incoming;
    const text = `${here.text}\n\n${fill(dated, incoming.updated.slice(0, 10))}\n${incoming.text}`;
    return { ...here, text, updated: new Date(now).toISOString() };
  };

  /**
   * Every note of a file sorted by what the import does with it.
   * @param {FileNote[]} notes @param {(key: string) => Note | null} read @param {number} now
   */
  const plan = (notes, read, now) => {
    /** @type {{add: [string, Note][], replace: [string, Note][], ask: [string, Note, Note][]}} */
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
