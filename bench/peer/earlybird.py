"""EarlyBird's data operations and billing invariants: scenarios/earlybird/lib/earlybird.json
(procedures createOrder, markDelivered, runBilling and its nine checks) in Python, step for step.

Each procedure takes the test's database (a pymongo Database) and asserts what the library's
steps `expect`.
"""
import datetime

from bson import ObjectId

MONTH = "2026-01"  # the `vars` of every pack file that bills

# The billing query the tests ask (runBilling writes its own filter, as the library does):
# delivered, confirmed, not yet billed.
BILLING_QUERY = {"status": "delivered", "delivery_confirmed": True, "billed": {"$ne": True}}


def now():
    """`{"$$now": {}}`: the time when the step runs."""
    return datetime.datetime.now(datetime.timezone.utc)


# --- procedures -------------------------------------------------------------------------


def create_order(db, order_id, customer_id, total):
    """routes_orders.py: create an order with the Phase 0.7 fields at their defaults."""
    result = db.orders.insert_one({
        "_id": order_id,
        "customer_id": customer_id,
        "items": [{"product": "Milk 1L", "quantity": 1, "price": total}],
        "total": total,
        "delivery_address": "12 Lake Road",
        "status": "pending",
        "created_at": now(),
        "billed": False,
        "delivery_confirmed": False,
        "billed_at": None,
        "billed_month": None,
        "delivered_at": None,
    })
    assert result.inserted_id == order_id, f"createOrder: insertedId {result.inserted_id!r}, expected {order_id!r}"


def mark_delivered(db, order_id):
    """routes_delivery_boy.py: record the delivery, linked by order_id; the order moves to
    delivered and confirmed."""
    db.delivery_statuses.insert_one({"order_id": order_id, "status": "delivered", "delivered_at": now()})
    result = db.orders.update_one(
        {"_id": order_id},
        {"$set": {"status": "delivered", "delivery_confirmed": True, "delivered_at": now()}})
    assert result.matched_count == 1, f"markDelivered {order_id}: matchedCount {result.matched_count}, expected 1"


def run_billing(db, month):
    """Record the run, claim every billable order atomically (the server re-checks the filter
    on every document it updates, so each order is claimed by one run only), then charge only
    what this run claimed."""
    run_id = db.billing_runs.insert_one({"_id": ObjectId(), "month": month, "started_at": now()}).inserted_id
    db.orders.update_many(
        {"status": "delivered", "delivery_confirmed": True, "billed": {"$ne": True}},
        {"$set": {"billed": True, "billed_at": now(), "billed_month": month, "billing_run": run_id}})
    claimed = list(db.orders.find({"billing_run": run_id}, sort=[("_id", 1)]))
    for order in claimed:
        db.billing_ledger.insert_one({
            "order_id": order["_id"], "customer_id": order["customer_id"], "amount": order["total"],
            "month": month, "run_id": run_id, "billed_at": now(),
        })
        result = db.customers_v2.update_one(
            {"_id": order["customer_id"]},
            {"$inc": {"total_billed": order["total"]},
             "$set": {"billing_status": "billed", "billed_month": month}})
        assert result.matched_count == 1, (
            f"runBilling: charging {order['customer_id']}: matchedCount {result.matched_count}, expected 1")


# --- checks: each reads, and expects to find nothing ---------------------------------------


def _expect_none(check, found):
    found = list(found)
    assert found == [], f"check earlybird.{check}: expected no documents, got {found!r}"


def no_double_billing(db):
    """No order has more than one ledger entry."""
    _expect_none("noDoubleBilling", db.billing_ledger.aggregate([
        {"$group": {"_id": "$order_id", "entries": {"$sum": 1}}},
        {"$match": {"entries": {"$gt": 1}}},
        {"$sort": {"_id": 1}},
    ]))


def delivery_statuses_reference_orders(db):
    """Every delivery status names an order that exists."""
    _expect_none("deliveryStatusesReferenceOrders", db.delivery_statuses.aggregate([
        {"$lookup": {"from": "orders", "localField": "order_id", "foreignField": "_id", "as": "order"}},
        {"$match": {"order": {"$size": 0}}},
        {"$project": {"order_id": 1}},
    ]))


