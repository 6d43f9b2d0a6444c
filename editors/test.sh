#!/usr/bin/env bash
# Editor integration tests: builds the server (or uses $MULTIPROM_BIN), then
# packages the VS Code extension, runs its node tests against the real server,
# runs it in VS Code itself (code-server in Chromium), and runs the Neovim and
# Emacs (eglot) end-to-end tests. Needs the npm registry
# and the Debian packages scripts/install-deps.sh installs.
# Last line: "editors: N passed, M failed"; exit status non-zero on any failure.
set -uo pipefail

editors="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$editors/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

passed=0
failed=0
failures=()

# alive_in_session SID: the processes of a session that are not zombies.
alive_in_session() {
  ps -e -o sid=,pid=,stat=,args= 2>/dev/null | awk -v sid="$1" '$1 == sid && $3 !~ /^Z/ { $1 = ""; print }'
}

# step NAME CMD...: runs CMD (a program, not a shell function) in its own
# session with a time limit, so that whatever it leaves running (a server that
# ignored shutdown) is found, reported as a failure, and killed.
step() {
  local name="$1"
  shift
  echo "=== $name"
  local status=0
  local started=$SECONDS
  # Non-interactive bash does not make the job a group leader, so setsid
  # execs in place and $! is the new session's id.
  setsid timeout -k 10 900 "$@" &
  local pid=$!
  wait "$pid" || status=$?
  # Zombies (an exited esbuild service not yet reaped by init) hold nothing;
  # anything else still alive after a short grace is a leak.
  if [ -n "$(alive_in_session "$pid")" ]; then
    sleep 1
  fi
  local left
  left=$(alive_in_session "$pid")
  if [ -n "$left" ]; then
    echo "--- $name left processes behind:"
    echo "$left"
    pkill -KILL -s "$pid" || true
    [ "$status" -eq 0 ] && status=99
  fi
  if [ "$status" -eq 0 ]; then
    passed=$((passed + 1))
    echo "--- ok: $name ($((SECONDS - started))s)"
  else
    failed=$((failed + 1))
    failures+=("$name")
    echo "--- FAIL ($status): $name ($((SECONDS - started))s)"
  fi
  return "$status"
}

if [ -n "${MULTIPROM_BIN:-}" ]; then
  MULTIPROM_BIN="$(cd "$(dirname "$MULTIPROM_BIN")" && pwd)/$(basename "$MULTIPROM_BIN")"
  export MULTIPROM_BIN
  server_ok=1
  [ -x "$MULTIPROM_BIN" ] || { echo "MULTIPROM_BIN=$MULTIPROM_BIN is not executable"; server_ok=0; failed=$((failed + 1)); failures+=("server binary"); }
else
  export MULTIPROM_BIN="$work/multiprom"
  server_ok=0
  step "go build ./cmd/multiprom" bash -c 'cd "$1" && go build -o "$2" ./cmd/multiprom' _ "$repo" "$MULTIPROM_BIN" && server_ok=1
fi

