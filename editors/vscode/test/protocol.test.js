// Drives the real `multiprom serve` (MULTIPROM_BIN) the way the VS Code
// extension does: handshake, diagnostics on the demo, quickfix, fix-all.
"use strict";

const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const h = require("./harness");

const FIX_ALL = "source.fixAll.multiprom";
const bin = h.serverBinary();
const skip = bin ? false : "MULTIPROM_BIN is not set to a built server";

const hasCode = (code) => (p) => p.diagnostics.some((d) => d.code === code);
const lacksCode = (code) => (p) => !p.diagnostics.some((d) => d.code === code);

/** Starts a server on a fresh demo copy and initializes it; doc is metrics.py, not yet opened. */
async function openDemo(t, initOptions, capabilities) {
  const root = h.copyDemo();
  const s = h.startServer(bin, root);
  t.after(async () => {
    await s.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const params = {};
  if (initOptions) {
    params.initializationOptions = initOptions;
  }
  if (capabilities) {
    params.capabilities = capabilities;
  }
  const init = await s.initialize(params);
  await s.conn.sendNotification(h.rpc.InitializedNotification.type, {});
  const file = path.join(root, "demo_app", "metrics.py");
  const doc = { uri: pathToFileURL(file).href, text: fs.readFileSync(file, "utf8"), version: 1 };
  return { s, init, doc };
}

function didOpen(s, doc) {
  return s.conn.sendNotification(h.rpc.DidOpenTextDocumentNotification.type, {
    textDocument: { uri: doc.uri, languageId: "python", version: doc.version, text: doc.text },
  });
}

/** Applies edits to doc locally and sends them to the server as incremental changes. */
async function change(s, doc, edits) {
  const { text, changes } = h.applyEdits(doc.text, edits);
  doc.text = text;
  doc.version += 1;
  await s.conn.sendNotification(h.rpc.DidChangeTextDocumentNotification.type, {
    textDocument: { uri: doc.uri, version: doc.version },
    contentChanges: changes,
  });
}

function codeActions(s, doc, range, diagnostics, only) {
  return s.conn.sendRequest(h.rpc.CodeActionRequest.type, {
    textDocument: { uri: doc.uri },
    range,
    context: { diagnostics, only, triggerKind: 1 },
  });
}

test("initialize advertises encoding, incremental sync and multiprom code action kinds", { skip }, async (t) => {
  const { s, init } = await openDemo(t);
  const caps = init.capabilities;
  assert.equal(caps.positionEncoding ?? "utf-16", "utf-16", "client offered only utf-16");
  const sync = typeof caps.textDocumentSync === "number" ? caps.textDocumentSync : caps.textDocumentSync?.change;
  assert.equal(sync, h.rpc.TextDocumentSyncKind.Incremental, `textDocumentSync: ${JSON.stringify(caps.textDocumentSync)}`);
  const kinds = caps.codeActionProvider?.codeActionKinds ?? [];
  assert.ok(kinds.includes("quickfix"), `codeActionKinds ${JSON.stringify(kinds)} lacks quickfix`);
  assert.ok(kinds.includes(FIX_ALL), `codeActionKinds ${JSON.stringify(kinds)} lacks ${FIX_ALL}`);
  // vscode-languageclient registers every server command as a VS Code
  // command; one the extension also contributes would fail the client start.
  const serverCommands = caps.executeCommandProvider?.commands ?? [];
  const ours = require("../package.json").contributes.commands.map((c) => c.command);
  const clash = serverCommands.filter((c) => ours.includes(c));
  assert.deepEqual(clash, [], "server commands clash with the extension's own command ids");
  const status = await s.shutdown();
  assert.deepEqual(status, { code: 0, signal: null }, "server should exit 0 after shutdown+exit");
});

test("positionEncoding is one the client offered", { skip }, async (t) => {
  const root = h.copyDemo();
  const s = h.startServer(bin, root);
  t.after(async () => {
    await s.kill();
    fs.rmSync(root, { recursive: true, force: true });
  });
  const init = await s.initialize({ capabilities: h.clientCapabilities(["utf-8", "utf-16"]) });
  assert.ok(["utf-8", "utf-16"].includes(init.capabilities.positionEncoding ?? "utf-16"));
});

test("MP301 on the demo's metrics.py, quickfix applied as incremental edits clears it", { skip }, async (t) => {
  const { s, doc } = await openDemo(t);
  const first = s.waitForDiagnostics(doc.uri, hasCode("MP301"), "containing MP301");
  await didOpen(s, doc);
  const published = await first;

  const diag = published.diagnostics.find((d) => d.code === "MP301");
  assert.equal(diag.source, "multiprom");
  assert.match(diag.codeDescription?.href ?? "", /MP301/i, "codeDescription.href should point at the MP301 docs");
  const line = doc.text.split("\n")[diag.range.start.line];
  assert.match(line, /Gauge\(/, `MP301 should sit on the Gauge call, got line ${JSON.stringify(line)}`);

  const actions = await codeActions(s, doc, diag.range, [diag], ["quickfix"]);
  assert.ok(Array.isArray(actions) && actions.length > 0, `no code actions: ${JSON.stringify(actions)}`);
  const fix = actions.find((a) => a.kind?.startsWith("quickfix") && (a.diagnostics ?? [diag]).some((d) => d.code === "MP301"));
  assert.ok(fix, `no quickfix for MP301 in ${JSON.stringify(actions, null, 1)}`);
  const edits = await resolvedEdits(s, doc, fix);
  assert.ok(edits.length > 0, `quickfix edits no text in ${doc.uri}: ${JSON.stringify(fix.edit)}`);

  const cleared = s.waitForDiagnostics(doc.uri, lacksCode("MP301"), "without MP301 after the fix");
  await change(s, doc, edits);
  const after = await cleared;
  assert.match(doc.text, /multiprocess_mode=/);
  h.assertParsesAsPython(doc.text);
  if (after.version !== undefined && after.version !== null) {
    assert.equal(after.version, doc.version, "diagnostics should be for the edited version");
  }
});

/** The action's TextEdits for doc, asking codeAction/resolve for them when the server deferred them. */
async function resolvedEdits(s, doc, action) {
  if (!action.edit && action.data !== undefined) {
    action = await s.conn.sendRequest(h.rpc.CodeActionResolveRequest.type, action);
  }
  assert.ok(action.edit, `action has no edit even after resolve: ${JSON.stringify(action)}`);
  return h.editsFor(action.edit, doc.uri);
}

for (const resolve of [true, false]) {
  const how = resolve ? "via codeAction/resolve (as VS Code)" : "inline (client without resolve)";
  test(`source.fixAll.multiprom fixes every fixable problem in the file, edit ${how}`, { skip }, (t) =>
    fixAllCase(t, resolve));
}

async function fixAllCase(t, resolve) {
  const { s, doc } = await openDemo(t, undefined, h.clientCapabilities(["utf-16"], { resolve }));
  const first = s.waitForDiagnostics(doc.uri, hasCode("MP301"), "containing MP301");
  await didOpen(s, doc);
  const published = await first;

  const whole = { start: { line: 0, character: 0 }, end: { line: doc.text.split("\n").length, character: 0 } };
  const actions = await codeActions(s, doc, whole, published.diagnostics, [FIX_ALL]);
  const all = (actions ?? []).filter((a) => a.kind === FIX_ALL);
  assert.equal(all.length, 1, `want one ${FIX_ALL} action, got ${JSON.stringify(actions, null, 1)}`);
  if (!resolve) {
    assert.ok(all[0].edit, `client cannot resolve, so the edit must be inline: ${JSON.stringify(all[0])}`);
  }
  const edits = await resolvedEdits(s, doc, all[0]);
  assert.ok(edits.length > 0, `fix-all edits nothing: ${JSON.stringify(all[0])}`);

  const cleared = s.waitForDiagnostics(doc.uri, lacksCode("MP301"), "without MP301 after fix-all");
  await change(s, doc, edits);
  await cleared;
  h.assertParsesAsPython(doc.text);
}

test("settings: ignore from initializationOptions, then re-enabled by didChangeConfiguration", { skip }, async (t) => {
  const { s, doc } = await openDemo(t, { settings: { ignore: ["MP301"] } });
  const first = s.waitForDiagnostics(doc.uri, () => true, "at all");
  await didOpen(s, doc);
  const published = await first;
  assert.ok(!hasCode("MP301")(published), `MP301 is ignored but was published: ${JSON.stringify(published)}`);

  const back = s.waitForDiagnostics(doc.uri, hasCode("MP301"), "containing MP301 once the ignore is lifted");
  await s.conn.sendNotification(h.rpc.DidChangeConfigurationNotification.type, {
    settings: { multiprom: { ignore: [] } },
  });
  await back;
});

test("didClose clears the file's diagnostics", { skip }, async (t) => {
  const { s, doc } = await openDemo(t);
  const first = s.waitForDiagnostics(doc.uri, hasCode("MP301"), "containing MP301");
  await didOpen(s, doc);
  await first;
  const empty = s.waitForDiagnostics(doc.uri, (p) => p.diagnostics.length === 0, "empty after didClose");
  await s.conn.sendNotification(h.rpc.DidCloseTextDocumentNotification.type, { textDocument: { uri: doc.uri } });
  await empty;
});

test("UTF-16 columns: the fix lands right on a line with an emoji and accents", { skip }, async (t) => {
  const { s, doc } = await openDemo(t);
  const before = '"Requests being handled right now")';
  assert.ok(doc.text.includes(before), "demo Gauge line changed; update this test");
  // Each of these is 1 or 2 UTF-16 units but 2 to 4 UTF-8 bytes: a server
  // mixing the two puts the edit in the wrong place.
  doc.text = doc.text.replace(before, '"Requests (ünïcödé 😀) in flight")');
  const first = s.waitForDiagnostics(doc.uri, hasCode("MP301"), "containing MP301");
  await didOpen(s, doc);
  const diag = (await first).diagnostics.find((d) => d.code === "MP301");
  const line = doc.text.split("\n")[diag.range.start.line];
  assert.ok(diag.range.start.line === diag.range.end.line ? diag.range.end.character <= line.length : true,
    `MP301 range ${JSON.stringify(diag.range)} runs past the line (${line.length} UTF-16 units)`);

  const actions = await codeActions(s, doc, diag.range, [diag], ["quickfix"]);
  const fix = (actions ?? []).find((a) => a.kind?.startsWith("quickfix"));
  assert.ok(fix, `no quickfix: ${JSON.stringify(actions)}`);
  const edits = await resolvedEdits(s, doc, fix);
  const cleared = s.waitForDiagnostics(doc.uri, lacksCode("MP301"), "without MP301 after the fix");
  await change(s, doc, edits);
  await cleared;
  assert.match(doc.text, /"Requests \(ünïcödé 😀\) in flight",?\s*multiprocess_mode=/);
  h.assertParsesAsPython(doc.text);
});
