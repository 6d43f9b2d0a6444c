#!/usr/bin/env bash
# The whole test suite, exactly as CI runs it (.ci/run calls this script).
# Installs what the tests need, then runs: go vet, the Go tests (engine,
# rules, fixes, LSP over stdio, snippets against real gunicorn/redis/
# Prometheus, end-to-end demo), short fuzz runs, and the editor tests
# (VS Code extension build + protocol test + VS Code itself via code-server,
# headless Neovim, Emacs).
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh

# Under CI a missing program is a failure, never a skip.
export CI="${CI:-true}"

echo "== gofmt / go vet"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go' -not -path './editors/*'))
if [ -n "$unformatted" ]; then
  echo "gofmt would change:"; echo "$unformatted"; exit 1
fi
go vet ./...

echo "== build"
mkdir -p bin
go build -o bin/multiprom ./cmd/multiprom
export MULTIPROM_BIN="$PWD/bin/multiprom"

echo "== go test"
go test -count=1 -timeout 30m ./...

if [ -x scripts/fuzz.sh ]; then
  echo "== fuzz (short)"
  bash scripts/fuzz.sh 10s
fi

if [ -f editors/test.sh ]; then
  echo "== editors"
  bash editors/test.sh
fi
echo "== all tests passed"
