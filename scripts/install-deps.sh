#!/usr/bin/env bash
# Installs the real programs the tests run: gunicorn, Flask, FastAPI, uvicorn,
# Django, django-prometheus, prometheus_client, redis (client and server),
# uWSGI with its Python 3 plugin, the Prometheus server, Neovim, Emacs with
# eglot, debootstrap, pyflakes, python3-venv and pip, pre-commit, Chromium and
# what code-server's install builds with. Debian packages only (PyPI is not
# needed); their versions are bookworm's. Idempotent: does nothing when all
# are there.
set -euo pipefail

need=()
have_py() { /usr/bin/python3 -c "import $1" >/dev/null 2>&1; }
[ -x /usr/bin/gunicorn ] || need+=(gunicorn)
have_py flask || need+=(python3-flask)
have_py prometheus_client || need+=(python3-prometheus-client)
have_py redis || need+=(python3-redis)
have_py pyflakes || need+=(python3-pyflakes)
# FastAPI under gunicorn's uvicorn worker (e2e/fastapi_test.go).
have_py fastapi || need+=(python3-fastapi)
have_py uvicorn || need+=(python3-uvicorn)
have_py starlette || need+=(python3-starlette)
# Django under gunicorn -w 4, with django-prometheus (e2e/django_test.go).
have_py django || need+=(python3-django)
have_py django_prometheus || need+=(python3-django-prometheus)
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
# e2e TestWheel: a fresh venv (python3-venv) that Debian's pip installs the
# wheel into; e2e TestPreCommitHook: Debian's pre-commit runs the hooks
# (it needs git).
/usr/bin/python3 -c "import ensurepip, venv" >/dev/null 2>&1 || need+=(python3-venv)
have_py pip || need+=(python3-pip)
[ -x /usr/bin/pre-commit ] || need+=(pre-commit)
[ -x /usr/bin/git ] || need+=(git)
# VS Code (code-server from npm, editors/vscode/test/code-server) driven in
# Chromium; its native modules build with make and g++ (python3 runs node-gyp)
# against libkrb5-dev, and Debian's ripgrep stands in for the one its
# post-install would download.
command -v chromium >/dev/null || need+=(chromium)
command -v krb5-config >/dev/null || need+=(libkrb5-dev)
command -v rg >/dev/null || need+=(ripgrep)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)

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
