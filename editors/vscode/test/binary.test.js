// Server lookup order: multiprom.path, then the bundled bin/<platform>-<arch>, then PATH.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const Module = require("node:module");
const esbuild = require("esbuild");

// src/binary.ts needs no vscode API, so it is compiled on its own and loaded.
function loadBinary() {
  const src = path.join(__dirname, "..", "src", "binary.ts");
  const { outputFiles } = esbuild.buildSync({ entryPoints: [src], bundle: true, write: false, format: "cjs", platform: "node" });
  const m = new Module(src);
  m._compile(outputFiles[0].text, src);
  return m.exports;
}

function executable(file) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, "#!/bin/sh\n", { mode: 0o755 });
}

test("multiprom.path wins, then the bundled binary, then PATH", async (t) => {
  const { findServer, bundledPath } = loadBinary();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multiprom-bin-"));
  const savedPath = process.env.PATH;
  t.after(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const ext = path.join(dir, "ext");
  const onPath = path.join(dir, "pathdir", "multiprom");
  process.env.PATH = path.dirname(onPath);

  assert.equal(await findServer(ext, ""), undefined, "nothing anywhere");
  executable(onPath);
  assert.equal(await findServer(ext, ""), onPath);
  const bundled = bundledPath(ext);
  assert.equal(bundled, path.join(ext, "bin", `${process.platform}-${process.arch}`, "multiprom"));
  executable(bundled);
  assert.equal(await findServer(ext, ""), bundled);
  assert.equal(await findServer(ext, "  /opt/mp/multiprom "), "/opt/mp/multiprom", "the setting is used as given");
  assert.equal(await findServer(ext, "~/bin/multiprom"), path.join(os.homedir(), "bin", "multiprom"));
});
