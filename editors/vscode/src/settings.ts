// The server settings, read from the multiprom.* configuration. Keys match
// the server's settings contract (internal/config.Settings' json names);
// client-only keys (path, trace) stay out. A setting left at its default is
// not sent, so that [tool.multiprom] in pyproject.toml decides it.
import * as vscode from "vscode";

export interface ServerSettings {
  applicationTag?: string;
  select?: string[];
  ignore?: string[];
  extendSelect?: string[];
  severity?: Record<string, string>;
  workers?: number;
  metricsPath?: string;
  flavour?: "exporter" | "raw";
  redis?: boolean;
  exclude?: string[];
  extendExclude?: string[];
  perFileIgnores?: Record<string, string[]>;
  run?: "onType" | "onSave";
  fixAll?: { scope: "file" | "project" };
}

export function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const cfg = vscode.workspace.getConfiguration("multiprom", scope);
  const settings: ServerSettings = {
    run: cfg.get<"onType" | "onSave">("run", "onType"),
    fixAll: { scope: cfg.get<"file" | "project">("fixAll.scope", "file") },
  };
  for (const key of ["applicationTag", "metricsPath", "flavour"] as const) {
    const v = cfg.get<string>(key, "");
    if (v !== "") {
      (settings as Record<string, unknown>)[key] = v;
    }
  }
  // Empty lists mean "server default", so they are not sent at all.
  for (const key of ["select", "ignore", "extendSelect", "exclude", "extendExclude"] as const) {
    const v = cfg.get<string[]>(key, []);
    if (v.length > 0) {
      settings[key] = v;
    }
  }
  for (const key of ["severity", "perFileIgnores"] as const) {
    const v = cfg.get<Record<string, never>>(key, {});
    if (Object.keys(v).length > 0) {
      (settings as Record<string, unknown>)[key] = v;
    }
  }
  const workers = cfg.get<number | null>("workers", null);
  if (typeof workers === "number") {
    settings.workers = workers;
  }
  const redis = cfg.get<boolean | null>("redis", null);
  if (typeof redis === "boolean") {
    settings.redis = redis;
  }
  return settings;
}
