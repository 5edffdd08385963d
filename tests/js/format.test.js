// The notes file and the import rules, under Node's own test runner: no browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const format = require("../../_ext/course_cards/static/course_notes_format.js");

const context = { course: "Notes", byLegacy: new Map([["reflect-first", "section#reflect-first"]]) };
const note = (text, updated = "2026-01-01T00:00:00.000Z") => ({ text, updated, section: "A section", prompts: ["A prompt?"] });
const fileOf = (notes) => format.serialize({ course: "Notes", date: "2026-02-01", notes, title: "My notes from %s", intro: "Downloaded on %s." });
const NOW = Date.parse("2026-06-01T00:00:00Z");

test("fill takes the value literally, $& and $$ included", () => {
  assert.equal(format.fill("My notes from %s", "Tom $& Jerry $$ $' $`"), "My notes from Tom $& Jerry $$ $' $`");
  const titled = format.serialize({ course: "$& and $$", date: "d", notes: [], title: "My notes from %s", intro: "%s" });
  assert.ok(titled.startsWith("# My notes from $& and $$\n"));
});

test("any text survives serialize then parse, whatever the line endings", () => {
  const hard = 'First\n\n\nafter blanks\n<!-- end -->\n## fake\n<!-- note {"card": "x", "updated": "9"} -->\n> quote\n- item\n🌱 “q”\n\n';
  const file = fileOf([["section#a", note(hard)], ["section#b", note("Two")]]);
  for (const text of [file, file.replace(/\n/g, "\r\n"), `\uFEFF${file}`]) {
    const { header, notes } = format.parseFile(text, context);
    assert.deepEqual([header.version, header.course], [3, "Notes"]);
    assert.deepEqual(notes.map((n) => [n.key, n.body.join("\n"), n.prompts]), [["section#a", hard, ["A prompt?"]], ["section#b", "Two", ["A prompt?"]]]);
  }
});

test("the file reads as a document: week, section, prompts and words in order, the import's line last", () => {
  const week = (text, section, part) => ({ ...note(text), section, part, prompts: [`${section}?`] });
  const file = fileOf([["w#a", week("First.\nSecond line.", "One", "Week 7")], ["w#b", week("Two.", "Two", "Week 7")], ["w#c", week("Three.", "Three", "Week 8")]]);
  const lines = file.trimEnd().split("\n");
  assert.deepEqual(lines.slice(0, -1).filter((line) => line.startsWith("#")), ["# My notes from Notes", "## Week 7", "### One", "### Two", "## Week 8", "### Three"]);
  assert.deepEqual(lines.slice(0, -1).filter((line) => /^[->]/.test(line)), ["- One?", "> First.", "> Second line.", "- Two?", "> Two.", "- Three?", "> Three."]);
  assert.ok(lines.slice(0, -1).every((line) => !line.includes("<!--")), "no machine line between the notes");
  assert.match(lines.at(-1), /^<!-- course-notes \{.*"w#a".*"w#b".*"w#c".*\} -->$/);
  const { notes } = format.parseFile(file, context);
  assert.deepEqual(notes.map((n) => [n.key, n.part, n.section, n.body.join("\n")]), [["w#a", "Week 7", "One", "First.\nSecond line."], ["w#b", "Week 7", "Two", "Two."], ["w#c", "Week 8", "Three", "Three."]]);
});

test("a file written the previous way (version 2, a marker before each note) still imports", () => {
  const v2 = '# My notes from Notes\n\n<!-- course-notes {"version":2,"course":"Notes"} -->\n\nDownloaded on 2026-01-01.\n\n' +
    '## A section\n\n<!-- note {"card":"section#a","updated":"2026-01-01T00:00:00.000Z"} -->\n\n- A prompt?\n\n> Old words.\n>\n> Two lines.\n\n' +
    '## B section\n\n<!-- note {"card":"section#b","updated":"2026-01-02T00:00:00.000Z"} -->\n\n> B words.\n';
  const { header, notes, changed } = format.parseFile(v2, context);
  assert.equal(header.version, 2);
  assert.ok(!changed);
  assert.deepEqual(notes.map((n) => [n.key, n.updated, n.section, n.prompts, n.body.join("\n")]), [
    ["section#a", "2026-01-01T00:00:00.000Z", "A section", ["A prompt?"], "Old words.\n\nTwo lines."],
    ["section#b", "2026-01-02T00:00:00.000Z", "B section", [], "B words."],
  ]);
});

test("a file changed so its notes no longer match its last line, or with that line damaged, gives no notes and says so", () => {
  const file = fileOf([["section#a", note("One")], ["section#b", note("Two")]]);
  const dropped = file.replace("> One\n", "");
  const added = file.replace("> Two\n", "> Two\n\n> A quote the reader added\n");
  const damaged = file.replace(/"version":3/, '"version":3,,');
  const wrongEntry = file.replace('"section#b",', "7,");
  for (const text of [dropped, added, damaged, wrongEntry]) {
    const { notes, changed } = format.parseFile(text, context);
    assert.deepEqual([notes, changed], [[], true], text);
  }
  assert.equal(format.parseFile("# Shopping\n\n> a quote\n", context).changed, false, "a foreign file is not a changed one");
});

