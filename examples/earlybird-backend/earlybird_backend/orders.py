"""Order routes (routes_orders.py in the original app): create and read orders."""
import datetime
import decimal
import json

from bson import ObjectId
from bson.decimal128 import Decimal128
from pymongo.errors import DuplicateKeyError

from .config import now

# Exact arithmetic for totals: the default context (28 digits) could round a
# large price * quantity silently; Decimal128 below rejects what it can't hold.
_EXACT = decimal.Context(prec=200)
_CENTS = decimal.Decimal("0.01")


class BadRequest(Exception):
    """The body is not a valid order; the message names the field."""


def _string(body, field, required=True):
    value = body.get(field)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        need = "is required and must be" if required else "must be absent or"
        raise BadRequest(f"{field} {need} a non-empty string.")
    return value


def _decimal128(value, field):
    try:
        return Decimal128(value)
    except decimal.DecimalException:  # more than 34 significant digits
        raise BadRequest(f"{field} has too many digits.") from None


def _item(raw, index):
    field = f"items[{index}]"
    if not isinstance(raw, dict):
        raise BadRequest(f"{field} must be an object with product, quantity and price.")
    product = raw.get("product")
    if not isinstance(product, str) or not product:
        raise BadRequest(f"{field}.product is required and must be a non-empty string.")
    quantity = raw.get("quantity")
    # bool is an int subclass in Python; true is not a quantity.
    if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 1:
        raise BadRequest(f"{field}.quantity is required and must be a positive integer.")
    price = raw.get("price")
    if not isinstance(price, (str, int, float)) or isinstance(price, bool):
        raise BadRequest(f"{field}.price is required and must be a string or a number.")
    try:
        amount = decimal.Decimal(str(price))
    except decimal.InvalidOperation:
        raise BadRequest(f"{field}.price is not a decimal number.") from None
    if not amount.is_finite() or amount < 0:
        raise BadRequest(f"{field}.price must be a finite, non-negative amount.")
    return product, quantity, amount


def parse_order(raw_body):
    """Validate a request body; return the fields of the new order."""
    try:
        body = json.loads(raw_body)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise BadRequest("The request body must be a JSON object.") from None
    if not isinstance(body, dict):
        raise BadRequest("The request body must be a JSON object.")
    order_id = _string(body, "order_id", required=False)
    customer_id = _string(body, "customer_id")
    items = body.get("items")
    if not isinstance(items, list) or not items:
        raise BadRequest("items is required and must be a non-empty list.")
    parsed = [_item(raw, i) for i, raw in enumerate(items)]
    delivery_address = _string(body, "delivery_address")

    try:
        with decimal.localcontext(_EXACT):
            total = sum((price * quantity for _, quantity, price in parsed), decimal.Decimal(0))
            # Money rounds half up, as on a receipt.
            total = total.quantize(_CENTS, rounding=decimal.ROUND_HALF_UP)
    except decimal.DecimalException:  # a total too large to quantize to cents
        raise BadRequest("total is too large: check the items' price and quantity.") from None
    return {
        "_id": order_id if order_id is not None else str(ObjectId()),
        "customer_id": customer_id,
        "items": [{"product": product, "quantity": quantity,
                   "price": _decimal128(price, f"items[{i}].price")}
                  for i, (product, quantity, price) in enumerate(parsed)],
        "total": _decimal128(total, "total"),
        "delivery_address": delivery_address,
    }


def create_order(db, _params, raw_body):
    """POST /api/orders: the library's createOrder, fields and defaults included."""
    try:
        order = parse_order(raw_body)
    except BadRequest as error:
        return 400, {"error": str(error)}
    order.update({
        "status": "pending",
        "created_at": now(),
        # The five Phase 0.7 fields, at their defaults.
        "billed": False,
        "delivery_confirmed": False,
        "billed_at": None,
        "billed_month": None,
        "delivered_at": None,
    })
    try:
        db.orders.insert_one(order)
    except DuplicateKeyError:
        return 409, {"error": f"An order with order_id {order['_id']!r} already exists."}
    return 201, {"order_id": order["_id"], "status": "pending",
                 "total": str(order["total"].to_decimal())}


def plain(value):
    """BSON values as plain JSON: Decimal128 and ObjectId as strings, dates as ISO."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, Decimal128):
        return str(value.to_decimal())
    if isinstance(value, ObjectId):
        return str(value)
    if isinstance(value, datetime.datetime):
        # tz_aware=False: stored dates come back as naive UTC.
        return value.isoformat(timespec="milliseconds") + "Z"
    return value


def get_order(db, params, _raw_body):
    """GET /api/orders/<order_id>."""
    order = db.orders.find_one({"_id": params[0]})
    if order is None:
        return 404, {"error": f"No order with order_id {params[0]!r}."}
    return 200, plain(order)
