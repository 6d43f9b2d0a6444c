from flask import Flask
from prometheus_client import CollectorRegistry, Gauge, ProcessCollector, generate_latest, multiprocess

SESSIONS = Gauge("main_sessions_active", "Active sessions", multiprocess_mode="livesum")

app = Flask(__name__)


@app.route("/login", methods=["POST"])
def login():
    SESSIONS.inc()
    return "ok"


@app.route("/metrics")
def metrics():
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    ProcessCollector(registry=registry)
    return generate_latest(registry)
