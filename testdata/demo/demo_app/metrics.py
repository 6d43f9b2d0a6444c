"""Request metrics, declared once at import time and updated by request hooks."""
import time

from flask import g, request
from prometheus_client import Counter, Gauge, Histogram

# Same names as prometheus_flask_exporter, so its dashboards work unchanged.
REQUESTS = Counter(
    "flask_http_request_total",
    "Total number of HTTP requests",
    ["method", "status"],
)
LATENCY = Histogram(
    "flask_http_request_duration_seconds",
    "HTTP request duration in seconds",
    ["method", "status", "endpoint"],
)
IN_PROGRESS = Gauge("demo_requests_in_progress", "Requests being handled right now")


def init_metrics(app):
    @app.before_request
    def _start():
        g.metrics_start = time.perf_counter()
        IN_PROGRESS.inc()

    @app.after_request
    def _count(response):
        # The metrics endpoint is not a user request: counting it would make
        # every scrape change what it reports.
        if request.endpoint != "shop.metrics":
            elapsed = time.perf_counter() - g.metrics_start
            REQUESTS.labels(request.method, str(response.status_code)).inc()
            LATENCY.labels(
                request.method, str(response.status_code), request.endpoint or "none"
            ).observe(elapsed)
        return response

    @app.teardown_request
    def _done(exc):
        IN_PROGRESS.dec()
