"""A small Flask app with a request counter, served by uWSGI with four processes."""
import os
import time

from flask import Flask, Response, request
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, generate_latest

app = Flask(__name__)

WORK_DONE = Counter("shop_work_total", "Units of work done")
IN_PROGRESS = Gauge("shop_work_in_progress", "Units of work being done", multiprocess_mode="livesum")


@app.route("/work")
def work():
    WORK_DONE.inc()
    return "done\n"


@app.route("/slow")
def slow():
    with IN_PROGRESS.track_inprogress():
        print("slow request holding worker pid=%d" % os.getpid(), flush=True)
        time.sleep(float(request.args.get("seconds", "1")))
    return "slow\n"


@app.route("/metrics")
def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
