from flask import Flask, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from inventory.stock import stock


def create_app():
    app = Flask(__name__)
    app.register_blueprint(stock)

    @app.route("/metrics")
    def metrics():
        return Response(generate_latest(), mimetype=CONTENT_TYPE_LATEST)

    return app
