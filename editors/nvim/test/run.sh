#!/usr/bin/env bash
# Neovim end-to-end test: real headless nvim + real multiprom server on a copy
# of testdata/demo. Needs MULTIPROM_BIN (a built server) and nvim on PATH.
# MP_CONFIG=lspconfig sets the client up from lua/lspconfig/configs/multiprom.lua
# (nvim-lspconfig's framework form) instead of lsp/multiprom.lua.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${MULTIPROM_BIN:?MULTIPROM_BIN must name a built multiprom binary}"
MULTIPROM_BIN="$(cd "$(dirname "$MULTIPROM_BIN")" && pwd)/$(basename "$MULTIPROM_BIN")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cp -R "$repo/testdata/demo/." "$work/"
file="$work/demo_app/metrics.py"

if grep -q multiprocess_mode "$file"; then
  echo "nvim-e2e: FAIL: demo metrics.py already has multiprocess_mode; the test proves nothing" >&2
  exit 1
fi

# -u NONE: no user config; -i NONE: no shada; -n: no swap files.
status=0
MULTIPROM_BIN="$MULTIPROM_BIN" MP_FILE="$file" MP_ROOT="$work" MP_CONFIG="${MP_CONFIG:-}" \
  timeout -k 5 120 nvim --headless -u NONE -i NONE -n -c "luafile $here/e2e.lua" </dev/null || status=$?
echo
if [ "$status" -ne 0 ]; then
  echo "nvim-e2e: FAIL: nvim exited $status" >&2
  exit 1
fi

# What matters is the file on disk: line 18's Gauge gains
# multiprocess_mode="livesum", and nothing else changes.
orig="$repo/testdata/demo/demo_app/metrics.py"
if ! sed -n 18p "$orig" | grep -q '^IN_PROGRESS = Gauge(.*)$'; then
  echo "nvim-e2e: FAIL: demo metrics.py line 18 is not the bare Gauge this test fixes" >&2
  exit 1
fi
expected="$(mktemp)"
sed '18s/)$/, multiprocess_mode="livesum")/' "$orig" > "$expected"
if ! diff -u "$expected" "$file" >&2; then
  rm -f "$expected"
  echo "nvim-e2e: FAIL: $file on disk (+) is not the expected fix (-) after :write" >&2
  exit 1
fi
rm -f "$expected"
echo "nvim-e2e: on disk:"
diff -u "$repo/testdata/demo/demo_app/metrics.py" "$file" | sed 's/^/  /' || true
echo "nvim-e2e: ok"
