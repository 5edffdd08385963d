// Private notes under reflection cards, kept in this browser's localStorage only and keyed
// by each card's stable id, never by its position. Nothing is sent anywhere.
(() => {
  const PREFIX = "course-notes:";
  const read = (id) => {
    try {
      return JSON.parse(localStorage.getItem(PREFIX + id));
    } catch {
      return null;
    }
  };
  const storedIds = () => {
    try {
      return Object.keys(localStorage).filter((k) => k.startsWith(PREFIX)).map((k) => k.slice(PREFIX.length));
    } catch {
      return [];
    }
  };
  const make = (tag, props, ...children) => {
    const el = Object.assign(document.createElement(tag), props);
    el.append(...children);
    return el;
  };
  const status = () => make("p", { className: "course-notes-status", role: "status" });
  const text = (el) => (el ? el.firstChild.textContent.trim() : "");
  const editors = new Map();

  document.querySelectorAll(".course-card.reflection[data-notes]").forEach((card, index) => {
    const id = card.dataset.notes;
    const field = make("textarea", { id: `${card.id}-notes`, className: "course-notes-field" });
    const saved = status();
    const printed = make("div", { className: "course-notes-print" });
    const box = make("div", { className: "course-notes" }, make("label", { htmlFor: field.id, textContent: "Your notes" }), field, saved, printed);
    if (index === 0 && card.dataset.privacy) {
      const link = make("a", { href: card.dataset.privacy, textContent: "About privacy" });
      box.append(make("p", { className: "course-notes-privacy" }, "Your notes stay in this browser on this device; nothing is sent anywhere. ", link));
    }
    card.querySelector(".course-card-body").after(box);
    const show = (value) => {
      field.value = printed.textContent = value;
      card.classList.toggle("has-notes", value.trim() !== "");
    };
    show((read(id) || { text: "" }).text);
    editors.set(id, show);

    let timer;
    field.addEventListener("input", () => {
      show(field.value);
      clearTimeout(timer);
      timer = setTimeout(() => {
        const group = card.closest(".course-card-group");
        const note = {
          text: field.value,
          updated: new Date().toISOString(),
          section: text(group ? group.querySelector("h2 a") : document.querySelector("h1")),
          prompts: [...card.querySelectorAll(".course-card-body li")].map((li) => li.textContent.trim()),
        };
        try {
          localStorage.setItem(PREFIX + id, JSON.stringify(note));
          saved.textContent = "Saved on this device";
        } catch {
          saved.textContent = "This browser can't save your notes (storage is off or full). Your text is still here: copy it somewhere safe.";
        }
      }, 400);
    });
  });

  // The workbook's tools: download, import, delete, and notes whose card is gone.
  const tools = document.querySelector(".course-notes-tools[data-known]");
  if (!tools) return;
  const known = new Set(tools.dataset.known.split(" "));
  const message = status();

  const listOrphans = () => {
    document.querySelectorAll(".course-notes-orphans").forEach((old) => old.remove());
    const orphans = storedIds().filter((id) => !known.has(id)).map(read).filter(Boolean);
    if (!orphans.length) return;
    const items = orphans.map((note) => make("li", {}, make("strong", { textContent: note.section }), make("p", { textContent: note.text })));
    tools.after(make("section", { className: "course-notes-orphans" }, make("h2", { textContent: "Notes from cards that no longer exist" }), make("ul", {}, ...items)));
  };

  const download = () => {
    const lines = [`# ${text(document.querySelector("h1"))}`, "", `Downloaded ${new Date().toISOString().slice(0, 10)}.`, ""];
    for (const id of storedIds()) {
      const note = read(id);
      if (!note || !note.text.trim()) continue;
      lines.push(`## ${note.section}`, "", `<!-- card: ${id} updated: ${note.updated} -->`, "");
      lines.push(...note.prompts.map((prompt) => `- ${prompt}`), "", note.text.trim(), "", "<!-- end -->", "");
    }
    const link = make("a", { href: URL.createObjectURL(new Blob([lines.join("\n")], { type: "text/markdown" })), download: "my-course-notes.md" });
    link.click();
    URL.revokeObjectURL(link.href);
  };

  // Merges a downloaded file: a note replaces the one here only when it is newer.
  const merge = (markdown) => {
    const pattern = /## (.*)\n\n<!-- card: (\S+) updated: (\S+) -->\n\n((?:- .*\n)*)\n?([\s\S]*?)\n\n<!-- end -->/g;
    let count = 0;
    for (const [, section, id, updated, prompts, body] of markdown.matchAll(pattern)) {
      if ((read(id) || { updated: "" }).updated >= updated) continue;
      const note = { text: body, updated, section, prompts: prompts.split("\n").filter(Boolean).map((p) => p.slice(2)) };
      localStorage.setItem(PREFIX + id, JSON.stringify(note));
      if (editors.has(id)) editors.get(id)(body);
      count += 1;
    }
    return count;
  };

  const picker = make("input", { type: "file", accept: ".md,text/markdown,text/plain", hidden: true });
  picker.addEventListener("change", async () => {
    try {
      message.textContent = `Imported ${merge(await picker.files[0].text())} notes.`;
    } catch {
      message.textContent = "This browser can't save imported notes.";
    }
    picker.value = "";
    listOrphans();
  });
  const remove = () => {
    if (!window.confirm("Delete all your notes from this browser? This cannot be undone.")) return;
    storedIds().forEach((id) => localStorage.removeItem(PREFIX + id));
    editors.forEach((show) => show(""));
    listOrphans();
    message.textContent = "Your notes were deleted.";
  };
  const button = (label, onclick) => make("button", { type: "button", textContent: label, onclick });
  tools.append(button("Download my notes", download), button("Import notes", () => picker.click()), button("Delete all my notes", remove), picker, message);
  tools.hidden = false;
  listOrphans();
})();
