"""scenarios/earlybird/phase-0.7/order-creation.json — Phase 0.7 test 1: order creation defaults."""
from bson import Decimal128

from earlybird import BILLING_QUERY, create_order, run_billing
from matching import DATE, assert_match, expect_collections

SCENARIO = "phase-0.7/order-creation.json"


def test_a_new_order_is_stored_whole_with_the_five_phase_07_fields_at_their_defaults(db):
    create_order(db, "o-100", "c-1", Decimal128("120.00"))

    expect_collections(db, {
        "orders": [
            {"_id": "o-100", "customer_id": "c-1",
             "items": [{"product": "Milk 1L", "quantity": 1, "price": Decimal128("120.00")}],
             "total": Decimal128("120.00"), "delivery_address": "12 Lake Road", "status": "pending",
             "created_at": DATE,
             "billed": False, "delivery_confirmed": False, "billed_at": None, "billed_month": None, "delivered_at": None},
        ],
    })


def test_a_new_order_is_not_billable_until_it_is_delivered_and_confirmed(db):
    create_order(db, "o-102", "c-1", Decimal128("45.00"))
    assert_match(list(db.orders.find(BILLING_QUERY)), [])  # the billing query
    run_billing(db, "2026-01")

    expect_collections(db, {
        "billing_ledger": [],
        "orders": [{"_id": "o-102", "billed": False, "billed_at": None, "billed_month": None}],
    })
