package codeactions

// Two realistic projects, one per flavour, that the set-up tests share.

// rawShop declares its own request metrics (namespace/subsystem/unit
// joined by prometheus_client), has a Redis business-metrics module, a
// test module declaring a metric of its own, and no deploy files.
const rawShop = `
-- requirements.txt --
flask==2.2.2
gunicorn==20.1.0
requests>=2.31
-- gunicorn.conf.py --
import os

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/run/shop/prom")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

bind = "0.0.0.0:8080"
workers = 4
-- shop/__init__.py --
from flask import Flask

from shop import metrics


def create_app():
    app = Flask(__name__)
    metrics.init(app)
    return app
-- shop/metrics.py --
from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Counter("requests", "HTTP requests", ["method", "endpoint", "status"], namespace="shop", subsystem="http")
LATENCY = Histogram(
    "request_duration",
    "Request latency",
    ["method", "endpoint", "status"],
    namespace="shop",
    unit="seconds",
)
IN_FLIGHT = Gauge("shop_requests_in_flight", "Requests being served", multiprocess_mode="livesum")
CART = Gauge("cart_items", "Items in open carts", multiprocess_mode="livemax")
JOBS = Counter("jobs_done_total", "Background jobs done")
INFO = Gauge("shop_build_info", "Build", ["version"], multiprocess_mode="max")


def init(app):
    pass
-- shop/business_metrics.py --
import redis

METRICS = {
    "orders": ("counter", "Orders placed", ("kind",)),
    'queue_depth': ('gauge', 'Jobs waiting', ()),
}
-- tests/test_shop.py --
from prometheus_client import Counter

ONLY_IN_TESTS = Counter("test_only", "not exposed by the app")
`

// exporterCatalog uses prometheus_flask_exporter with another
// defaults_prefix, the gated snippet, a decorator metric, pyproject
// dependencies, and a Dockerfile plus compose file.
const exporterCatalog = `
-- pyproject.toml --
[project]
name = "catalog"
version = "1.0.0"
dependencies = [
    "flask>=2.2",  # web
    "gunicorn==20.1.0",
    "prometheus-flask-exporter==0.23.0",
]

[tool.ruff]
line-length = 100
-- catalog/__init__.py --
import os

from flask import Flask
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics


def create_app():
    app = Flask(__name__)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        metrics = GunicornInternalPrometheusMetrics(app, defaults_prefix="catalog", group_by="endpoint")
    else:
        metrics = PrometheusMetrics(app, defaults_prefix="catalog", group_by="endpoint", registry=CollectorRegistry())
    metrics.info("app_info", "Application info", application="catalog")
    hits = metrics.counter("cache_hits", "Cache hits")

    @app.route("/")
    @hits
    def index():
        return "ok"

    return app
-- gunicorn.conf.py --
workers = 4
bind = "0.0.0.0:5000"
-- Dockerfile --
FROM python:3.11 AS build
RUN pip wheel -w /wheels flask
CMD ["echo", "build stage"]

FROM python:3.11-slim
COPY --from=build /wheels /wheels
WORKDIR /app
COPY . .
EXPOSE 5000
CMD ["gunicorn", "-c", "gunicorn.conf.py", "catalog:create_app()"]
-- docker-compose.yml --
services:
  web:
    build: .
    ports:
      - "5000:5000"
    environment:
      REDIS_URL: redis://redis:6379/0
      LOG_LEVEL: info
  redis:
    image: redis:7
`
