#!/usr/bin/env bash
# Builds the platform-specific .vsix for one VS Code target: the server built
# by `go build` for that platform in bin/<target>/, packaged with
# `vsce package --target <target>`. The extension runs that binary when
# multiprom.path is empty (src/binary.ts).
#
#   scripts/package.sh TARGET [OUTDIR]    (OUTDIR defaults to <repo>/dist)
#
# TARGET is one of linux-x64 linux-arm64 darwin-x64 darwin-arm64 win32-x64.
# The server uses cgo (tree-sitter), so a target other than this machine's
# needs a C cross compiler in CC (e.g. CC=aarch64-linux-gnu-gcc for
# linux-arm64, CC=x86_64-w64-mingw32-gcc for win32-x64); darwin targets are
# built on macOS runners by the release workflow. Needs `npm ci` done.
# GOFLAGS passes through (a release adds -trimpath; here it would miss the
# build cache that `make build` filled, minutes of cgo on a cold cache).
set -euo pipefail

target="${1:?usage: scripts/package.sh TARGET [OUTDIR]}"
vscode="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$(cd "$vscode/../.." && pwd)"
out="${2:-$repo/dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

exe=multiprom
case "$target" in
  linux-x64) goos=linux goarch=amd64 ;;
  linux-arm64) goos=linux goarch=arm64 ;;
  darwin-x64) goos=darwin goarch=amd64 ;;
  darwin-arm64) goos=darwin goarch=arm64 ;;
  win32-x64) goos=windows goarch=amd64 exe=multiprom.exe ;;
  *) echo "package: unknown target $target" >&2; exit 2 ;;
esac

host="$(go env GOOS)/$(go env GOARCH)"
if [ "$host" != "$goos/$goarch" ] && [ -z "${CC:-}" ]; then
  echo "package: $target ($goos/$goarch) is a cgo cross build from $host: set CC to a C cross compiler" >&2
  exit 2
fi

cd "$vscode"
version="$(node -p 'require("./package.json").version')"
# bin/ holds exactly this target's binary while packaging, and nothing after
# (.vscodeignore ships bin/**, so a leftover would end up in the next package).
rm -rf bin
trap 'rm -rf "$vscode/bin"' EXIT
mkdir -p "bin/$target"
echo "package: go build $goos/$goarch -> bin/$target/$exe"
(cd "$repo" && CGO_ENABLED=1 GOOS="$goos" GOARCH="$goarch" \
  go build -ldflags "-s -w" -o "$vscode/bin/$target/$exe" ./cmd/multiprom)
chmod 755 "bin/$target/$exe"

vsix="$out/multiprom-$target-$version.vsix"
npx vsce package --target "$target" --out "$vsix"
echo "package: built $vsix"
