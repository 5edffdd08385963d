// What the course keeps on this device, in localStorage only; nothing is sent anywhere.
// Every key starts with the site's root path, so two courses on one origin (GitHub Pages
// serves an account's sites from one) never see each other's things. A note's key is its
// card's page and id; the course's own records start with "@" (reading progress, the
// last download). Works on any Storage-like object, so Node's test runner checks it.
(function (root, define) {
  const api = define(root.CourseNotes && root.CourseNotes.format);
  if (typeof module === "object" && module.exports) module.exports = api;
  else (root.CourseNotes = root.CourseNotes || {}).store = api;
})(typeof self === "undefined" ? globalThis : self, (format) => {
  // eslint-disable-next-line no-undef
  const { parseNote } = format || require("./course_notes_format.js");
  const LEGACY = "course-notes:";
  const PROGRESS = "@progress";
  const DOWNLOADED = "@downloaded";

  // Over any Storage-like object; root is the site's root path.
  const createStore = (storage, root) => {
    const prefix = `${LEGACY}${root}:`;
    // Reads fail soft (storage switched off throws); writes report to their caller.
    const get = (key) => { try { return storage.getItem(key); } catch { return null; } };
    const remove = (key) => { try { storage.removeItem(key); } catch { /* nothing to undo */ } };
    const allKeys = () => {
      try { return Object.keys(storage); } catch { return []; }
    };
    const ownKeys = () => allKeys().filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));

    const read = (key) => parseNote(get(prefix + key));
    const write = (key, note) => storage.setItem(prefix + key, JSON.stringify(note));
    const noteKeys = () => ownKeys().filter((key) => !key.startsWith("@"));
    const damagedKeys = () => noteKeys().filter((key) => read(key) === null);

    // Moves a note to a new key, once: never over a note already there.
    const move = (from, to, fromPrefix = prefix) => {
      const raw = get(fromPrefix + from);
      if (raw === null || parseNote(raw) === null || get(prefix + to) !== null) return false;
      try {
        storage.setItem(prefix + to, raw);
        storage.removeItem(fromPrefix + from);
        return true;
      } catch {
        return false; // kept where it was
      }
    };
    // Notes kept before keys named the site and the page.
    const migrate = (key, legacy) => legacy && move(legacy, key, LEGACY);

    // Characters this origin's storage holds (keys and values), the unit its quota counts.
    const used = () => allKeys().reduce((sum, key) => sum + key.length + (get(key) || "").length, 0);

    // Writes every note or none: when storage fills up halfway, what was written is put
    // back as it was. Returns null, or how many characters were needed and were free.
    const writeAll = (entries) => {
      const before = entries.map(([key]) => [key, get(prefix + key)]);
      const start = used();
      let done = 0;
      try {
        for (const [key, note] of entries) {
          write(key, note);
          done += 1;
        }
        return null;
      } catch {
        const free = used() - start;
        const needed = entries.reduce((sum, [key, note]) => sum + prefix.length + key.length + JSON.stringify(note).length, 0);
        for (const [key, raw] of before.slice(0, done + 1)) {
          if (raw === null) remove(prefix + key);
          else try { storage.setItem(prefix + key, raw); } catch { /* its old value is never longer */ }
        }
        return { needed, free };
      }
    };

    // The pages whose end the reader has seen.
    const readPages = () => {
      try {
        const pages = JSON.parse(get(prefix + PROGRESS) || "[]");
        return Array.isArray(pages) ? pages.filter((p) => typeof p === "string") : [];
      } catch {
        return [];
      }
    };
    const markRead = (page) => {
      const pages = readPages();
      if (pages.includes(page)) return false;
      try { storage.setItem(prefix + PROGRESS, JSON.stringify([...pages, page])); return true; } catch { return false; }
    };
    const clearProgress = () => remove(prefix + PROGRESS);

    const lastDownload = () => get(prefix + DOWNLOADED);
    const downloaded = (when) => { try { storage.setItem(prefix + DOWNLOADED, when); } catch { /* the line says "never" */ } };
    // Whether any note was written after the last download (or ever, with none).
    const changedSinceDownload = () => {
      const since = lastDownload() || "";
      return noteKeys().some((key) => { const note = read(key); return note !== null && note.text.trim() !== "" && note.updated > since; });
    };

    // Everything this course keeps on this device: notes, progress, the download date.
    const deleteEverything = () => ownKeys().forEach((key) => remove(prefix + key));

    const owns = (storageKey) => storageKey === null || storageKey.startsWith(prefix);
    const isProgress = (storageKey) => storageKey === null || storageKey === prefix + PROGRESS;

    return {
      read, write, remove: (key) => remove(prefix + key), noteKeys, damagedKeys, move, migrate,
      writeAll, used, readPages, markRead, clearProgress, lastDownload, downloaded, changedSinceDownload,
      deleteEverything, owns, isProgress,
    };
  };

  return { createStore };
});
