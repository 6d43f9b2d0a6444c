#!/usr/bin/env bash
# Runs every Go fuzz target in the module for DURATION each (default 10s),
# one at a time (fuzzing already uses every core), and fails on the first
# finding. The failing input is written under <pkg>/testdata/fuzz/<Target>/;
# commit it with the fix as a regression seed.
#
#   scripts/fuzz.sh            # 10s per target (what scripts/test.sh runs)
#   scripts/fuzz.sh 2m         # the long run recorded in docs/RELIABILITY.md
#
# Exec counts are printed per target (the last "execs:" line of each run).
set -euo pipefail
cd "$(dirname "$0")/.."

duration="${1:-10s}"
total=0
for pkg in $(go list ./...); do
  dir=$(go list -f '{{.Dir}}' "$pkg")
  targets=$(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u || true)
  for target in $targets; do
    echo "== fuzz $pkg $target ($duration)"
    log=$(mktemp)
    if ! go test "$pkg" -run='^$' -fuzz="^${target}\$" -fuzztime="$duration" -fuzzminimizetime=10s >"$log" 2>&1; then
      cat "$log"; rm -f "$log"
      echo "fuzz: $target found a failure (input saved under $dir/testdata/fuzz/$target/)"
      exit 1
    fi
    execs=$(grep -o 'execs: [0-9]*' "$log" | tail -1 | awk '{print $2}')
    echo "   ${execs:-0} execs"
    total=$((total + ${execs:-0}))
    rm -f "$log"
  done
done
echo "== fuzz: all targets passed ($total execs)"
