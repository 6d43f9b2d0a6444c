"""A Django shop served by four gunicorn workers (see Procfile).

The bug multiprom finds: /metrics serves prometheus_client's default
registry, which holds the counts of the one worker that answers the scrape.
"""
from django.http import HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, Counter, generate_latest

ORDERS_VIEWED = Counter("shop_order_views", "Order pages served")


def work(request):
    ORDERS_VIEWED.inc()
    return HttpResponse("ok")


def metrics(request):
    return HttpResponse(generate_latest(REGISTRY), content_type=CONTENT_TYPE_LATEST)