def ledger_matches_customers(db):
    """Each customer's total_billed equals the sum of their ledger entries."""
    _expect_none("ledgerMatchesCustomers", db.customers_v2.aggregate([
        {"$lookup": {"from": "billing_ledger", "localField": "_id", "foreignField": "customer_id", "as": "entries"}},
        {"$project": {
            "total_billed": {"$ifNull": ["$total_billed", 0]},
            "ledger_total": {"$reduce": {"input": "$entries", "initialValue": 0,
                                         "in": {"$add": ["$$value", "$$this.amount"]}}},
        }},
        {"$match": {"$expr": {"$ne": ["$total_billed", "$ledger_total"]}}},
    ]))


def ledger_entries_reference_orders_and_customers(db):
    """Every ledger entry names an order and a customer that exist."""
    _expect_none("ledgerEntriesReferenceOrdersAndCustomers", db.billing_ledger.aggregate([
        {"$lookup": {"from": "orders", "localField": "order_id", "foreignField": "_id", "as": "order"}},
        {"$lookup": {"from": "customers_v2", "localField": "customer_id", "foreignField": "_id", "as": "customer"}},
        {"$match": {"$or": [{"order": {"$size": 0}}, {"customer": {"$size": 0}}]}},
        {"$project": {"order_id": 1, "customer_id": 1}},
    ]))


def every_billed_order_charged(db):
    """Every order a billing run claimed has a ledger entry."""
    _expect_none("everyBilledOrderCharged", db.orders.aggregate([
        {"$match": {"billed": True, "billing_run": {"$exists": True}}},
        {"$lookup": {"from": "billing_ledger", "localField": "_id", "foreignField": "order_id", "as": "entries"}},
        {"$match": {"entries": {"$size": 0}}},
        {"$project": {"_id": 1}},
    ]))


def billed_orders_have_month(db):
    """Every billed order has a billed_month (YYYY-MM) and a billed_at date."""
    _expect_none("billedOrdersHaveMonth", db.orders.find(
        {"billed": True, "$or": [
            {"billed_month": {"$not": {"$regex": "^[0-9]{4}-[0-9]{2}$"}}},
            {"billed_at": {"$not": {"$type": "date"}}},
        ]},
        {"_id": 1, "billed_month": 1, "billed_at": 1}))


def billing_runs_have_month(db):
    """Every billing run records its month (YYYY-MM) and a started_at date."""
    _expect_none("billingRunsHaveMonth", db.billing_runs.find(
        {"$or": [
            {"month": {"$not": {"$regex": "^[0-9]{4}-[0-9]{2}$"}}},
            {"started_at": {"$not": {"$type": "date"}}},
        ]},
        {"_id": 1, "month": 1, "started_at": 1}))


def ledger_entries_have_month(db):
    """Every ledger entry has a month (YYYY-MM), a Decimal128 amount and a billed_at date."""
    _expect_none("ledgerEntriesHaveMonth", db.billing_ledger.find(
        {"$or": [
            {"month": {"$not": {"$regex": "^[0-9]{4}-[0-9]{2}$"}}},
            {"amount": {"$not": {"$type": "decimal"}}},
            {"billed_at": {"$not": {"$type": "date"}}},
        ]},
        {"order_id": 1, "month": 1, "amount": 1, "billed_at": 1}))


def ledger_entries_reference_their_run(db):
    """Every ledger entry names the billing run that claimed its order, a run of the entry's month."""
    _expect_none("ledgerEntriesReferenceTheirRun", db.billing_ledger.aggregate([
        {"$lookup": {"from": "billing_runs", "localField": "run_id", "foreignField": "_id", "as": "run"}},
        {"$unwind": {"path": "$run", "preserveNullAndEmptyArrays": True}},
        {"$lookup": {"from": "orders", "localField": "order_id", "foreignField": "_id", "as": "order"}},
        {"$unwind": {"path": "$order", "preserveNullAndEmptyArrays": True}},
        {"$match": {"$or": [
            {"run": {"$exists": False}},
            {"$expr": {"$ne": ["$run.month", "$month"]}},
            {"$expr": {"$ne": ["$order.billing_run", "$run_id"]}},
        ]}},
        {"$project": {"order_id": 1, "month": 1, "run_id": 1, "run.month": 1, "order.billing_run": 1}},
    ]))


# The eight checks every billing test of the pack lists, in the pack's order.
BILLING_CHECKS = (
    no_double_billing, ledger_matches_customers, billed_orders_have_month,
    ledger_entries_reference_orders_and_customers, every_billed_order_charged,
    billing_runs_have_month, ledger_entries_have_month, ledger_entries_reference_their_run,
)


def run_checks(db, *checks):
    """A test's `checks`, after its expectCollections, in order."""
    for check in checks:
        check(db)
