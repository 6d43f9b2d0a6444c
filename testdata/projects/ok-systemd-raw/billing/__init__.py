from flask import Flask

from billing.api import api
from billing.metrics import metrics_view


def create_app():
    app = Flask(__name__)
    app.register_blueprint(api)
    app.add_url_rule("/metrics", "metrics", metrics_view)
    return app
