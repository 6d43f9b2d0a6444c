// The server settings, read from the multiprom.* configuration. Keys match
// the server's settings contract; client-only keys (path, trace) stay out.
import * as vscode from "vscode";

export interface ServerSettings {
  applicationTag?: string;
  select?: string[];
  ignore?: string[];
  run?: "onType" | "onSave";
}

export function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const cfg = vscode.workspace.getConfiguration("multiprom", scope);
  const settings: ServerSettings = {
    run: cfg.get<"onType" | "onSave">("run", "onType"),
  };
  const tag = cfg.get<string>("applicationTag", "");
  if (tag !== "") {
    settings.applicationTag = tag;
  }
  // Empty lists mean "server default", so they are not sent at all.
  const select = cfg.get<string[]>("select", []);
  if (select.length > 0) {
    settings.select = select;
  }
  const ignore = cfg.get<string[]>("ignore", []);
  if (ignore.length > 0) {
    settings.ignore = ignore;
  }
  return settings;
}
