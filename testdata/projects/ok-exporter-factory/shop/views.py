from flask import Blueprint, jsonify

from shop.metrics import CART_ITEMS, CHECKOUTS

bp = Blueprint("shop", __name__)


@bp.route("/cart/<int:cart_id>/add", methods=["POST"])
def add(cart_id):
    CART_ITEMS.inc()
    return jsonify(cart=cart_id)


@bp.route("/checkout", methods=["POST"])
def checkout():
    CHECKOUTS.inc()
    CART_ITEMS.dec()
    return jsonify(ok=True)
