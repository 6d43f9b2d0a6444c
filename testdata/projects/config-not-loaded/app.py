import os

from flask import Flask
from prometheus_client import REGISTRY, CollectorRegistry, Counter, make_wsgi_app, multiprocess
from werkzeug.middleware.dispatcher import DispatcherMiddleware

EVENTS = Counter("tracker_events_total", "Events tracked", ["kind"])

app = Flask(__name__)


def metrics_registry():
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/metrics": make_wsgi_app(registry=metrics_registry())})


@app.route("/track/<kind>", methods=["POST"])
def track(kind):
    EVENTS.labels(kind).inc()
    return "", 204
