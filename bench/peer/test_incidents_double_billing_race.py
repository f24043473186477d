"""scenarios/earlybird/incidents/double-billing-race.json — Incident: customers billed twice by
overlapping billing runs.

The old billing read the billable orders, then billed them one by one: two runs that both read
before either wrote charged every order twice. The first test replays that interleaving with
the old billing; the second holds the fixed billing (run_billing, an atomic claim) to the race."""
from bson import Decimal128

from earlybird import BILLING_CHECKS, BILLING_QUERY, MONTH, now, run_billing, run_checks
from harness import parallel, repeat
from matching import assert_match, expect_collections

SCENARIO = "incidents/double-billing-race.json"


def old_bill_order(db, order):
    """The billing code before the fix, for one order it had read earlier: charge, record, then
    mark billed; nothing re-checks that the order is still unbilled."""
    db.billing_ledger.insert_one({"order_id": order["_id"], "customer_id": order["customer_id"],
                                  "amount": order["total"], "month": MONTH})
    db.customers_v2.update_one({"_id": order["customer_id"]},
                               {"$inc": {"total_billed": order["total"]},
                                "$set": {"billing_status": "billed", "billed_month": MONTH}})
    db.orders.update_one({"_id": order["_id"]},
                         {"$set": {"billed": True, "billed_at": now(), "billed_month": MONTH}})


def test_the_incident_two_old_billing_runs_that_read_before_either_writes_bill_every_order_twice(db):
    seen_by_a = list(db.orders.find(BILLING_QUERY, sort=[("_id", 1)]))  # run A reads the billable orders
    seen_by_b = list(db.orders.find(BILLING_QUERY, sort=[("_id", 1)]))  # run B reads them too, before A bills any
    for order in seen_by_a:
        old_bill_order(db, order)
    for order in seen_by_b:
        old_bill_order(db, order)
    entries = db.billing_ledger.aggregate([{"$group": {"_id": "$order_id", "entries": {"$sum": 1}}}, {"$sort": {"_id": 1}}])
    assert_match(list(entries), [{"_id": "o-701", "entries": 2}, {"_id": "o-702", "entries": 2}])

    expect_collections(db, {
        "customers_v2": [
            {"_id": "c-1", "total_billed": Decimal128("240.00")},
            {"_id": "c-2", "total_billed": Decimal128("129.00")},
            {"_id": "c-3", "total_billed": Decimal128("0.00")},
        ],
    })


def test_the_fix_two_billing_runs_racing_bill_each_order_once(sandbox):
    def iteration():
        db = sandbox.reset()
        parallel(db, lambda: run_billing(db, MONTH), lambda: run_billing(db, MONTH))
        assert db.billing_ledger.count_documents({}) == 2

        expect_collections(db, {
            "customers_v2": [
                {"_id": "c-1", "total_billed": Decimal128("120.00")},
                {"_id": "c-2", "total_billed": Decimal128("64.50")},
                {"_id": "c-3", "total_billed": Decimal128("0.00")},
            ],
        })
        run_checks(db, *BILLING_CHECKS)

    repeat(30, iteration)
