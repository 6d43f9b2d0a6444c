// The multiprom VS Code extension: a thin vscode-languageclient wrapper around
// `multiprom serve`. All linting and fixing happens in the server.
import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";
import { bundledPath, findServer } from "./binary";
import { serverSettings } from "./settings";

const FIX_ALL_KIND = "source.fixAll.multiprom";

let client: LanguageClient | undefined;
let output: vscode.OutputChannel | undefined;

// The deploy files the server reads besides Python (the kinds of
// internal/project.Classify): findings on them are published whether they
// are open or not, and an open one is linted as typed, like Python.
const deployFiles = [
  "**/*.wsgi", // mod_wsgi/uWSGI scripts: Python under another name
  "**/Procfile",
  "**/{docker-compose,compose}*.{yml,yaml}",
  "**/{Dockerfile,Containerfile}*",
  "**/*.{dockerfile,Dockerfile,containerfile,Containerfile}",
  "**/{.env,*.env,.env.*}",
  "**/requirements*.txt",
  "**/requirements/*.txt",
  "**/pyproject.toml",
  "**/Pipfile",
  "**/setup.cfg",
  "**/*.service",
  "**/*.sh",
  "**/*entrypoint*",
  "**/*supervisor*.{conf,ini}",
  "**/*supervisor*/*.{conf,ini}",
  // uWSGI: an ini is read when it has a [uwsgi] section; YAML by its name.
  "**/*.ini",
  "**/*uwsgi*.{yml,yaml}",
];

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("multiprom");
  context.subscriptions.push(
    output,
    vscode.commands.registerCommand("multiprom.restart", () => restart(context)),
    // Not "multiprom.fixAll": that is the server's own workspace/executeCommand
    // command, which vscode-languageclient registers under that id itself.
    vscode.commands.registerCommand("multiprom.fixAllProblems", fixAll),
    vscode.commands.registerCommand("multiprom.showOutput", () => output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // The binary is chosen at start, so a new path needs a new process; every
      // other setting reaches the running server via didChangeConfiguration.
      if (e.affectsConfiguration("multiprom.path")) {
        void restart(context);
      } else if (e.affectsConfiguration("multiprom") && client?.isRunning()) {
        void client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { multiprom: serverSettings() },
        });
      }
    }),
  );
  await start(context);
}

export async function deactivate(): Promise<void> {
  await stop();
}

async function start(context: vscode.ExtensionContext): Promise<void> {
  const channel = output!;
  const command = await findServer(context.extensionPath, vscode.workspace.getConfiguration("multiprom").get<string>("path", ""));
  if (!command) {
    channel.appendLine(
      `multiprom binary not found: not in multiprom.path, not bundled (${bundledPath(context.extensionPath)}), not on PATH.`,
    );
    offerFixes("multiprom: server binary not found. Set `multiprom.path`, or install `multiprom` on PATH.");
    return;
  }
  channel.appendLine(`starting ${command} serve`);

  const serverOptions: ServerOptions = {
    command,
    args: ["serve"],
    transport: TransportKind.stdio,
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "python" },
      { scheme: "untitled", language: "python" },
      ...deployFiles.map((pattern) => ({ scheme: "file", pattern })),
    ],
    outputChannel: channel,
    initializationOptions: { settings: serverSettings() },
    // Not synchronize.configurationSection: that would send client-only keys
    // (path, trace) and empty select/ignore lists, which mean "server default"
    // here but "nothing" to the server. Changes are pushed by the listener in
    // activate; pulls (workspace/configuration) are answered below.
    middleware: {
      workspace: {
        configuration: (params) =>
          params.items.map((item) => {
            const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
            if (item.section === "multiprom") {
              return serverSettings(scope);
            }
            return item.section === undefined ? { multiprom: serverSettings(scope) } : null;
          }),
      },
    },
  };
  // The id "multiprom" makes the client read multiprom.trace.server itself.
  client = new LanguageClient("multiprom", "multiprom", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    channel.appendLine(`failed to start ${command}: ${String(err)}`);
    offerFixes(`multiprom: the server ${command} failed to start (${String(err)}). Check \`multiprom.path\`.`);
  }
}

// offerFixes shows an error with the two ways out: the setting that picks the
// binary, and the server log (where the start failure is written).
function offerFixes(message: string): void {
  void vscode.window.showErrorMessage(message, "Open settings", "Show server log").then((choice) => {
    if (choice === "Open settings") {
      void vscode.commands.executeCommand("workbench.action.openSettings", "multiprom.path");
    } else if (choice === "Show server log") {
      output?.show(true);
    }
  });
}

async function stop(): Promise<void> {
  const running = client;
  client = undefined;
  if (running) {
    await running.stop().catch(() => undefined);
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  output?.appendLine("restarting server");
  await stop();
  await start(context);
}

// fixAll runs the server's source.fixAll.multiprom action on the active file,
// the same action editor.codeActionsOnSave can run.
async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== "python") {
    void vscode.window.showInformationMessage("multiprom: open a Python file to fix.");
    return;
  }
  await vscode.commands.executeCommand("editor.action.sourceAction", {
    kind: FIX_ALL_KIND,
    apply: "first",
  });
}
