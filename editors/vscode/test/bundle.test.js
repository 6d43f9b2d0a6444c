// Checks the esbuild bundle that goes into the .vsix: it must load with only
// the `vscode` module provided by the host (nothing from node_modules).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const Module = require("node:module");
const path = require("node:path");

// Stands in for the host's `vscode` module: every member is a class, so the
// bundled client's `class X extends vscode.Y` declarations load.
function hostStub() {
  const cache = new Map();
  return new Proxy({}, {
    get(_target, prop) {
      if (!cache.has(prop)) {
        cache.set(prop, class {});
      }
      return cache.get(prop);
    },
  });
}

const bundle = path.resolve(__dirname, "..", "out", "extension.js");
const manifest = require("../package.json");

test("bundle loads without node_modules and exports activate/deactivate", () => {
  assert.ok(fs.existsSync(bundle), `${bundle} missing: run npm run compile first`);
  const originalResolve = Module._resolveFilename;
  const originalLoad = Module._load;
  const required = [];
  // Only `vscode` is provided, as in the extension host; any other package the
  // bundle still requires from node_modules would be missing from the .vsix.
  Module._load = function (request, parent, isMain) {
    if (parent && parent.filename === bundle) {
      required.push(request);
      if (request === "vscode") {
        return hostStub();
      }
      if (!Module.isBuiltin(request)) {
        throw new Error(`bundle requires ${request} at runtime`);
      }
    }
    return originalLoad.call(this, request, parent, isMain);
  };
  try {
    const ext = require(bundle);
    assert.equal(typeof ext.activate, "function");
    assert.equal(typeof ext.deactivate, "function");
  } finally {
    Module._load = originalLoad;
    Module._resolveFilename = originalResolve;
  }
});

test("manifest: every contributed command and setting is wired up", () => {
  const commands = manifest.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(commands, ["multiprom.fixAllProblems", "multiprom.restart", "multiprom.showOutput"]);
  const props = manifest.contributes.configuration.properties;
  for (const key of ["path", "applicationTag", "select", "ignore", "run", "trace.server"]) {
    assert.ok(props[`multiprom.${key}`], `multiprom.${key} not contributed`);
    assert.ok(props[`multiprom.${key}`].scope, `multiprom.${key} has no scope`);
  }
  assert.deepEqual(props["multiprom.run"].enum, ["onType", "onSave"]);
  const src = fs.readFileSync(path.join(__dirname, "..", "src", "extension.ts"), "utf8");
  for (const c of commands) {
    assert.ok(src.includes(`"${c}"`), `${c} is contributed but not registered in src/extension.ts`);
  }
  assert.equal(manifest.license, "MIT");
  assert.ok(manifest.repository?.url, "repository field");
});
