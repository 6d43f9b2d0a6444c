// Drives VS Code (code-server in Debian's Chromium, through playwright-core)
// the way a user would, on folders run.sh prepared:
//
//   fix:    the demo's metrics.py is opened; MP301 shows on line 18 and
//           gunicorn.conf.py's MP201 (a file not open) in the Problems panel;
//           Ctrl+. opens the quick fixes, the preferred one (first, focused)
//           is taken with Enter, Ctrl+S saves, and MP301 goes away; no
//           multiprom notification shows on the way.
//           run.sh then checks the file on disk.
//   broken: multiprom.path names a missing binary: the extension's error
//           notification names the setting and offers its two ways out.
//
// Everything is done with the keyboard: the quick-fix menu sits under an
// overlay that swallows mouse clicks.
//
//   node drive.js URL FOLDER CASE SCREENSHOT
//
// Exits 0 when every step happened; on a failure it says which step, and
// keeps a screenshot of that moment beside SCREENSHOT (-failed.png).
"use strict";
const fs = require("fs");
const os = require("os");
const path = require("path");
const { chromium } = require("playwright-core");

const [url, folder, which, screenshot] = process.argv.slice(2);
// Generous: each wait ends as soon as its condition holds; the limit only
// turns a hang into a failure that names the step.
const STEP_MS = 60000;
const MP301_LINE = 18;
const PREFERRED = 'Set multiprocess_mode="livesum"';

const started = Date.now();
function log(msg) {
  console.log(`vscode-e2e: ${((Date.now() - started) / 1000).toFixed(1)}s ${msg}`);
}

// Which step is running, for the failure message.
let step = "start";
async function stepDo(name, fn) {
  step = name;
  const value = await fn();
  log(`ok: ${name}`);
  return value;
}

// problems lists the Problems panel as [{file, text}], each marker with the
// file row above it (the panel is a tree: a file, then its markers).
async function problems(page) {
  return page.$$eval(".markers-panel .monaco-list-row", (rows) => {
    const out = [];
    let file = "";
    for (const row of rows) {
      const label = row.getAttribute("aria-label") || "";
      const m = /problems? in file (.+?) of folder/.exec(label);
      if (m) {
        file = m[1];
      } else {
        out.push({ file, text: row.textContent || "" });
      }
    }
    return out;
  });
}

async function waitForProblems(page, what, pred) {
  const deadline = Date.now() + STEP_MS;
  let last = [];
  while (Date.now() < deadline) {
    last = await problems(page);
    if (pred(last)) {
      return last;
    }
    await page.waitForTimeout(200);
  }
  throw new Error(`${what}: the Problems panel shows ${JSON.stringify(last, null, 1)}`);
}

const mp301On18 = (ps) =>
  ps.some((p) => p.file === "metrics.py" && p.text.includes("MP301") && p.text.includes(`[Ln ${MP301_LINE},`));

async function openFile(page, name) {
  await page.keyboard.press("Control+P");
  await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: STEP_MS });
  await page.keyboard.type(name);
  // Quick Open lists files once its search has run; Enter before that opens nothing.
  await page.waitForSelector(`.quick-input-list .monaco-list-row[aria-label*="${path.basename(name)}"]`, { timeout: STEP_MS });
  await page.keyboard.press("Enter");
  await page.waitForSelector(`.tab.active[aria-label*="${path.basename(name)}"]`, { timeout: STEP_MS });
  await page.waitForSelector(".editor-instance .monaco-editor .view-lines", { timeout: STEP_MS });
}

