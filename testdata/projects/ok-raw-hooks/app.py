"""Notes service: module-level app, prometheus_client by hand."""
import os
import time

from flask import Flask, Response, g, request
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
    multiprocess,
)

REQUESTS = Counter("flask_http_request_total", "Total number of HTTP requests", ["method", "status"])
LATENCY = Histogram(
    "flask_http_request_duration_seconds",
    "Flask HTTP request duration in seconds",
    ["method", "status", "endpoint"],
)
IN_PROGRESS = Gauge("notes_requests_in_progress", "Requests in progress", multiprocess_mode="livesum")
NOTES = Counter("notes_created_total", "Notes created")

app = Flask(__name__)


@app.before_request
def start_timer():
    g.start = time.perf_counter()
    IN_PROGRESS.inc()


@app.after_request
def record(response):
    REQUESTS.labels(request.method, str(response.status_code)).inc()
    LATENCY.labels(request.method, str(response.status_code), str(request.endpoint)).observe(
        time.perf_counter() - g.start
    )
    IN_PROGRESS.dec()
    return response


@app.route("/notes", methods=["POST"])
def create_note():
    NOTES.inc()
    return {"ok": True}


@app.route("/metrics")
def metrics():
    registry = CollectorRegistry()
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        multiprocess.MultiProcessCollector(registry)
        ProcessCollector(registry=registry)
        PlatformCollector(registry=registry)
        GCCollector(registry=registry)
    else:
        registry.register(REGISTRY)
    return Response(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
