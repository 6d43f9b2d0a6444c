#!/usr/bin/env bash
# Neovim 0.10 end-to-end test: Debian trixie's Neovim needs a newer libc than
# bookworm's, so it runs in a `debootstrap --variant=minbase trixie` chroot
# (from this machine's own Debian mirror) with neovim inside. run.sh runs there
# twice: with lsp/multiprom.lua and with lua/lspconfig/configs/multiprom.lua.
#
# The chroot is cached in $MULTIPROM_CACHE/nvim-trixie (default
# ~/.cache/multiprom); building it takes about a minute. Needs root and
# debootstrap (scripts/install-deps.sh installs it) and MULTIPROM_BIN.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
: "${MULTIPROM_BIN:?MULTIPROM_BIN must name a built multiprom binary}"
[ "$(id -u)" -eq 0 ] || { echo "nvim-0.10: FAIL: chroot needs root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "nvim-0.10: FAIL: debootstrap not installed" >&2; exit 1; }

cache="${MULTIPROM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/multiprom}"
root="$cache/nvim-trixie"

# The Debian mirror this machine's apt uses (deb822 or one-line sources).
mirror="$(grep -hsoE '^URIs: *[^ ]+/debian/?$' /etc/apt/sources.list.d/*.sources | head -1 | sed 's/^URIs: *//')"
[ -n "$mirror" ] || mirror="$(grep -hsoE '^deb +[^ ]+/debian/? ' /etc/apt/sources.list | head -1 | awk '{print $2}')"
mirror="${mirror:-http://deb.debian.org/debian}"

if [ ! -x "$root/usr/bin/nvim" ]; then
  mkdir -p "$cache"
  partial="$(mktemp -d "$cache/nvim-trixie.partial.XXXXXX")"
  echo "nvim-0.10: debootstrap trixie from $mirror into $root"
  start=$SECONDS
  if ! timeout 600 debootstrap --variant=minbase --include=neovim trixie "$partial" "$mirror" > "$cache/debootstrap.log" 2>&1; then
    tail -20 "$cache/debootstrap.log" >&2
    rm -rf "$partial"
    echo "nvim-0.10: FAIL: debootstrap failed (log above)" >&2
    exit 1
  fi
  rm -rf "$root"
  mv "$partial" "$root"
  echo "nvim-0.10: chroot built in $((SECONDS - start))s"
fi

version="$(chroot "$root" /usr/bin/nvim --version | head -1)"
echo "nvim-0.10: $version (chroot $root)"
case "$version" in
  "NVIM v0.10."*) ;;
  *) echo "nvim-0.10: FAIL: expected Neovim 0.10 in the trixie chroot" >&2; exit 1 ;;
esac

# The test's files, fresh each run, in the chroot's /mp.
rm -rf "$root/mp"
mkdir -p "$root/mp/editors" "$root/mp/testdata"
trap 'rm -rf "$root/mp"' EXIT
cp -R "$repo/editors/nvim" "$root/mp/editors/"
cp -R "$repo/testdata/demo" "$root/mp/testdata/"
cp "$MULTIPROM_BIN" "$root/mp/multiprom"

for config in "" lspconfig; do
  echo "nvim-0.10: run.sh${config:+ with MP_CONFIG=$config}"
  chroot "$root" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp TMPDIR=/tmp \
    MULTIPROM_BIN=/mp/multiprom MP_CONFIG="$config" bash /mp/editors/nvim/test/run.sh
done
echo "nvim-0.10: ok"
