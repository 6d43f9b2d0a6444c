// Locating the multiprom binary: the user's setting wins, then the copy
// bundled for this platform inside the .vsix, then PATH.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const exe = process.platform === "win32" ? "multiprom.exe" : "multiprom";

export function bundledPath(extensionPath: string): string {
  return path.join(extensionPath, "bin", `${process.platform}-${process.arch}`, exe);
}

export async function findServer(extensionPath: string, configured: string): Promise<string | undefined> {
  if (configured.trim() !== "") {
    // An explicit setting is used as given (even if missing) so a typo shows up
    // as a start error instead of silently falling back to another binary.
    return expandHome(configured.trim());
  }
  const bundled = bundledPath(extensionPath);
  if (await isExecutable(bundled)) {
    return bundled;
  }
  return onPath(exe);
}

function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    const mode = process.platform === "win32" ? fs.constants.F_OK : fs.constants.X_OK;
    await fs.promises.access(file, mode);
    return (await fs.promises.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (dir === "") {
      continue;
    }
    const candidate = path.join(dir, name);
    if (await isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}
