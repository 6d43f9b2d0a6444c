from flask import Flask
from prometheus_flask_exporter import PrometheusMetrics

app = Flask(__name__)
metrics = PrometheusMetrics(app, group_by="endpoint")
QUEUE = metrics.gauge("jobs_waiting", "Jobs waiting")


@app.route("/")
def index():
    return "hello"
