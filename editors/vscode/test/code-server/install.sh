#!/usr/bin/env bash
# Installs code-server (VS Code 1.100.3 in a browser) from npm into a cache
# folder, once: later runs find it complete and return at once. Prints the
# path of the code-server program on stdout; progress goes to stderr.
#
#   install.sh            (cache: $MULTIPROM_CACHE, default ~/.cache/multiprom)
#
# 4.100.3 is the newest code-server that runs on Node 20 (Debian's). A plain
# `npm install code-server` fails here in four places; each has a way round:
# - as root, npm refuses its post-install without npm_config_unsafe_perm=true;
# - the kerberos module builds against Debian's libkrb5-dev;
# - @vscode/ripgrep's post-install downloads rg from GitHub: install with
#   --ignore-scripts and link Debian's /usr/bin/rg where it would have gone;
# - node-pty's rebuild runs `npx node-gyp`, which asks before installing
#   unless npm_config_yes=true.
# With --ignore-scripts, code-server's own postinstall.sh does not run, so its
# steps are done here by hand (vscode_install: npm install in lib/vscode and
# lib/vscode/extensions, the node_modules.asar link, the remote-cli and
# browser helper links). node-gyp builds against Debian's Node headers
# (npm_config_nodedir=/usr): it cannot download them.
# Needs node 20, npm, make, g++, python3, libkrb5-dev and ripgrep
# (scripts/install-deps.sh).
set -euo pipefail
# fd 3 is stdout, for the path alone; npm's chatter goes to stderr.
exec 3>&1 1>&2

version=4.100.3
cache="${MULTIPROM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/multiprom}"
dir="$cache/code-server-$version"
bin="$dir/node_modules/code-server/out/node/entry.js"

if [ -e "$dir/.complete" ]; then
  echo "code-server $version: cached in $dir"
  echo "$bin" >&3
  exit 0
fi

node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" != 20 ]; then
  echo "install: code-server $version needs Node 20, this is $(node --version)" >&2
  exit 1
fi
for program in make g++ python3 /usr/bin/rg krb5-config; do
  command -v "$program" >/dev/null || {
    echo "install: $program is missing (scripts/install-deps.sh installs it)" >&2
    exit 1
  }
done

started=$SECONDS
mkdir -p "$cache"
# Built beside the cache and renamed into place when whole, so that an
# interrupted install is never taken for a finished one.
partial="$(mktemp -d "$cache/code-server-$version.partial.XXXXXX")"
trap 'rm -rf "$partial"' EXIT

export npm_config_unsafe_perm=true npm_config_yes=true npm_config_nodedir=/usr
# node-gyp runs make with as many jobs as there are CPUs (spdlog is the long one).
export JOBS=max
export npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
cd "$partial"
printf '{"private":true,"dependencies":{"code-server":"%s"}}\n' "$version" > package.json
echo "install: npm install code-server@$version (--ignore-scripts)"
npm install --ignore-scripts --loglevel=error

# code-server's postinstall.sh, vscode_install, step by step.
vscode="$partial/node_modules/code-server/lib/vscode"
cd "$vscode"
echo "install: lib/vscode dependencies"
npm install --omit=dev --ignore-scripts --loglevel=error
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg
echo "install: native modules of lib/vscode (node-gyp against /usr/include/node)"
npm rebuild --loglevel=error kerberos @parcel/watcher node-pty @vscode/spdlog native-watchdog
rm -rf node_modules.asar && ln -s node_modules node_modules.asar
ln -sfn code-linux.sh bin/remote-cli/code-server
ln -sfn browser-linux.sh bin/helpers/browser.sh
(cd extensions && npm install --omit=dev --ignore-scripts --loglevel=error)

# code-server's own native module (password hashing, loaded at start).
cd "$partial"
echo "install: argon2 from source"
npm_config_build_from_source=true npm rebuild --loglevel=error argon2

touch .complete
rm -rf "$dir"
mv "$partial" "$dir"
trap - EXIT
echo "code-server $version: installed in $dir in $((SECONDS - started))s"
echo "$bin" >&3
