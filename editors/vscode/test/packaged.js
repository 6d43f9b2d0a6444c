// The platform-specific .vsix built by scripts/package.sh: it holds the server
// for its own target only, executable, and the extension resolves to it.
//   VSIX=dist/multiprom-linux-x64-0.1.0.vsix node --test test/packaged.js
// (not in `npm test`: it needs a packaged .vsix, which editors/test.sh builds).
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const Module = require("node:module");
const { pathToFileURL } = require("node:url");
const esbuild = require("esbuild");
const yauzl = require("yauzl");
const h = require("./harness");

const vsix = process.env.VSIX;
const target = `${process.platform}-${process.arch}`;
const exe = process.platform === "win32" ? "multiprom.exe" : "multiprom";

function loadBinary() {
  const src = path.join(__dirname, "..", "src", "binary.ts");
  const { outputFiles } = esbuild.buildSync({ entryPoints: [src], bundle: true, write: false, format: "cjs", platform: "node" });
  const m = new Module(src);
  m._compile(outputFiles[0].text, src);
  return m.exports;
}

/** Every entry of the zip: name, unix mode, contents. */
function readZip(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const entries = [];
      zip.on("error", reject);
      zip.on("end", () => resolve(entries));
      zip.on("entry", (entry) => {
        const mode = (entry.externalFileAttributes >>> 16) & 0o7777;
        zip.openReadStream(entry, (err2, stream) => {
          if (err2) return reject(err2);
          const chunks = [];
          stream.on("data", (c) => chunks.push(c));
          stream.on("error", reject);
          stream.on("end", () => {
            entries.push({ name: entry.fileName, mode, data: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

test(`the ${target} .vsix carries its server and the extension runs it`, async (t) => {
  assert.ok(vsix, "VSIX must name the packaged .vsix (editors/vscode/scripts/package.sh builds it)");
  const entries = await readZip(vsix);
  const names = entries.map((e) => e.name).sort();

  const manifest = entries.find((e) => e.name === "extension.vsixmanifest").data.toString();
  assert.match(manifest, new RegExp(`TargetPlatform="${target}"`), "the manifest names the target platform");
  const binEntries = names.filter((n) => n.startsWith("extension/bin/"));
  assert.deepEqual(binEntries, [`extension/bin/${target}/${exe}`], "exactly this target's server, nothing else in bin/");
  for (const f of ["extension/package.json", "extension/out/extension.js"]) {
    assert.ok(names.includes(f), `${f} missing from the .vsix`);
  }
  const server = entries.find((e) => e.name === binEntries[0]);
  if (process.platform !== "win32") {
    assert.equal(server.mode & 0o111, 0o111, `the server is stored executable (mode ${server.mode.toString(8)})`);
  }
  assert.ok(server.data.length > 1 << 20, "the server is a real binary");

  // Install it the way VS Code does: the zip's extension/ folder, modes kept.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multiprom-vsix-"));
  const savedPath = process.env.PATH;
  t.after(() => {
    process.env.PATH = savedPath;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const e of entries) {
    const dest = path.join(dir, e.name);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.writeFileSync(dest, e.data, { mode: e.mode || 0o644 });
  }
  const ext = path.join(dir, "extension");

  // Lookup order with another multiprom on PATH: the bundled one wins over
  // PATH, and multiprom.path wins over both.
  const { findServer, bundledPath } = loadBinary();
  const decoy = path.join(dir, "pathdir", exe);
  fs.mkdirSync(path.dirname(decoy));
  fs.writeFileSync(decoy, "#!/bin/sh\nexit 3\n", { mode: 0o755 });
  process.env.PATH = path.dirname(decoy);
  const resolved = await findServer(ext, "");
  assert.equal(resolved, path.join(ext, "bin", target, exe));
  assert.equal(resolved, bundledPath(ext));
  assert.equal(await findServer(ext, "/opt/multiprom/bin/multiprom"), "/opt/multiprom/bin/multiprom");
  process.env.PATH = savedPath;

  // The resolved binary serves the demo: MP301 on metrics.py line 18.
  const root = h.copyDemo();
  const s = h.startServer(resolved, root);
  t.after(async () => {
    await s.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const init = await s.initialize();
  assert.equal(init.serverInfo?.name, "multiprom");
  // One version: the server inside says the version the .vsix is published as.
  const shipped = JSON.parse(entries.find((e) => e.name === "extension/package.json").data.toString());
  assert.equal(init.serverInfo?.version, shipped.version, "the bundled server's version is the extension's");
  await s.conn.sendNotification(h.rpc.InitializedNotification.type, {});
  const file = path.join(root, "demo_app", "metrics.py");
  const uri = pathToFileURL(file).href;
  const got = s.waitForDiagnostics(uri, (p) => p.diagnostics.some((d) => d.code === "MP301"), "containing MP301");
  await s.conn.sendNotification(h.rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri, languageId: "python", version: 1, text: fs.readFileSync(file, "utf8") },
  });
  const diag = (await got).diagnostics.find((d) => d.code === "MP301");
  assert.equal(diag.range.start.line + 1, 18);
  assert.deepEqual(await s.shutdown(), { code: 0, signal: null });
});
