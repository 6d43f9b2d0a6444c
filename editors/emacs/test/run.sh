#!/usr/bin/env bash
# Emacs + eglot end-to-end test: real Emacs in --batch + real multiprom server
# on a copy of testdata/demo. Needs MULTIPROM_BIN (a built server), emacs on
# PATH and Debian's elpa-eglot.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${MULTIPROM_BIN:?MULTIPROM_BIN must name a built multiprom binary}"
MULTIPROM_BIN="$(cd "$(dirname "$MULTIPROM_BIN")" && pwd)/$(basename "$MULTIPROM_BIN")"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/demo" "$work/home"
cp -R "$repo/testdata/demo/." "$work/demo/"
orig="$repo/testdata/demo/demo_app/metrics.py"
file="$work/demo/demo_app/metrics.py"

# The expected file: line 18's Gauge gains multiprocess_mode="livesum", and
# nothing else changes.
line=18
if ! sed -n "${line}p" "$orig" | grep -q '^IN_PROGRESS = Gauge(.*)$' || grep -q multiprocess_mode "$orig"; then
  echo "emacs-e2e: FAIL: demo metrics.py line $line is not the bare Gauge this test fixes" >&2
  exit 1
fi
sed "${line}s/)\$/, multiprocess_mode=\"livesum\")/" "$orig" > "$work/expected.py"

# -Q: no init file, no site files; HOME in the temporary folder keeps
# ~/.emacs.d untouched. Standard input answers eglot-code-actions' prompt
# with RET (its default, the preferred fix).
status=0
printf '\n' | HOME="$work/home" MULTIPROM_BIN="$MULTIPROM_BIN" MP_FILE="$file" \
  timeout -k 5 120 emacs --batch -Q -l "$here/e2e.el" || status=$?
if [ "$status" -ne 0 ]; then
  echo "emacs-e2e: FAIL: emacs exited $status" >&2
  exit 1
fi

if ! diff -u "$work/expected.py" "$file"; then
  echo "emacs-e2e: FAIL: $file on disk (+) is not the expected fix (-)" >&2
  exit 1
fi
echo "emacs-e2e: on disk:"
diff -u "$orig" "$file" | sed 's/^/  /' || true
echo "emacs-e2e: ok"
