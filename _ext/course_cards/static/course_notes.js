// @ts-check
// The notes box under each reflection card, and the reader's place in the course. Loaded
// after course_notes_format.js and course_notes_store.js, only on pages with notes or a
// "continue" line. The build hands over the course name and every string in the script
// element's data-course-notes attribute: no inline code.
(() => {
  const N = /** @type {any} */ (window).CourseNotes;
  const { format } = N;
  const script = /** @type {HTMLScriptElement} */ (document.currentScript);
  const settings = JSON.parse(script.dataset.courseNotes || "{}");
  const t = settings.messages;
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");

  /** @returns {Storage} localStorage, or a stand-in that keeps nothing where it is off */
  const deviceStorage = () => {
    try {
      if (window.localStorage) return window.localStorage;
    } catch { /* switched off */ }
    const refuse = () => { throw new DOMException("storage is off", "SecurityError"); };
    return /** @type {any} */ ({ getItem: () => null, setItem: refuse, removeItem: () => {} });
  };
  const store = N.store.createStore(deviceStorage(), new URL("..", script.src).pathname);

  /** @param {string} tag @param {object} props @param {(Node | string)[]} children */
  const make = (tag, props, ...children) => {
    const el = Object.assign(document.createElement(tag), props);
    el.append(...children);
    return el;
  };
  const status = () => make("p", { className: "course-notes-status", role: "status" });
  // A live region speaks each time it is rewritten: rewrite it only when the words change.
  const say = (/** @type {HTMLElement} */ region, /** @type {(Node | string)[]} */ ...parts) => {
    const text = parts.map((p) => (typeof p === "string" ? p : p.textContent)).join("");
    if (region.textContent !== text || parts.some((p) => typeof p !== "string")) region.replaceChildren(...parts);
  };
  const heading = (/** @type {Element | null} */ el) => (el && el.firstChild ? (el.firstChild.textContent || "").trim() : "");
  const grows = !CSS.supports("field-sizing", "content");
  const fit = (/** @type {HTMLTextAreaElement} */ field) => {
    if (!grows) return;
    field.style.height = "auto";
    field.style.height = `${field.scrollHeight + 2}px`;
  };
  let persistAsked = false;
  // Browsers may keep a site's storage through clean-ups once asked; Safari's seven-day
  // rule still applies, which is why the workbook keeps reminding of the download.
  const askToPersist = () => {
    if (persistAsked) return;
    persistAsked = true;
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(() => {});
  };

  /** @type {Map<string, {adopt: Function, reload: Function, update: Function}[]>} */
  const editors = new Map(); // note key -> the editors showing it (a card and its copies)

  const attach = (/** @type {HTMLElement} */ card, /** @type {boolean} */ first) => {
    const key = card.dataset.notes || "";
    store.migrate(key, card.dataset.notesLegacy);
    (card.dataset.notesFormerly || "").split(" ").filter(Boolean).forEach((old) => store.move(old, key));
    const field = /** @type {HTMLTextAreaElement} */ (make("textarea", { id: `${card.id}-notes`, className: "course-notes-field" }));
    const saved = status();
    const printed = make("div", { className: "course-notes-print" });
    const box = make("div", { className: "course-notes" }, make("label", { htmlFor: field.id, textContent: t.label }), field, saved, printed);
    if (first && card.dataset.privacy) {
      const link = make("a", { href: card.dataset.privacy, textContent: t.privacyLink });
      box.append(make("p", { className: "course-notes-privacy" }, `${t.privacy} `, link));
    }
    /** @type {HTMLElement} */ (card.querySelector(".course-card-body")).after(box);

    let seen = store.read(key); // the stored note this editor last showed or wrote
    let conflicted = false;
    const show = (/** @type {string} */ text) => {
      if (field.value !== text) field.value = text;
      printed.textContent = text;
      card.classList.toggle("has-notes", text.trim() !== "");
      fit(field);
    };
    const copies = () => (editors.get(key) || []).filter((other) => other !== editor);
    const save = () => {
      const group = card.closest(".course-card-group");
      const note = {
        text: field.value,
        updated: new Date().toISOString(),
        section: heading(group ? group.querySelector("h2") : document.querySelector("h1")),
        prompts: [...card.querySelectorAll(".course-card-body li")].map((li) => format.oneLine(li.textContent || "")),
      };
      try {
        store.write(key, note);
        seen = note;
        conflicted = false;
        say(saved, t.saved);
        copies().forEach((other) => other.adopt(note));
        N.page.onSave.forEach((/** @type {Function} */ listen) => listen());
        askToPersist();
      } catch {
        say(saved, t.storageFailed);
      }
    };
    const reload = () => {
      seen = store.read(key);
      conflicted = false;
      show(seen ? seen.text : "");
      say(saved);
    };
    // Another tab wrote a newer note since this one last looked: never overwrite it
    // silently; the reader chooses.
    const conflict = () => {
      const already = conflicted;
      conflicted = true;
      if (already) return;
      const keep = make("button", { type: "button", textContent: t.keepMine, onclick: save });
      const take = make("button", { type: "button", textContent: t.takeTheirs, onclick: reload });
      say(saved, `${t.conflict} `, keep, " ", take);
    };
    const changedElsewhere = () => {
      const stored = store.read(key);
      return stored ? !seen || stored.updated !== seen.updated || stored.text !== seen.text : false;
    };
    const update = () => {
      if (!changedElsewhere() && !(seen && store.read(key) === null)) return;
      const mine = field.value !== (seen ? seen.text : "");
      if (mine || conflicted) conflict();
      else reload();
    };
    // A copy of this note on the same page was typed into: show its words as ours.
    const adopt = (/** @type {any} */ note) => {
      seen = note;
      conflicted = false;
      show(note.text);
    };
    const editor = { adopt, reload, update };

    show(seen ? seen.text : "");
    if (seen && seen.text.trim()) say(saved, t.restored);
    field.addEventListener("input", () => {
      show(field.value);
      if (conflicted || changedElsewhere()) conflict();
      else save();
    });
    if (!editors.has(key)) editors.set(key, []);
    /** @type {any[]} */ (editors.get(key)).push(editor);
    return card;
  };

  const cards = [...document.querySelectorAll(".course-card.reflection[data-notes]")].map((card, index) =>
    attach(/** @type {HTMLElement} */ (card), index === 0));

  // Reading progress: a section counts as read once the reflection card at its end has
  // been in view. Copies on collected pages do not count.
  const originals = cards.filter((card) => !card.closest(".course-card-group"));
  const end = originals[originals.length - 1];
  if (end && "IntersectionObserver" in window) {
    const page = (end.dataset.notes || "").split("#")[0];
    const watcher = new IntersectionObserver((entries) => {
      if (!entries.some((entry) => entry.isIntersecting)) return;
      watcher.disconnect();
      if (store.markRead(page)) showProgress();
    });
    watcher.observe(end);
  }

  /** The "continue" lines and the marks beside each read section's link. */
  const showProgress = () => {
    const read = new Set(store.readPages());
    document.querySelectorAll(".course-progress[data-sections]").forEach((place) => {
      const el = /** @type {HTMLElement} */ (place);
      /** @type {[string, string, string][]} */ const sections = JSON.parse(el.dataset.sections || "[]");
      /** @type {[string, string, string]} */ const after = JSON.parse(el.dataset.after || "null");
      const next = sections.find(([doc]) => !read.has(doc)) || after;
      const link = /** @type {HTMLAnchorElement} */ (el.querySelector("a.course-progress-next"));
      const started = sections.some(([doc]) => read.has(doc));
      if (next && link) {
        link.href = next[1];
        link.textContent = format.fill(started ? t.continueWith : t.startWith, next[2]);
      }
      el.classList.toggle("course-progress-started", started);
      for (const [doc, href] of sections) {
        const target = new URL(href, document.baseURI).pathname;
        document.querySelectorAll("article .sd-card").forEach((sdCard) => {
          const links = [...sdCard.querySelectorAll("a[href]")];
          if (!links.some((a) => new URL(/** @type {HTMLAnchorElement} */ (a).href).pathname === target)) return;
          const mark = sdCard.querySelector(".course-progress-mark");
          if (read.has(doc) && !mark) {
            sdCard.append(make("span", { className: "course-progress-mark" }, make("span", { ariaHidden: "true", textContent: "✓ " }), t.read));
          } else if (!read.has(doc) && mark) mark.remove();
        });
      }
    });
  };
  document.querySelectorAll(".course-progress-clear").forEach((clear) => clear.addEventListener("click", () => {
    store.clearProgress();
    showProgress();
  }));
  showProgress();

  const updateAll = () => {
    editors.forEach((list) => list.forEach((editor) => editor.update()));
    N.page.onChange.forEach((/** @type {Function} */ listen) => listen());
  };
  window.addEventListener("storage", (event) => {
    if (!store.owns(event.key)) return;
    updateAll();
    if (store.isProgress(event.key)) showProgress();
  });

  // What the workbook's tools need of this page.
  N.page = { settings, t, plurals, store, make, status, say, editors, updateAll, showProgress, onChange: [], onSave: [] };
})();
