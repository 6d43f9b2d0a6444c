// A minimal LSP client for tests, built on the same protocol library that
// vscode-languageclient uses, so what passes here is what the extension sees.
"use strict";

const { spawn, spawnSync } = require("node:child_process");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { pathToFileURL } = require("node:url");
const rpc = require("vscode-languageserver-protocol/node");

const REPO = path.resolve(__dirname, "..", "..", "..");
const DEMO = path.join(REPO, "testdata", "demo");

// How long to wait for the server to answer before a test fails with a
// message naming what never arrived (a deadline, not a speed assertion).
const DEADLINE_MS = 30000;

/** The server binary, or undefined when the test should be skipped. */
function serverBinary() {
  const bin = process.env.MULTIPROM_BIN;
  if (bin && fs.existsSync(bin)) {
    return path.resolve(bin);
  }
  if (process.env.CI) {
    throw new Error(`MULTIPROM_BIN must name the built server under CI (got ${JSON.stringify(bin)})`);
  }
  return undefined;
}

/** Copies the demo project into a fresh temp dir and returns its path. */
function copyDemo() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "multiprom-vscode-"));
  fs.cpSync(DEMO, dir, { recursive: true });
  return dir;
}

/**
 * The capabilities VS Code (through vscode-languageclient 9) advertises for
 * what we use. resolve=false drops codeAction resolveSupport, as clients
 * without codeAction/resolve do, so the server must send edits inline.
 */
function clientCapabilities(positionEncodings, { resolve = true } = {}) {
  const caps = {
    workspace: {
      applyEdit: true,
      configuration: true,
      workspaceFolders: true,
      didChangeConfiguration: { dynamicRegistration: true },
      workspaceEdit: {
        documentChanges: true,
        resourceOperations: ["create", "rename", "delete"],
        failureHandling: "textOnlyTransactional",
      },
    },
    textDocument: {
      synchronization: { dynamicRegistration: true, willSave: true, didSave: true },
      publishDiagnostics: {
        relatedInformation: true,
        versionSupport: true,
        codeDescriptionSupport: true,
        dataSupport: true,
        tagSupport: { valueSet: [1, 2] },
      },
      codeAction: {
        dynamicRegistration: true,
        isPreferredSupport: true,
        disabledSupport: true,
        dataSupport: true,
        resolveSupport: { properties: ["edit"] },
        honorsChangeAnnotations: false,
        codeActionLiteralSupport: {
          codeActionKind: {
            valueSet: ["", "quickfix", "refactor", "source", "source.organizeImports", "source.fixAll"],
          },
        },
      },
    },
    window: { workDoneProgress: true },
    general: {},
  };
  if (!resolve) {
    delete caps.textDocument.codeAction.resolveSupport;
  }
  if (positionEncodings) {
    caps.general.positionEncodings = positionEncodings;
  }
  return caps;
}

/**
 * Starts `multiprom serve` in root and returns a session: the connection, the
 * diagnostics received so far, and helpers. settings answers
 * workspace/configuration for the "multiprom" section.
 */
