"""Delivery-boy route (routes_delivery_boy.py in the original app)."""
from .config import now


def mark_delivered(db, params, _raw_body):
    """POST /api/delivery-boy/orders/<order_id>/delivered: the library's markDelivered."""
    order = db.orders.find_one({"_id": params[0]}, {"_id": 1})
    if order is None:
        # Checked first so no delivery status ever names a missing order.
        return 404, {"error": f"No order with order_id {params[0]!r}."}
    delivered_at = now()
    db.delivery_statuses.insert_one(
        {"order_id": order["_id"], "status": "delivered", "delivered_at": delivered_at})
    db.orders.update_one(
        {"_id": order["_id"]},
        {"$set": {"status": "delivered", "delivery_confirmed": True,
                  "delivered_at": delivered_at}})
    return 200, {"order_id": order["_id"], "status": "delivered"}
