from flask import Flask
from prometheus_flask_exporter import PrometheusMetrics

metrics = PrometheusMetrics.for_app_factory()


def create_app():
    app = Flask(__name__)
    metrics.init_app(app)

    from blog.posts import posts

    app.register_blueprint(posts)
    return app
