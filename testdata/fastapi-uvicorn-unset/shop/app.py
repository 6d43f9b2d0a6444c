"""A FastAPI shop served by `uvicorn --workers 4` (see start.sh).

start.sh sets no PROMETHEUS_MULTIPROC_DIR, and the hand-written /metrics
route serves prometheus_client's default registry: each scrape shows the
answering worker's values. multiprom's fixes give the route a per-scrape
multiprocess registry and start.sh the variable and its clean-up.
"""
from fastapi import FastAPI, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from prometheus_client import Counter as PromCounter

api = FastAPI(title="shop")
order_views = PromCounter("shop_order_views", "Order pages served")


@api.get("/work")
async def view_order() -> dict:
    """One order page: counted by whichever worker serves it."""
    order_views.inc()
    return {"order": "ok"}


@api.get("/metrics")
async def metrics() -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
