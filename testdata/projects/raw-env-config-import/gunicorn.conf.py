from prometheus_client import multiprocess

bind = "0.0.0.0:8000"
workers = 4
preload_app = True
reload = True
max_requests = 500
max_requests_jitter = 50
raw_env = ["PROMETHEUS_MULTIPROC_DIR=/tmp/main-metrics"]


def on_starting(server):
    import glob
    import os

    for path in glob.glob("/tmp/main-metrics/*.db"):
        os.remove(path)


def worker_exit(server, worker):
    multiprocess.mark_process_dead(worker.pid)
