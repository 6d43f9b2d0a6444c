from flask import Flask
from prometheus_client import REGISTRY, Counter, Gauge, make_wsgi_app, multiprocess
from werkzeug.middleware.dispatcher import DispatcherMiddleware

multiprocess.MultiProcessCollector(REGISTRY)

RENDERED = Counter("reports_rendered_total", "Reports rendered", ["format"])
RENDERING = Gauge("reports_rendering", "Reports being rendered", multiprocess_mode="livemax")

app = Flask(__name__)
app.wsgi_app = DispatcherMiddleware(app.wsgi_app, {"/metrics": make_wsgi_app()})


@app.route("/reports/<fmt>")
def render(fmt):
    with RENDERING.track_inprogress():
        RENDERED.labels(fmt).inc()
    return "ok"
