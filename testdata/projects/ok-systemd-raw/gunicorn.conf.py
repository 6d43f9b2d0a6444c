bind = "127.0.0.1:8100"
timeout = 20


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)
