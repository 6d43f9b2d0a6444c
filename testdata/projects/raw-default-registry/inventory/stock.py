from flask import Blueprint, jsonify
from prometheus_client import Counter, Gauge

LOOKUPS = Counter("inventory_lookups_total", "Stock lookups")
RESERVED = Gauge("inventory_reserved_items", "Items reserved right now")

stock = Blueprint("stock", __name__)


@stock.route("/items/<sku>/reserve", methods=["POST"])
def reserve(sku):
    LOOKUPS.inc()
    RESERVED.inc()
    return jsonify(sku=sku)
