"""The monthly billing job, in two implementations.

atomic (the default) is the library's runBilling: one update_many claims the
billable orders, and the server re-checks the filter on every document it
updates, so two concurrent runs never claim the same order.

find-then-update is the old billing the deployment guide warned about: it reads
the billable orders, then bills each one without re-checking that it is still
unbilled, so two runs that overlap both bill the same orders. It is kept to
show the race, not to be used.
"""
import sys
import time

from bson import ObjectId

from .config import now

BILLABLE = {"status": "delivered", "delivery_confirmed": True, "billed": {"$ne": True}}
MODES = ("atomic", "find-then-update")


def _start_run(db, month):
    run_id = ObjectId()
    db.billing_runs.insert_one({"_id": run_id, "month": month, "started_at": now()})
    return run_id


def _ledger_entry(db, order, month, run_id):
    db.billing_ledger.insert_one({
        "order_id": order["_id"], "customer_id": order["customer_id"],
        "amount": order["total"], "month": month, "run_id": run_id,
        "billed_at": now()})


def _charge_customer(db, order, month):
    result = db.customers_v2.update_one(
        {"_id": order["customer_id"]},
        {"$inc": {"total_billed": order["total"]},
         "$set": {"billing_status": "billed", "billed_month": month}})
    if result.matched_count != 1:
        # Not created on the fly (no upsert): a missing customer is a data
        # problem for a person to look at, so say so without stopping the run.
        print(f"bill: warning: order {order['_id']!r} names no customer "
              f"{order['customer_id']!r} in customers_v2", file=sys.stderr)


def bill_atomic(db, month):
    run_id = _start_run(db, month)
    db.orders.update_many(BILLABLE, {"$set": {
        "billed": True, "billed_at": now(), "billed_month": month, "billing_run": run_id}})
    # Charge only what this run claimed; another run's claims are its own.
    claimed = list(db.orders.find({"billing_run": run_id}).sort("_id", 1))
    for order in claimed:
        _ledger_entry(db, order, month, run_id)
        _charge_customer(db, order, month)
    return claimed


def bill_find_then_update(db, month, delay_ms):
    run_id = _start_run(db, month)
    found = list(db.orders.find(BILLABLE).sort("_id", 1))
    # The window between reading and writing: any run that reads meanwhile
    # sees the same orders as billable.
    time.sleep(delay_ms / 1000)
    for order in found:
        _ledger_entry(db, order, month, run_id)
        # The filter is the _id alone: nothing re-checks that the order is unbilled.
        db.orders.update_one({"_id": order["_id"]}, {"$set": {
            "billed": True, "billed_at": now(), "billed_month": month, "billing_run": run_id}})
        _charge_customer(db, order, month)
    return found


def run(db, month, mode, delay_ms):
    """Bill one month; return the summary line printed by `bill`."""
    if mode == "atomic":
        orders = bill_atomic(db, month)
    else:
        orders = bill_find_then_update(db, month, delay_ms)
    ids = sorted(str(order["_id"]) for order in orders)
    return {"month": month, "mode": mode, "billed": len(ids), "orders": ids}
