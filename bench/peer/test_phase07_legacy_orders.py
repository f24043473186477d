"""scenarios/earlybird/phase-0.7/legacy-orders.json — Phase 0.7: legacy orders and the billing query.

Orders written before Phase 0.7 lack the five new fields: a legacy delivered order without
delivery_confirmed never matches the billing query, and no run bills it."""
from earlybird import BILLING_QUERY, MONTH, ledger_matches_customers, no_double_billing, run_billing, run_checks
from matching import ABSENT, DATE, assert_match

SCENARIO = "phase-0.7/legacy-orders.json"


def test_the_billing_query_sees_a_legacy_order_with_delivery_confirmed_even_without_a_billed_field(db):
    found = db.orders.find(BILLING_QUERY, sort=[("_id", 1)], projection={"_id": 1})
    assert_match(list(found), [{"_id": "l-503"}, {"_id": "o-506"}])


def test_delivered_legacy_orders_without_delivery_confirmed_are_never_billed(db):
    # l-501 and l-505 were delivered and never billed, yet no billing run will ever find them.
    invisible = db.orders.find({"status": "delivered", "billed": {"$ne": True}, "delivery_confirmed": {"$ne": True}},
                               sort=[("_id", 1)], projection={"_id": 1})
    assert_match(list(invisible), [{"_id": "l-501"}, {"_id": "l-505"}])
    run_billing(db, MONTH)
    run_billing(db, MONTH)
    assert_match(list(db.orders.find({"_id": {"$in": ["l-501", "l-505"]}}, sort=[("_id", 1)])),
                 [{"_id": "l-501", "billed": ABSENT, "billed_month": ABSENT},
                  {"_id": "l-505", "billed": ABSENT, "billed_month": ABSENT}])
    assert db.billing_ledger.count_documents({"order_id": {"$in": ["l-501", "l-505"]}}) == 0


def test_a_billing_run_gives_a_visible_legacy_order_every_billing_field(db):
    run_billing(db, MONTH)
    assert_match(list(db.orders.find({"_id": "l-503"})),
                 [{"_id": "l-503", "billed": True, "billed_month": "2026-01", "billed_at": DATE,
                   "delivered_at": ABSENT}])

    run_checks(db, no_double_billing, ledger_matches_customers)


def test_legacy_orders_billed_by_an_old_script_stay_billed_and_are_not_billed_again(db):
    run_billing(db, MONTH)
    assert db.billing_ledger.count_documents({"order_id": "l-504"}) == 0
    assert_match(list(db.orders.find({"_id": "l-504"})),
                 [{"_id": "l-504", "billed": True, "billed_month": ABSENT}])