function startServer(bin, root, settings = {}) {
  const proc = spawn(bin, ["serve"], { cwd: root, stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  proc.stderr.on("data", (d) => {
    stderr += d;
  });
  const exited = new Promise((resolve) => proc.on("exit", (code, signal) => resolve({ code, signal })));
  const conn = rpc.createProtocolConnection(
    new rpc.StreamMessageReader(proc.stdout),
    new rpc.StreamMessageWriter(proc.stdin),
  );

  const published = []; // every publishDiagnostics, in arrival order
  const waiters = [];
  conn.onNotification(rpc.PublishDiagnosticsNotification.type, (params) => {
    published.push(params);
    for (const w of [...waiters]) {
      if (w.uri === params.uri && w.match(params)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(params);
      }
    }
  });
  conn.onRequest(rpc.ConfigurationRequest.type, (params) =>
    params.items.map((item) => (item.section === "multiprom" ? settings : item.section ? null : { multiprom: settings })),
  );
  conn.onRequest(rpc.RegistrationRequest.type, () => null);
  conn.onRequest(rpc.UnregistrationRequest.type, () => null);
  conn.onRequest(rpc.WorkDoneProgressCreateRequest.type, () => null);
  conn.onNotification(rpc.LogMessageNotification.type, () => undefined);
  conn.onNotification(rpc.ShowMessageNotification.type, () => undefined);
  conn.onError(() => undefined);
  conn.listen();

  const session = {
    proc,
    conn,
    root,
    published,
    stderr: () => stderr,

    initialize(params = {}) {
      const rootUri = pathToFileURL(root).href;
      return conn.sendRequest(rpc.InitializeRequest.type, {
        processId: process.pid,
        clientInfo: { name: "multiprom-protocol-test", version: "0" },
        rootUri,
        workspaceFolders: [{ uri: rootUri, name: path.basename(root) }],
        capabilities: clientCapabilities(["utf-16"]),
        ...params,
      });
    },

    /**
     * Resolves with the first publishDiagnostics for uri, from now on, that
     * satisfies match; rejects after the deadline with what did arrive.
     */
    waitForDiagnostics(uri, match, what) {
      return new Promise((resolve, reject) => {
        const w = { uri, match, resolve };
        waiters.push(w);
        const timer = setTimeout(() => {
          waiters.splice(waiters.indexOf(w), 1);
          const seen = published.filter((p) => p.uri === uri);
          reject(
            new Error(
              `no publishDiagnostics for ${uri} ${what} within ${DEADLINE_MS} ms; received for it: ` +
                JSON.stringify(seen, null, 1) +
                `\nserver stderr:\n${stderr}`,
            ),
          );
        }, DEADLINE_MS);
        w.resolve = (p) => {
          clearTimeout(timer);
          resolve(p);
        };
      });
    },

    /** shutdown + exit; resolves with the process exit status. */
    async shutdown() {
      await withDeadline(conn.sendRequest(rpc.ShutdownRequest.type), "shutdown response");
      await conn.sendNotification(rpc.ExitNotification.type);
      return withDeadline(exited, "server exit after the exit notification");
    },

    /** Ends the process whatever state it is in; for test teardown. */
    async kill() {
      conn.dispose();
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill("SIGKILL");
      }
      await exited;
    },
  };
  return session;
}

function withDeadline(promise, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${DEADLINE_MS} ms waiting for ${what}`)), DEADLINE_MS);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Offset of an LSP position in text; columns are UTF-16 code units, like JS strings. */
function offsetAt(text, pos) {
  let offset = 0;
  for (let line = 0; line < pos.line; line++) {
    const nl = text.indexOf("\n", offset);
    if (nl < 0) {
      return text.length;
    }
    offset = nl + 1;
  }
  const eol = text.indexOf("\n", offset);
  const lineEnd = eol < 0 ? text.length : eol;
  return Math.min(offset + pos.character, lineEnd);
}

/**
 * Applies LSP TextEdits (all relative to text) and returns the new text plus
 * the same edits as incremental didChange events, ordered so that each event's
 * range is still valid after the previous ones (last position first).
 */
function applyEdits(text, edits) {
  const ordered = edits
    .map((e, i) => ({ e, i, start: offsetAt(text, e.range.start), end: offsetAt(text, e.range.end) }))
    .sort((a, b) => b.start - a.start || b.i - a.i);
  let out = text;
  for (let k = 1; k < ordered.length; k++) {
    if (ordered[k].end > ordered[k - 1].start) {
      throw new Error(`overlapping TextEdits: ${JSON.stringify(edits)}`);
    }
  }
  for (const { e, start, end } of ordered) {
    out = out.slice(0, start) + e.newText + out.slice(end);
  }
  return { text: out, changes: ordered.map(({ e }) => ({ range: e.range, text: e.newText })) };
}

/** The TextEdits a WorkspaceEdit makes to uri, from either changes or documentChanges. */
function editsFor(edit, uri) {
  const edits = [];
  if (edit.changes && edit.changes[uri]) {
    edits.push(...edit.changes[uri]);
  }
  for (const dc of edit.documentChanges ?? []) {
    if (dc.textDocument && dc.textDocument.uri === uri) {
      edits.push(...dc.edits);
    }
  }
  return edits;
}

/** Throws unless text is valid Python, checked by a real Python parser. */
function assertParsesAsPython(text) {
  const py = ["/usr/bin/python3", "python3"].find((p) => spawnSync(p, ["-c", ""]).status === 0);
  if (!py) {
    throw new Error("no python3 to re-parse the fixed file");
  }
  const r = spawnSync(py, ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: text });
  if (r.status !== 0) {
    throw new Error(`fixed file is not valid Python:\n${r.stderr}\n---\n${text}`);
  }
}

module.exports = {
  DEMO,
  serverBinary,
  copyDemo,
  clientCapabilities,
  startServer,
  applyEdits,
  editsFor,
  assertParsesAsPython,
  rpc,
};
