import os
import tempfile

os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", "/tmp/orders-metrics")
os.makedirs(os.environ["PROMETHEUS_MULTIPROC_DIR"], exist_ok=True)

from flask import Flask  # noqa: E402

from orders.metrics import metrics_view  # noqa: E402


def create_app():
    app = Flask(__name__)
    app.add_url_rule("/metrics", "metrics", metrics_view)
    return app
