// The notes box under each reflection card, and the reader's place in the course. Loaded
// after course_notes_format.js and course_notes_store.js, only on pages with notes or a
// "continue" line. The build hands over the course name and every string in the script
// element's data-course-notes attribute: no inline code.
(() => {
  const N = window.CourseNotes;
  const { format } = N;
  const script = document.currentScript;
  const settings = JSON.parse(script.dataset.courseNotes || "{}");
  const t = settings.messages;
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");

  // localStorage, or a stand-in that keeps nothing where it is off.
  const deviceStorage = () => {
    try {
      if (window.localStorage) return window.localStorage;
    } catch { /* switched off */ }
    const refuse = () => { throw new DOMException("storage is off", "SecurityError"); };
    return { getItem: () => null, setItem: refuse, removeItem: () => {} };
  };
  const store = N.store.createStore(deviceStorage(), new URL("..", script.src).pathname);

  const make = (tag, props, ...children) => {
    const el = Object.assign(document.createElement(tag), props);
    el.append(...children);
    return el;
  };
  const button = (label, onclick, className = "") =>
    make("button", { type: "button", textContent: label, onclick, className });
  const status = () => make("p", { className: "course-notes-status", role: "status" });
  // A live region speaks each time it is rewritten: rewrite it only when the words change.
  const say = (region, ...parts) => {
    const text = parts.map((p) => (typeof p === "string" ? p : p.textContent)).join("");
    if (region.textContent !== text || parts.some((p) => typeof p !== "string")) region.replaceChildren(...parts);
  };
  const heading = (el) => (el && el.firstChild ? (el.firstChild.textContent || "").trim() : "");
  // The section a card belongs to: its group's heading on a collected page, else the page's title.
  const sectionOf = (card) => {
    const group = card.closest(".course-card-group");
    return heading(group ? group.querySelector("h2") : document.querySelector("h1"));
  };
  const promptsOf = (card) =>
    [...card.querySelectorAll(".course-card-body li")].map((li) => format.oneLine(li.textContent || ""));
  const grows = !CSS.supports("field-sizing", "content");
  const fit = (field) => {
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

  const editors = new Map(); // note key -> the editors showing it (a card and its copies)

  const attach = (card, first) => {
    const key = card.dataset.notes || "";
    store.migrate(key, card.dataset.notesLegacy);
    (card.dataset.notesFormerly || "").split(" ").filter(Boolean).forEach((old) => store.move(old, key));
    const field = make("textarea", { id: `${card.id}-notes`, className: "course-notes-field" });
    const saved = status();
    const printed = make("div", { className: "course-notes-print" });
    const label = make("label", { id: `${field.id}-label`, htmlFor: field.id, textContent: t.label });
    // Named by its section and prompts too, so that a list of a page's fields tells them apart.
    const context = make("span", { id: `${field.id}-context`, hidden: true }, `${sectionOf(card)}: ${promptsOf(card).join(" ")}`);
    field.setAttribute("aria-labelledby", `${label.id} ${context.id}`);
    const box = make("div", { className: "course-notes" }, label, context, field, saved, printed);
    // The reminder leads straight to the backup, then to the whole story.
    const links = [[card.dataset.backup, t.backupLink], [card.dataset.privacy, t.privacyLink]]
      .filter(([href]) => href).flatMap(([href, textContent]) => [" ", make("a", { href, textContent })]);
    if (first && links.length) box.append(make("p", { className: "course-notes-privacy" }, t.privacy, ...links));
    card.querySelector(".course-card-body").after(box);

    let seen = store.read(key); // the stored note this editor last showed or wrote
    let conflicted = false;
    const show = (text) => {
      if (field.value !== text) field.value = text;
      printed.textContent = text;
      card.classList.toggle("has-notes", text.trim() !== "");
      fit(field);
    };
    const copies = () => (editors.get(key) || []).filter((other) => other !== editor);
    const save = () => {
      const note = { text: field.value, updated: new Date().toISOString(), section: sectionOf(card), prompts: promptsOf(card), part: card.dataset.notesPart };
      try {
        store.write(key, note);
        seen = note;
        conflicted = false;
        say(saved, t.saved);
        copies().forEach((other) => other.adopt(note));
        N.page.onSave.forEach((listen) => listen());
        askToPersist();
      } catch {
        say(saved, t.storageFailed);
      }
    };
    // A copy of this note on the same page was typed into: show its words as ours.
    const adopt = (note) => {
      seen = note;
      conflicted = false;
      show(note ? note.text : "");
    };
    const reload = () => {
      adopt(store.read(key));
      say(saved);
    };
    // Another tab wrote a newer note since this one last looked: never overwrite it
    // silently; the reader chooses.
    const conflict = () => {
      const already = conflicted;
      conflicted = true;
      if (already) return;
      say(saved, `${t.conflict} `, button(t.keepMine, save), " ", button(t.takeTheirs, reload));
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
    const editor = { adopt, reload, update };

    adopt(seen);
    if (seen && seen.text.trim()) say(saved, t.restored);
    field.addEventListener("input", () => {
      show(field.value);
      if (conflicted || changedElsewhere()) conflict();
      else save();
    });
    if (!editors.has(key)) editors.set(key, []);
    editors.get(key).push(editor);
    return card;
  };

  const cards = [...document.querySelectorAll(".course-card.reflection[data-notes]")].map((card, index) =>
    attach(card, index === 0));

  // Reading progress: a section counts as read once the reader has scrolled down to the end
  // of the reflection card that closes it, from where that end was below the screen; or,
  // where the whole section fits on the screen, once the reader scrolls on (or tries to)
  // with all of it in view. Opening the page (the browser may restore its place) and jumps
  // by address or link are not the reader scrolling: after a jump the end counts as below
  // only once the reader has scrolled back to the section's top or above the card. Copies
  // on collected pages do not count.
  const originals = cards.filter((card) => !card.closest(".course-card-group"));
  const end = originals[originals.length - 1];
  const article = end && end.closest("article");
  if (end && article) {
    const page = (end.dataset.notes || "").split("#")[0];
    let below = false; // the end was below the screen since the reader's scrolling began
    let whole = false; // the whole section was on screen where it began
    let strict = false; // since a jump
    let jumping = true; // until the page (opened, or after a jump) comes to rest
    let opening = true;
    let resting;
    let arriving;
    const endInView = () => end.getBoundingClientRect().bottom <= window.innerHeight + 1;
    const look = () => {
      const top = article.getBoundingClientRect().top >= -1;
      if (strict && (top || end.getBoundingClientRect().top > window.innerHeight)) strict = false;
      if (!strict && !endInView()) below = true;
      whole = top && endInView();
    };
    const startFromHere = () => {
      below = false;
      look();
    };
    const settle = () => {
      if (!jumping) return;
      jumping = false;
      if (opening) strict = window.scrollY > 0 || location.hash !== "";
      opening = false;
      startFromHere();
    };
    const restLater = () => {
      window.clearTimeout(resting);
      if (jumping && document.readyState === "complete") resting = window.setTimeout(settle, 300);
    };
    const jumped = () => {
      window.clearTimeout(arriving);
      jumping = true;
      strict = true;
      restLater();
    };
    const counted = () => {
      stop();
      if (store.markRead(page)) showProgress();
    };
    const scrolled = () => {
      if (jumping) return restLater();
      const wasWhole = whole;
      look();
      window.clearTimeout(arriving);
      // Counted once the page stays there a moment, so that a jump the browser announces
      // after its scroll (hashchange, popstate) still cancels it.
      if (wasWhole || (below && endInView())) arriving = window.setTimeout(counted, 200);
    };
    const SCROLL_KEYS = new Set(["ArrowDown", "ArrowUp", "PageDown", "PageUp", "Home", "End", " "]);
    // The reader's own hand on the page (wheel, touch, scroll keys, the scroll bar) ends a
    // rest at once. The browser may scroll before it reports a wheel, so the state where
    // the page last rested decides, not the one the event sees.
    const touched = (event) => {
      const target = event.target;
      if (event instanceof KeyboardEvent) {
        if (!SCROLL_KEYS.has(event.key) || target.closest("input, textarea, select, button, [contenteditable]")) return;
      }
      if (event.type === "pointerdown" && target !== document.documentElement) return;
      if (jumping) {
        window.clearTimeout(resting);
        jumping = false;
        if (!opening) startFromHere();
        opening = false;
      }
      if (whole) counted();
    };
    const followsLink = (event) => {
      const link = event.target instanceof Element && event.target.closest("a[href]");
      if (!link) return;
      const to = new URL(link.href);
      if (to.hash && to.origin === location.origin && to.pathname === location.pathname) jumped();
    };

    const listeners = [
      [window, "scroll", scrolled], [window, "hashchange", jumped], [window, "popstate", jumped],
      [window, "load", restLater], [document, "click", followsLink], [window, "wheel", touched],
      [window, "touchmove", touched], [window, "keydown", touched], [window, "pointerdown", touched],
    ];
    const stop = () => {
      window.clearTimeout(resting);
      window.clearTimeout(arriving);
      listeners.forEach(([target, type, listen]) => target.removeEventListener(type, listen, { capture: true }));
    };
    listeners.forEach(([target, type, listen]) => target.addEventListener(type, listen, { capture: true, passive: true }));
    look();
    restLater();
  }

  // The "continue" lines and the marks beside each read section's link.
  const showProgress = () => {
    const read = new Set(store.readPages());
    let begun = false;
    document.querySelectorAll(".course-progress[data-sections]").forEach((el) => {
      const sections = JSON.parse(el.dataset.sections || "[]");
      const after = JSON.parse(el.dataset.after || "null");
      const next = sections.find(([doc]) => !read.has(doc)) || after;
      const link = el.querySelector("a.course-progress-next");
      const started = sections.some(([doc]) => read.has(doc));
      if (next && link) {
        link.href = next[1];
        link.textContent = format.fill(started ? t.continueWith : t.startWith, next[2]);
      }
      el.classList.toggle("course-progress-started", started);
      begun ||= started;
      for (const [doc, href] of sections) {
        const target = new URL(href, document.baseURI).pathname;
        document.querySelectorAll("article .sd-card").forEach((sdCard) => {
          const links = [...sdCard.querySelectorAll("a[href]")];
          if (!links.some((a) => new URL(a.href).pathname === target)) return;
          const mark = sdCard.querySelector(".course-progress-mark");
          if (read.has(doc) && !mark) {
            // At the end of the card's last line that shows, beside the words, never over them.
            const place = [...sdCard.querySelectorAll("p")].filter((p) => p.getClientRects().length).pop() || sdCard;
            place.append(make("span", { className: "course-progress-mark" }, make("span", { ariaHidden: "true", textContent: "✓ " }), t.read));
          } else if (!read.has(doc) && mark) mark.remove();
        });
      }
    });
    // The page's own styles may let the way back take the place of a "start" button.
    document.documentElement.classList.toggle("course-progress-begun", begun);
  };
  document.querySelectorAll(".course-progress-clear").forEach((clear) => clear.addEventListener("click", () => {
    if (!window.confirm(t.confirmForget)) return;
    store.clearProgress();
    showProgress();
  }));
  showProgress();

  const updateAll = () => {
    editors.forEach((list) => list.forEach((editor) => editor.update()));
    N.page.onChange.forEach((listen) => listen());
  };
  window.addEventListener("storage", (event) => {
    if (!store.owns(event.key)) return;
    updateAll();
    if (store.isProgress(event.key)) showProgress();
  });

  // What the workbook's tools need of this page.
  N.page = { settings, t, plurals, store, make, button, status, say, sectionOf, editors, updateAll, showProgress, onChange: [], onSave: [] };
})();