vscode="$editors/vscode"
npm_ok=0
step "vscode: npm ci" bash -c 'cd "$1" && npm ci --no-audit --no-fund' _ "$vscode" && npm_ok=1
if [ "$npm_ok" -eq 1 ]; then
  step "vscode: compile" bash -c 'cd "$1" && npm run --silent compile' _ "$vscode"
  step "vscode: vsce package" bash -c '
    set -euo pipefail
    cd "$1"
    version="$(node -p "require(\"./package.json\").version")"
    npx vsce package --out "multiprom-$version.vsix"
    # The .vsix must hold the bundle and docs, and no node_modules or sources.
    npx vsce ls > "$2/vsix-files.txt"
    cat "$2/vsix-files.txt"
    for f in package.json README.md LICENSE out/extension.js; do
      grep -qx "$f" "$2/vsix-files.txt" || { echo "missing from .vsix: $f"; exit 1; }
    done
    if grep -E "^(node_modules|src|test|bin)/|\.ts$|\.map$" "$2/vsix-files.txt"; then
      echo "unwanted files in .vsix (above)"; exit 1
    fi
    unzip -l "multiprom-$version.vsix" | tail -1
    echo "built $PWD/multiprom-$version.vsix"
  ' _ "$vscode" "$work"
  # The platform-specific package for this machine (linux-x64 in CI): the
  # server built for it inside, resolved by the extension ahead of PATH.
  target="$(node -p 'process.platform + "-" + process.arch')"
  vsix_ok=0
  step "vscode: $target .vsix carries the server and the extension runs it" bash -c '
    set -euo pipefail
    cd "$1"
    scripts/package.sh "$2" "$3/dist"
    VSIX="$(ls "$3"/dist/multiprom-"$2"-*.vsix)" node --test test/packaged.js
  ' _ "$vscode" "$target" "$work" && vsix_ok=1
  # VS Code itself (code-server, installed once into ~/.cache/multiprom) in
  # Chromium, with that .vsix and no multiprom.path: the bundled server runs.
  if [ "$vsix_ok" -eq 1 ]; then
    step "vscode: VS Code (code-server 4.100.3) end-to-end fix on the demo, bundled server" \
      env VSIX="$(ls "$work"/dist/multiprom-"$target"-*.vsix)" "$vscode/test/code-server/run.sh"
  else
    step "vscode: VS Code end-to-end (needs the $target .vsix)" false
  fi
  if [ "$server_ok" -eq 1 ]; then
    step "vscode: node --test (protocol, against the real server)" bash -c 'cd "$1" && npm test' _ "$vscode"
  else
    step "vscode: node --test (protocol tests need the server)" false
  fi
else
  echo "skipping vscode compile/package/test: npm ci failed"
fi

if ! command -v nvim >/dev/null; then
  step "nvim: installed" false
elif [ "$server_ok" -eq 1 ]; then
  step "nvim: lsp/multiprom.lua loads" nvim --headless -u NONE -i NONE -n \
    -c "lua local c = dofile('$editors/nvim/lsp/multiprom.lua'); assert(c.cmd[1] == 'multiprom' and c.filetypes[1] == 'python')" \
    -c 'qall!'
  step "nvim: end-to-end fix on the demo (lsp/multiprom.lua)" "$editors/nvim/test/run.sh"
  step "nvim: end-to-end fix on the demo (lspconfig.configs form)" env MP_CONFIG=lspconfig "$editors/nvim/test/run.sh"
  # Neovim 0.10 (trixie's) in a cached debootstrap chroot: needs root.
  if [ "$(id -u)" -eq 0 ] || [ -n "${CI:-}" ]; then
    step "nvim 0.10 (trixie chroot): end-to-end, both config forms" "$editors/nvim/test/chroot.sh"
  else
    echo "=== nvim 0.10: not run (the chroot needs root; CI runs it)"
  fi
else
  step "nvim: end-to-end (needs the server)" false
fi

# Debian's emacs-nox (28) and elpa-eglot, installed by scripts/install-deps.sh.
if ! command -v emacs >/dev/null; then
  step "emacs: installed" false
elif ! ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1; then
  step "emacs: elpa-eglot installed" false
elif [ "$server_ok" -eq 1 ]; then
  step "emacs: eglot end-to-end fix on the demo" "$editors/emacs/test/run.sh"
else
  step "emacs: end-to-end (needs the server)" false
fi

step "jetbrains: template JSON is valid" bash -c '
  cd "$1" && for f in jetbrains/multiprom/*.json; do
    node -e "JSON.parse(require(\"fs\").readFileSync(process.argv[1], \"utf8\"))" "$f" || { echo "invalid JSON: $f"; exit 1; }
  done
  node -e "
    const t = require(process.argv[1]);
    if (t.id !== \"multiprom\" || !t.programArgs.default.includes(\"serve\") || !t.programArgs.windows) process.exit(1);
    if (!t.fileTypeMappings.some(m => m.languageId === \"python\")) process.exit(1);
  " "$1/jetbrains/multiprom/template.json"
' _ "$editors"

if [ "${#failures[@]}" -gt 0 ]; then
  printf 'failed: %s\n' "${failures[@]}"
fi
echo "editors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
