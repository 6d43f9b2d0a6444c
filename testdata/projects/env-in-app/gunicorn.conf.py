bind = "0.0.0.0:8000"
workers = 3


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
