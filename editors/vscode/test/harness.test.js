// The test client's own edit logic, checked so a protocol failure means the server.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const { applyEdits } = require("./harness");

const at = (line, character) => ({ line, character });

test("applyEdits applies non-overlapping edits against the original text", () => {
  const text = 'G = Gauge("a", "b")\nx = "é😀"\n';
  const { text: out, changes } = applyEdits(text, [
    { range: { start: at(0, 18), end: at(0, 18) }, newText: ', multiprocess_mode="livesum"' },
    { range: { start: at(1, 6), end: at(1, 8) }, newText: "!" }, // the emoji is 2 UTF-16 units
    { range: { start: at(0, 0), end: at(0, 0) }, newText: "# x\n" },
  ]);
  assert.equal(out, '# x\nG = Gauge("a", "b", multiprocess_mode="livesum")\nx = "é!"\n');
  // Replaying the incremental changes in order gives the same text.
  let replay = text;
  for (const c of changes) {
    replay = applyEdits(replay, [{ range: c.range, newText: c.text }]).text;
  }
  assert.equal(replay, out);
});

test("applyEdits rejects overlapping edits", () => {
  assert.throws(() =>
    applyEdits("abcdef", [
      { range: { start: at(0, 0), end: at(0, 3) }, newText: "x" },
      { range: { start: at(0, 2), end: at(0, 4) }, newText: "y" },
    ]),
  );
});