async function fixCase(page) {
  await stepDo("open demo_app/metrics.py with Quick Open", () => openFile(page, "demo_app/metrics.py"));
  await stepDo("a warning squiggle in the editor", () =>
    page.waitForSelector(".editor-instance .monaco-editor .squiggly-warning", { timeout: STEP_MS }),
  );
  await page.keyboard.press("Control+Shift+M");
  await stepDo(`Problems: MP301 on metrics.py line ${MP301_LINE}, MP201 on gunicorn.conf.py (not open)`, () =>
    waitForProblems(
      page,
      "MP301 and MP201",
      (ps) => mp301On18(ps) && ps.some((p) => p.file === "gunicorn.conf.py" && p.text.includes("MP201") && p.text.includes("[Ln 5,")),
    ),
  );

  // The server complains about settings it cannot read with a warning
  // (window/showMessage) before its first diagnostics: none may be shown,
  // as the extension sends its settings wrapped ({settings: {...}}).
  await stepDo("no multiprom warning shown", async () => {
    const toasts = await page.$$eval(".notifications-toasts .notification-list-item", (ts) => ts.map((t) => t.textContent || ""));
    const ours = toasts.filter((t) => t.includes("multiprom"));
    if (ours.length > 0) {
      throw new Error(`notifications: ${JSON.stringify(ours)}`);
    }
  });

  // Back to the editor, cursor to line 18, quick fixes.
  await page.keyboard.press("Control+1");
  await page.keyboard.press("Control+G");
  await page.waitForSelector(".quick-input-widget input", { state: "visible", timeout: STEP_MS });
  await page.keyboard.type(String(MP301_LINE));
  await page.keyboard.press("Enter");
  await stepDo("cursor on line 18", () =>
    page.waitForFunction(
      (line) => [...document.querySelectorAll(".statusbar-item")].some((e) => (e.textContent || "").startsWith(`Ln ${line},`)),
      MP301_LINE,
      { timeout: STEP_MS },
    ),
  );
  await page.keyboard.press("Control+.");
  const focused = await stepDo("quick-fix menu, the preferred fix focused", async () => {
    const row = await page.waitForSelector(".action-widget .monaco-list-row.action.focused", { timeout: STEP_MS });
    const label = (await row.getAttribute("aria-label")) || "";
    if (!label.startsWith(PREFERRED)) {
      const all = await page.$$eval(".action-widget .monaco-list-row.action", (rs) => rs.map((r) => r.getAttribute("aria-label")));
      throw new Error(`focused quick fix is ${JSON.stringify(label)}, want ${PREFERRED}…; menu: ${JSON.stringify(all)}`);
    }
    return label;
  });
  await page.screenshot({ path: screenshot });
  log(`screenshot: ${screenshot}`);
  await page.keyboard.press("Enter");
  await stepDo(`applied "${focused}": the tab is modified`, () =>
    page.waitForSelector(".tab.active.dirty[aria-label*='metrics.py']", { timeout: STEP_MS }),
  );
  await page.keyboard.press("Control+S");
  await stepDo("saved: the tab is clean", () =>
    page.waitForSelector(".tab.active:not(.dirty)[aria-label*='metrics.py']", { timeout: STEP_MS }),
  );
  await stepDo("MP301 gone from the Problems panel, MP201 still there", () =>
    waitForProblems(page, "MP301 cleared", (ps) => !ps.some((p) => p.text.includes("MP301")) && ps.some((p) => p.text.includes("MP201"))),
  );
}

async function brokenCase(page) {
  await stepDo("open demo_app/metrics.py with Quick Open", () => openFile(page, "demo_app/metrics.py"));
  await stepDo("an error notification naming the binary and multiprom.path, with its two actions", async () => {
    const toast = page.locator(".notifications-toasts .notification-list-item", { hasText: "multiprom: the server" });
    await toast.first().waitFor({ timeout: STEP_MS });
    const text = await toast.first().innerText();
    for (const want of ["failed to start", "multiprom.path", "Open settings", "Show server log"]) {
      if (!text.includes(want)) {
        throw new Error(`notification lacks ${JSON.stringify(want)}: ${JSON.stringify(text)}`);
      }
    }
    log(`notification: ${text.replace(/\s+/g, " ")}`);
  });
  await page.screenshot({ path: screenshot });
  log(`screenshot: ${screenshot}`);
}

async function main() {
  if (!url || !folder || !["fix", "broken"].includes(which) || !screenshot) {
    throw new Error("usage: node drive.js URL FOLDER fix|broken SCREENSHOT");
  }
  // A new, empty Chromium profile each run, removed after.
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "multiprom-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: "/usr/bin/chromium",
    headless: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
    viewport: { width: 1400, height: 900 },
  });
  let page;
  try {
    page = context.pages()[0] || (await context.newPage());
    await stepDo(`workbench loaded for ${folder}`, async () => {
      await page.goto(`${url}?folder=${encodeURIComponent(folder)}`);
      await page.waitForSelector(".monaco-workbench .part.editor", { timeout: STEP_MS });
    });
    await (which === "fix" ? fixCase(page) : brokenCase(page));
    log(`PASS (${which})`);
  } catch (err) {
    const failed = screenshot.replace(/\.png$/, "") + "-failed.png";
    if (page) {
      await page.screenshot({ path: failed }).catch(() => undefined);
    }
    throw new Error(`step "${step}": ${err.message} (screenshot: ${failed})`);
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`vscode-e2e: FAIL: ${err.message}`);
  process.exit(1);
});
