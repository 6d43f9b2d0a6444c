import os

from flask import Flask, request
from prometheus_flask_exporter import PrometheusMetrics
from prometheus_flask_exporter.multiprocess import GunicornPrometheusMetrics

app = Flask(__name__)
if "PROMETHEUS_MULTIPROC_DIR" in os.environ:
    metrics = GunicornPrometheusMetrics(app, path="/metrics", group_by="endpoint")
else:
    metrics = PrometheusMetrics(app, group_by="endpoint")


@app.route("/search")
def search():
    return {"q": request.args.get("q", "")}
