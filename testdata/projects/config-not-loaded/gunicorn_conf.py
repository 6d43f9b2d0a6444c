import os

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prom-tracker")

bind = "0.0.0.0:8000"
workers = 4


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
