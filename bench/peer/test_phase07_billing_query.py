"""scenarios/earlybird/phase-0.7/billing-query.json — Phase 0.7 test 3: the billing query."""
import datetime

from bson import Decimal128

from earlybird import BILLING_CHECKS, BILLING_QUERY, MONTH, create_order, mark_delivered, run_billing, run_checks
from matching import ABSENT, DATE, OBJECT_ID, assert_match, expect_collections

SCENARIO = "phase-0.7/billing-query.json"


def test_the_billing_query_finds_delivered_confirmed_unbilled_orders_and_nothing_else(db):
    # o-301 (billed false) and o-307 (billed null) are billable; already billed, unconfirmed,
    # pending, out-for-delivery and cancelled orders are not.
    found = db.orders.find(BILLING_QUERY, sort=[("_id", 1)], projection={"_id": 1})
    assert_match(list(found), [{"_id": "o-301"}, {"_id": "o-307"}])


def test_a_billing_run_bills_exactly_what_the_query_finds(db):
    run_billing(db, MONTH)
    runs = list(db.billing_runs.find())  # the run is recorded with its month and start
    assert_match(runs, [{"_id": OBJECT_ID, "month": "2026-01", "started_at": DATE}])
    run_id = runs[0]["_id"]
    ledger = db.billing_ledger.aggregate([  # one ledger entry per billed order, naming the run
        {"$sort": {"order_id": 1}},
        {"$project": {"_id": 0, "order_id": 1, "customer_id": 1, "amount": 1, "month": 1, "run_id": 1, "billed_at": 1}},
    ])
    assert_match(list(ledger), [
        {"order_id": "o-301", "customer_id": "c-1", "amount": Decimal128("120.00"), "month": "2026-01",
         "run_id": run_id, "billed_at": DATE},
        {"order_id": "o-307", "customer_id": "c-3", "amount": Decimal128("210.75"), "month": "2026-01",
         "run_id": run_id, "billed_at": DATE},
    ])

    expect_collections(db, {
        "orders": [
            {"_id": "o-301", "billed": True, "billed_month": "2026-01", "billed_at": DATE, "billing_run": run_id},
            {"_id": "o-302", "billed": True, "billed_month": "2025-12", "billed_at": datetime.datetime(2026, 1, 1, 2, 0),
             "billing_run": ABSENT},
            {"_id": "o-303", "billed": False, "billed_month": None, "billing_run": ABSENT},
            {"_id": "o-304", "billed": False, "billed_month": None, "billing_run": ABSENT},
            {"_id": "o-305", "billed": False, "billed_month": None, "billing_run": ABSENT},
            {"_id": "o-306", "billed": False, "billed_month": None, "billing_run": ABSENT},
            {"_id": "o-307", "billed": True, "billed_month": "2026-01", "billed_at": DATE, "billing_run": run_id},
        ],
        "customers_v2": [
            {"_id": "c-1", "total_billed": Decimal128("120.00"), "billing_status": "billed", "billed_month": "2026-01"},
            {"_id": "c-2", "total_billed": Decimal128("0.00"), "billing_status": "active", "billed_month": None},
            {"_id": "c-3", "total_billed": Decimal128("210.75"), "billing_status": "billed", "billed_month": "2026-01"},
        ],
    })
    run_checks(db, *BILLING_CHECKS)


def test_an_order_enters_the_billing_query_when_it_is_delivered_and_confirmed(db):
    create_order(db, "o-308", "c-2", Decimal128("18.00"))
    assert_match(list(db.orders.find({"_id": "o-308", **BILLING_QUERY})), [])
    mark_delivered(db, "o-308")
    found = db.orders.find(BILLING_QUERY, sort=[("_id", 1)], projection={"_id": 1})
    assert_match(list(found), [{"_id": "o-301"}, {"_id": "o-307"}, {"_id": "o-308"}])
