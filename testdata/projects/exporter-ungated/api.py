from flask import Flask, jsonify
from prometheus_flask_exporter.multiprocess import GunicornInternalPrometheusMetrics

app = Flask(__name__)
metrics = GunicornInternalPrometheusMetrics(app)


@app.route("/users/<int:user_id>")
def user(user_id):
    return jsonify(id=user_id)
