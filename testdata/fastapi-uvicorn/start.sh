#!/bin/sh
# Four uvicorn worker processes (uvicorn's own process manager: no gunicorn,
# no child_exit hook), sharing a multiprocess directory emptied at each start.
set -e
export PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-/tmp/prometheus-multiproc-shop}"
rm -rf "$PROMETHEUS_MULTIPROC_DIR"
mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
exec python3 -m uvicorn shop.app:api --workers 4 --host 127.0.0.1 --port "${PORT:-8000}"
