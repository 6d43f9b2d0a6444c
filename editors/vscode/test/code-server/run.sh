#!/usr/bin/env bash
# VS Code end-to-end test: the platform .vsix installed into real VS Code
# (code-server 4.100.3, cached by install.sh), driven in Debian's Chromium by
# drive.js, on copies of testdata/demo:
#   1. no multiprom.path: the server bundled in the .vsix runs; MP301 shows on
#      metrics.py line 18 (and gunicorn.conf.py's MP201, a file not open), the
#      preferred quick fix is chosen with the keyboard and saved, the file on
#      disk is checked here, and MP301 clears;
#   2. multiprom.path names a missing binary: the extension's error names the
#      setting and offers "Open settings" and "Show server log".
# Screenshots go to ${MULTIPROM_ARTIFACTS:-<repo>/artifacts}/vscode.png (and
# vscode-broken.png; -failed.png on a failure).
#
#   VSIX=dist/multiprom-linux-x64-0.1.0.vsix editors/vscode/test/code-server/run.sh
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../../.." && pwd)"
: "${VSIX:?VSIX must name the platform .vsix (scripts/package.sh)}"
VSIX="$(cd "$(dirname "$VSIX")" && pwd)/$(basename "$VSIX")"
artifacts="${MULTIPROM_ARTIFACTS:-$repo/artifacts}"
mkdir -p "$artifacts"
artifacts="$(cd "$artifacts" && pwd)"
for program in node /usr/bin/chromium; do
  command -v "$program" >/dev/null || { echo "vscode-e2e: FAIL: $program is missing (scripts/install-deps.sh)" >&2; exit 1; }
done

# Before HOME moves: the cache lives in the real one.
code_server="$("$here/install.sh")"

work="$(mktemp -d)"
server_pid=""
# code-server is stopped as Ctrl+C or systemd stop it: a signal to its whole
# process group. SIGTERM to code-server alone leaves its extension host (and
# so multiprom) running, waiting hours for the browser to reconnect. The
# group must be empty soon after; anything left is reported.
stop_server() {
  [ -n "$server_pid" ] || return 0
  kill -TERM -- "-$server_pid" 2>/dev/null || true
  wait "$server_pid" 2>/dev/null || true
  for _ in $(seq 100); do
    pgrep -g "$server_pid" >/dev/null || break
    sleep 0.1
  done
  if pgrep -g "$server_pid" >/dev/null; then
    echo "vscode-e2e: FAIL: still running 10 s after SIGTERM to code-server's group:" >&2
    ps -o pid=,args= -g "$server_pid" >&2 || true
    kill -KILL -- "-$server_pid" 2>/dev/null || true
    server_pid=""
    return 1
  fi
  server_pid=""
}
trap 'stop_server || true; rm -rf "$work"' EXIT

# Everything code-server and the extension write stays in $work. Git is off:
# the demo copy is no repository, and its scan is only load.
export HOME="$work/home"
data="$work/data"
extensions="$work/extensions"
mkdir -p "$HOME" "$data/User"
cat > "$data/User/settings.json" <<'EOF'
{
  "security.workspace.trust.enabled": false,
  "workbench.startupEditor": "none",
  "workbench.tips.enabled": false,
  "workbench.enableExperiments": false,
  "telemetry.telemetryLevel": "off",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "update.mode": "none",
  "files.autoSave": "off",
  "git.enabled": false,
  "multiprom.trace.server": "messages"
}
EOF

demo="$work/demo"
cp -R "$repo/testdata/demo" "$demo"
file="$demo/demo_app/metrics.py"
orig="$repo/testdata/demo/demo_app/metrics.py"
if ! sed -n 18p "$orig" | grep -q '^IN_PROGRESS = Gauge(.*)$'; then
  echo "vscode-e2e: FAIL: demo metrics.py line 18 is not the bare Gauge this test fixes" >&2
  exit 1
fi
# The broken case: a workspace setting naming a binary that is not there.
broken="$work/broken"
cp -R "$repo/testdata/demo" "$broken"
mkdir -p "$broken/.vscode"
printf '{ "multiprom.path": "%s" }\n' "$work/missing/multiprom" > "$broken/.vscode/settings.json"

code_server_args=(--user-data-dir "$data" --extensions-dir "$extensions")
echo "vscode-e2e: installing $(basename "$VSIX")"
node "$code_server" "${code_server_args[@]}" --install-extension "$VSIX"
bundled="$(ls -d "$extensions"/multiprom.multiprom-*/bin/linux-x64/multiprom)"
[ -x "$bundled" ] || { echo "vscode-e2e: FAIL: the installed extension has no executable $bundled" >&2; exit 1; }

log="$work/code-server.log"
# Job control on: the background job gets a process group of its own (still
# in this session, where editors/test.sh's step looks for leftovers).
set -m
node "$code_server" "${code_server_args[@]}" --auth none --bind-addr 127.0.0.1:0 \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override > "$log" 2>&1 &
server_pid=$!
set +m
# Port 0: the kernel picks a free port, and code-server prints the address.
url=""
for _ in $(seq 600); do
  url="$(grep -o 'HTTP server listening on http://127\.0\.0\.1:[0-9]*/' "$log" | grep -o 'http://.*' || true)"
  [ -n "$url" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
if [ -z "$url" ]; then
  echo "vscode-e2e: FAIL: code-server did not say where it listens:" >&2
  cat "$log" >&2
  exit 1
fi
echo "vscode-e2e: code-server at $url"

status=0
node "$here/drive.js" "$url" "$demo" fix "$artifacts/vscode.png" || status=1
if [ "$status" -eq 0 ]; then
  # What matters is the file on disk: line 18's Gauge gains
  # multiprocess_mode="livesum", and nothing else changes.
  expected="$work/expected.py"
  sed '18s/)$/, multiprocess_mode="livesum")/' "$orig" > "$expected"
  if diff -u "$expected" "$file" >&2; then
    echo "vscode-e2e: on disk: $(sed -n 18p "$file")"
  else
    echo "vscode-e2e: FAIL: $file on disk (+) is not the expected fix (-) after Ctrl+S" >&2
    status=1
  fi
fi
node "$here/drive.js" "$url" "$broken" broken "$artifacts/vscode-broken.png" || status=1

stop_server || status=1

if [ "$status" -ne 0 ]; then
  echo "--- code-server log" >&2
  cat "$log" >&2
  echo "--- multiprom output channel" >&2
  find "$data/logs" -name '*multiprom.log' -exec cat {} + >&2 || true
  exit 1
fi
echo "vscode-e2e: ok"
