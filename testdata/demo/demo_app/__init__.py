"""A small Flask shop front, instrumented with prometheus_client by hand."""
from flask import Flask

from demo_app.metrics import init_metrics
from demo_app.views import bp


def create_app():
    app = Flask(__name__)
    app.config["WORK_SECONDS"] = 0.005
    init_metrics(app)
    app.register_blueprint(bp)
    return app
