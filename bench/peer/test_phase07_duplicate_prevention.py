"""scenarios/earlybird/phase-0.7/duplicate-prevention.json — Phase 0.7 test 4: duplicate prevention."""
from bson import Decimal128

from earlybird import (BILLING_CHECKS, MONTH, delivery_statuses_reference_orders, mark_delivered, run_billing,
                       run_checks)
from harness import parallel, repeat
from matching import expect_collections

SCENARIO = "phase-0.7/duplicate-prevention.json"

CUSTOMERS_BILLED_ONCE = {
    "customers_v2": [
        {"_id": "c-1", "total_billed": Decimal128("200.50")},
        {"_id": "c-2", "total_billed": Decimal128("45.25")},
        {"_id": "c-3", "total_billed": Decimal128("300.00")},
    ],
}


def test_a_second_billing_run_bills_nothing(db):
    run_billing(db, MONTH)
    assert db.billing_ledger.count_documents({}) == 4
    run_billing(db, MONTH)  # the second run
    assert db.billing_ledger.count_documents({}) == 4

    expect_collections(db, CUSTOMERS_BILLED_ONCE)
    run_checks(db, *BILLING_CHECKS)


def test_two_concurrent_billing_runs_bill_each_order_exactly_once(sandbox):
    # Both runs start together behind a barrier, each on its own connection; repeated so an
    # interleaving that double-bills has many chances to happen.
    def iteration():
        db = sandbox.reset()
        parallel(db, lambda: run_billing(db, MONTH), lambda: run_billing(db, MONTH))
        assert db.billing_ledger.count_documents({}) == 4
        assert db.orders.count_documents({"billed": True, "billed_month": MONTH}) == 4

        expect_collections(db, CUSTOMERS_BILLED_ONCE)
        run_checks(db, *BILLING_CHECKS)

    repeat(25, iteration)


def test_an_order_delivered_while_two_runs_bill_is_billed_once_by_one_of_them(sandbox):
    def iteration():
        db = sandbox.reset()

        def deliver_then_bill():
            mark_delivered(db, "o-405")
            run_billing(db, MONTH)

        parallel(db, lambda: run_billing(db, MONTH), deliver_then_bill)
        assert db.billing_ledger.count_documents({}) == 5
        assert db.billing_ledger.count_documents({"order_id": "o-405"}) == 1

        run_checks(db, *BILLING_CHECKS, delivery_statuses_reference_orders)

    repeat(20, iteration)
