#!/usr/bin/env bash
# Installs the real programs the tests run: gunicorn, Flask, prometheus_client,
# redis (client and server), uWSGI with its Python 3 plugin, the Prometheus server, Neovim, Emacs with eglot,
# debootstrap, pyflakes. Debian packages only (PyPI is not needed); their versions are
# bookworm's. Idempotent: does nothing when all are there.
set -euo pipefail

need=()
have_py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
[ -x /usr/bin/gunicorn ] || need+=(gunicorn)
have_py flask || need+=(python3-flask)
have_py prometheus_client || need+=(python3-prometheus-client)
have_py redis || need+=(python3-redis)
have_py pyflakes || need+=(python3-pyflakes)
command -v redis-server >/dev/null || need+=(redis-server)
# uWSGI for e2e/uwsgi_test.go: uwsgi-core has the binary and the http plugin
# (the uwsgi package only adds an init script); the Python 3 plugin is apart.
command -v uwsgi >/dev/null || need+=(uwsgi-core)
[ -e /usr/lib/uwsgi/plugins/python3_plugin.so ] || need+=(uwsgi-plugin-python3)
command -v prometheus >/dev/null || need+=(prometheus)
command -v nvim >/dev/null || need+=(neovim)
# Emacs 28 and eglot 1.9 (bookworm) for editors/emacs/test.
command -v emacs >/dev/null || need+=(emacs-nox)
ls -d /usr/share/emacs/site-lisp/elpa/eglot-* >/dev/null 2>&1 || need+=(elpa-eglot)
# debootstrap makes the trixie chroot that editors/nvim/test/chroot.sh runs
# Neovim 0.10 in.
command -v debootstrap >/dev/null || need+=(debootstrap)

if [ ${#need[@]} -eq 0 ]; then
  echo "install-deps: all test programs present"
  exit 0
fi
echo "install-deps: installing ${need[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# policy-rc.d keeps Debian from starting redis/prometheus as services: the
# tests start their own instances on 127.0.0.1 with free ports.
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
  $SUDO chmod +x /usr/sbin/policy-rc.d
  trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
fi
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
echo "install-deps: done"
