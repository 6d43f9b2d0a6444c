import os


def on_starting(server):
    import shutil

    shutil.rmtree(os.environ["PROMETHEUS_MULTIPROC_DIR"], ignore_errors=True)
    os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"])


def when_ready(server):
    from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

    GunicornInternalPrometheusMetrics.start_http_server_when_ready(9200)


def post_fork(server, worker):
    from prometheus_client import start_http_server

    start_http_server(9300 + worker.age)


def child_exit(worker):
    from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

    GunicornPrometheusMetrics.mark_process_dead_on_child_exit(worker.pid)


def worker_abort(worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(os.getpid())