test("a file that is not a notes file has no header", () => {
  assert.equal(format.parseFile("# Shopping\n\n- bread\n", context).header, null);
  assert.equal(format.parseFile('<!-- course-notes {"version": 9, "course": "Notes"} -->', context).header, null);
});

test("a version 1 file comes back under today's keys", () => {
  const old = "# W\n\n## A section\n\n<!-- card: reflect-first updated: 2026-01-01T00:00:00.000Z -->\n\n- A prompt?\n\nOld words.\nTwo lines.\n\n<!-- end -->\n";
  const { header, notes } = format.parseFile(old, context);
  assert.equal(header.version, 1);
  assert.deepEqual(notes.map((n) => [n.key, n.body.join("\n")]), [["section#reflect-first", "Old words.\nTwo lines."]]);
});

test("parsing is linear: a million hostile characters in well under a second", () => {
  const lines = ['<!-- note {"card": "a", "updated": "b"', `## ${"#".repeat(200)}`, "<!-- end -->", `- ${"-".repeat(100)}`, ""];
  const hostile = fileOf([["section#a", note("x")]]) + Array(3000).fill(lines.join("\n")).join("\n");
  assert.ok(hostile.length > 1_000_000);
  const started = process.hrtime.bigint();
  const { notes } = format.parseFile(hostile, context);
  assert.ok(Number(process.hrtime.bigint() - started) / 1e6 < 1000);
  assert.deepEqual(notes.map((n) => n.key), ["section#a"]);
});

test("an import replaces words silently only with a later date that is not in the future", () => {
  const here = note("Mine", "2026-03-01T00:00:00.000Z");
  assert.equal(format.decide(null, note("Theirs"), NOW), "add");
  assert.equal(format.decide(here, note("Mine", "2020-01-01T00:00:00.000Z"), NOW), "same");
  assert.equal(format.decide(here, note("Theirs", "2026-04-01T00:00:00.000Z"), NOW), "replace");
  assert.equal(format.decide(here, note("Theirs", "2026-02-01T00:00:00.000Z"), NOW), "ask", "older words never win silently");
  assert.equal(format.decide(here, note("Theirs", "9999-12-31T00:00:00.000Z"), NOW), "ask", "a future date is not believed");
  assert.equal(format.decide(here, note("Theirs", "not a date but large"), NOW), "ask");
});

test("a future-dated note is kept with today's date, so typing after it makes ours newer", () => {
  const file = { key: "k", updated: "9999-12-31T00:00:00.000Z", section: "S", prompts: [], body: ["Future"] };
  const kept = format.asNote(file, NOW);
  assert.equal(kept.updated, new Date(NOW).toISOString());
  const typed = { ...kept, text: "Typed later", updated: new Date(NOW + 1000).toISOString() };
  const sorted = format.plan([file], () => typed, NOW + 2000);
  assert.deepEqual([sorted.add.length, sorted.replace.length, sorted.ask.length], [0, 0, 1]);
});

test("the reader's answer: keep mine, use the file's, or both under a dated line", () => {
  const here = note("Mine", "2026-03-01T00:00:00.000Z");
  const incoming = note("Theirs", "2026-02-01T00:00:00.000Z");
  assert.equal(format.resolve("mine", here, incoming, "From the file (%s):", NOW), null);
  assert.equal(format.resolve("theirs", here, incoming, "From the file (%s):", NOW), incoming);
  const both = format.resolve("both", here, incoming, "From the file (%s):", NOW);
  assert.equal(both.text, "Mine\n\nFrom the file (2026-02-01):\nTheirs");
  assert.equal(both.updated, new Date(NOW).toISOString());
});

test("plan sorts every note of a file by what the import does", () => {
  const stored = { "s#same": note("Same"), "s#newer": note("Old", "2026-01-01T00:00:00.000Z"), "s#ask": note("Mine", "2026-05-01T00:00:00.000Z") };
  const body = (key, text, updated) => ({ key, updated, section: "S", prompts: [], body: [text] });
  const sorted = format.plan(
    [body("s#new", "New", "2026-01-01T00:00:00.000Z"), body("s#same", "Same", "2030-01-01T00:00:00.000Z"),
      body("s#newer", "Newer", "2026-02-01T00:00:00.000Z"), body("s#ask", "Older", "2026-02-01T00:00:00.000Z")],
    (key) => stored[key] || null, NOW);
  assert.deepEqual(sorted.add.map(([key]) => key), ["s#new"]);
  assert.deepEqual(sorted.replace.map(([key, n]) => [key, n.text]), [["s#newer", "Newer"]]);
  assert.deepEqual(sorted.ask.map(([key]) => key), ["s#ask"]);
});

test("plural messages pick their form and fill the number", () => {
  const forms = { one: "Imported %s note.", other: "Imported %s notes." };
  const plurals = new Intl.PluralRules("en");
  assert.equal(format.counted(forms, 1, plurals), "Imported 1 note.");
  assert.equal(format.counted(forms, 3, plurals), "Imported 3 notes.");
});
