import os

from flask import Flask
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics


def create_app():
    app = Flask(__name__)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        metrics = GunicornInternalPrometheusMetrics(app, group_by="endpoint")
    else:
        metrics = PrometheusMetrics(app, group_by="endpoint", registry=CollectorRegistry())
    metrics.info("app_info", "Application info", application="catalog")
    return app
