// What the course keeps on the device, on a stand-in for localStorage with a quota.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { createStore } = require("../../_ext/course_cards/static/course_notes_store.js");

/** A Storage-like object, its items as own properties and its methods on its
 * prototype as in browsers, that throws once `quota` characters are held. */
const fakeStorage = (quota = Infinity) => {
  const size = (data) => Object.entries(data).reduce((sum, [k, v]) => sum + k.length + v.length, 0);
  const methods = {
    getItem(k) { return Object.hasOwn(this, k) ? this[k] : null; },
    setItem(k, v) {
      const grown = size(this) - (Object.hasOwn(this, k) ? k.length + this[k].length : 0) + k.length + String(v).length;
      if (grown > quota) throw new Error("QuotaExceededError");
      this[k] = String(v);
    },
    removeItem(k) { delete this[k]; },
  };
  return Object.create(methods);
};
const note = (text, updated = "2026-01-01T00:00:00.000Z") => ({ text, updated, section: "S", prompts: [] });

test("two courses on one origin keep apart, and delete everything stays inside one", () => {
  const storage = fakeStorage();
  const a = createStore(storage, "/a/");
  const b = createStore(storage, "/b/");
  a.write("p#x", note("A's"));
  a.markRead("p");
  a.downloaded("2026-01-02T00:00:00.000Z");
  b.write("p#x", note("B's"));
  assert.equal(b.read("p#x").text, "B's");
  a.deleteEverything();
  assert.deepEqual([a.noteKeys(), a.readPages(), a.lastDownload()], [[], [], null]);
  assert.equal(b.read("p#x").text, "B's");
});

test("progress and the download date are not notes, and not damaged ones", () => {
  const store = createStore(fakeStorage(), "/");
  store.markRead("week7/01");
  assert.equal(store.markRead("week7/01"), false, "read once");
  store.markRead("week7/02");
  store.downloaded("2026-01-02T00:00:00.000Z");
  store.write("week7/01#r", note("Mine"));
  assert.deepEqual(store.noteKeys(), ["week7/01#r"]);
  assert.deepEqual(store.damagedKeys(), []);
  assert.deepEqual(store.readPages(), ["week7/01", "week7/02"]);
  store.clearProgress();
  assert.deepEqual(store.readPages(), []);
  assert.equal(store.read("week7/01#r").text, "Mine", "clearing progress keeps notes");
});

test("changes since the last download are noticed", () => {
  const store = createStore(fakeStorage(), "/");
  assert.equal(store.changedSinceDownload(), false, "nothing to back up yet");
  store.write("p#r", note("Words", "2026-01-01T00:00:00.000Z"));
  assert.equal(store.changedSinceDownload(), true, "never downloaded");
  store.downloaded("2026-01-02T00:00:00.000Z");
  assert.equal(store.changedSinceDownload(), false);
  store.write("p#r", note("More words", "2026-01-03T00:00:00.000Z"));
  assert.equal(store.changedSinceDownload(), true);
});

test("a write of many notes that does not fit changes nothing and says how much", () => {
  const storage = fakeStorage(2000);
  const store = createStore(storage, "/");
  store.write("p#keep", note("Kept as it was"));
  const before = JSON.stringify(Object.fromEntries(Object.keys(storage).map((k) => [k, storage.getItem(k)])));
  const many = Array.from({ length: 40 }, (_, i) => [`p#n${i}`, note("x".repeat(40))]);
  many.push(["p#keep", note("Overwritten")]);
  const full = store.writeAll(many);
  assert.ok(full && full.needed > full.free && full.free > 0, JSON.stringify(full));
  const after = JSON.stringify(Object.fromEntries(Object.keys(storage).map((k) => [k, storage.getItem(k)])));
  assert.equal(after, before, "rolled back");
  store.write("p#keep", note("The next keystroke saves"));
  assert.equal(store.read("p#keep").text, "The next keystroke saves");
  assert.equal(store.writeAll([["p#a", note("fits")]]), null);
});

test("a renamed card's note moves to its new key once, never over a note there", () => {
  const store = createStore(fakeStorage(), "/");
  store.write("p#old", note("Written under the old name"));
  assert.equal(store.move("p#old", "p#new"), true);
  assert.deepEqual([store.read("p#old"), store.read("p#new").text], [null, "Written under the old name"]);
  store.write("p#old", note("Another"));
  assert.equal(store.move("p#old", "p#new"), false);
  assert.equal(store.read("p#new").text, "Written under the old name");
});

test("reads fail soft and writes report when storage is off", () => {
  const off = new Proxy({}, { get: () => () => { throw new Error("SecurityError"); }, ownKeys: () => { throw new Error("SecurityError"); } });
  const store = createStore(off, "/");
  assert.equal(store.read("p#r"), null);
  assert.deepEqual(store.noteKeys(), []);
  assert.throws(() => store.write("p#r", note("x")));
});
