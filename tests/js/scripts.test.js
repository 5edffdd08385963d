// The scripts as a browser loads them: classic scripts, one namespace, no module system.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const vm = require("node:vm");

const STATIC = path.join(__dirname, "../../_ext/course_cards/static");
const scripts = fs.readdirSync(STATIC).filter((name) => name.endsWith(".js"));

test("every notes script parses as a classic script, with no import or export", () => {
  assert.ok(scripts.length >= 4, scripts.join());
  for (const name of scripts) {
    const source = fs.readFileSync(path.join(STATIC, name), "utf8");
    assert.doesNotThrow(() => new vm.Script(source, { filename: name }), name);
    assert.doesNotMatch(source, /^\s*(import|export)\s/m, name);
  }
});

test("the format and store hang themselves on one CourseNotes namespace in a page", () => {
  const page = vm.createContext({});
  vm.runInContext("var self = globalThis;", page);
  for (const name of ["course_notes_format.js", "course_notes_store.js"]) {
    vm.runInContext(fs.readFileSync(path.join(STATIC, name), "utf8"), page, { filename: name });
  }
  const { CourseNotes } = page;
  assert.equal(typeof CourseNotes.format.parseFile, "function");
  assert.equal(typeof CourseNotes.store.createStore, "function");
  assert.equal(CourseNotes.format.fill("%s", "$&"), "$&");
});
