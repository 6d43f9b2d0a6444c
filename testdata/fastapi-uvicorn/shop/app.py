"""A FastAPI shop served by `uvicorn --workers 4` (see start.sh).

start.sh sets PROMETHEUS_MULTIPROC_DIR and empties it, so the counter's
values are in files; the bug multiprom finds is that the hand-written
/metrics route serves prometheus_client's default registry, which holds only
the answering worker's values.
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
