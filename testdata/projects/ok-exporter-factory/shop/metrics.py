"""Metrics declared once, at import time (fork-safe under gunicorn)."""
from prometheus_client import Counter, Gauge

CHECKOUTS = Counter("shop_checkouts_total", "Completed checkouts")
CART_ITEMS = Gauge("shop_cart_items", "Items in open carts", multiprocess_mode="livesum")
