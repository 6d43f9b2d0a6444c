"""A FastAPI shop served by four uvicorn workers under gunicorn (see Procfile).

The bug multiprom finds: /metrics serves prometheus_client's default
registry, which holds the counts of the one worker that answers the scrape.
"""
from fastapi import FastAPI
from prometheus_client import Counter, make_asgi_app

app = FastAPI()

ORDERS_VIEWED = Counter("shop_order_views", "Order pages served")


@app.get("/work")
def work():
    ORDERS_VIEWED.inc()
    return {"ok": True}


app.mount("/metrics", make_asgi_app())
