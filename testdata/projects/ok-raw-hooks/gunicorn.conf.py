import os

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/prometheus-multiproc-notes")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

bind = "0.0.0.0:" + os.environ.get("PORT", "8000")
workers = 4
preload_app = True


def on_starting(server):
    import glob

    multiproc_dir = os.environ["PROMETHEUS_MULTIPROC_DIR"]
    own = "_%d.db" % os.getpid()
    for path in glob.glob(os.path.join(multiproc_dir, "*.db")):
        if not path.endswith(own):
            os.remove(path)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
