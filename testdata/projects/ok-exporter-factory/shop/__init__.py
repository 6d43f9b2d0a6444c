"""Shop front: an app factory with prometheus_flask_exporter."""
import os

from flask import Flask
from prometheus_client import CollectorRegistry
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

from shop.views import bp


def create_app():
    app = Flask(__name__)
    if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
        metrics = GunicornInternalPrometheusMetrics(app, defaults_prefix="flask", group_by="endpoint")
    else:
        metrics = PrometheusMetrics(
            app, defaults_prefix="flask", group_by="endpoint", registry=CollectorRegistry()
        )
    metrics.info("app_info", "Application info", application="shop")
    app.register_blueprint(bp)
    return app
