#!/bin/sh
# Four uvicorn worker processes (uvicorn's own process manager: no gunicorn,
# no hook in its parent process). Nothing here sets PROMETHEUS_MULTIPROC_DIR:
# every worker keeps its metrics in its own memory.
set -e
exec python3 -m uvicorn shop.app:api --workers 4 --host 127.0.0.1 --port "${PORT:-8000}"
