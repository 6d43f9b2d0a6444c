"""The shop's HTTP endpoints."""
import os
import time

from flask import Blueprint, Response, current_app, jsonify, request
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

bp = Blueprint("shop", __name__)


@bp.route("/")
def index():
    return jsonify(service="demo-shop", pid=os.getpid())


@bp.route("/work")
def work():
    # Stand-in for a database call: a little CPU and a little waiting.
    total = sum(i * i for i in range(2000))
    time.sleep(current_app.config["WORK_SECONDS"])
    return jsonify(result=total, pid=os.getpid())


@bp.route("/slow")
def slow():
    # Holds a worker for a while; the pid goes to the log first so an
    # operator (or a test) can find the worker that is busy.
    seconds = float(request.args.get("seconds", "30"))
    current_app.logger.warning("slow request holding worker pid=%d", os.getpid())
    time.sleep(seconds)
    return jsonify(pid=os.getpid(), slept=seconds)


@bp.route("/metrics")
def metrics():
    return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)
