import os
import time

from flask import Flask


def create_app():
    app = Flask(__name__)

    # "/" and "/order" hold their worker for 20 ms: with several clients at
    # once a sync worker cannot take them all, so requests spread over the
    # workers even on a busy machine (the tests need several workers).
    @app.route("/")
    def index():
        time.sleep(0.02)
        return "%d\n" % os.getpid()

    @app.route("/slow")
    def slow():
        # The test reads the pid of the worker holding this request, then kills it.
        with open("slow.pid.tmp", "w") as f:
            f.write(str(os.getpid()))
        os.rename("slow.pid.tmp", "slow.pid")
        time.sleep(float(os.environ.get("SLOW_SECONDS", "60")))
        return "slow\n"

    @app.route("/boom")
    def boom():
        raise RuntimeError("boom")

    @app.route("/order")
    def order():
        from demoapp import business_metrics

        business_metrics.inc("orders", kind="book")
        time.sleep(0.02)
        return "%d\n" % os.getpid()

    return app
