"""A small Flask app with a request counter, served by uWSGI with four processes."""
from flask import Flask, Response
from prometheus_client import CONTENT_TYPE_LATEST, Counter, generate_latest

app = Flask(__name__)

WORK_DONE = Counter("shop_work_total", "Units of work done")


@app.route("/work")
def work():
    WORK_DONE.inc()
    return "done\n"


@app.route("/metrics")
def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
