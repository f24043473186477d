"""scenarios/earlybird/phase-0.7/delivery-linkage.json — Phase 0.7 test 2: delivery linkage."""
from bson import Decimal128

from earlybird import create_order, delivery_statuses_reference_orders, mark_delivered, run_checks
from matching import DATE, assert_match

SCENARIO = "phase-0.7/delivery-linkage.json"


def test_a_delivery_status_carries_the_orders_id_and_the_order_is_delivered_and_confirmed(db):
    create_order(db, "o-200", "c-1", Decimal128("60.00"))
    mark_delivered(db, "o-200")
    assert_match(list(db.delivery_statuses.find({"order_id": "o-200"})),
                 [{"order_id": "o-200", "status": "delivered", "delivered_at": DATE}])
    assert_match(list(db.orders.find({"_id": "o-200"})),
                 [{"_id": "o-200", "status": "delivered", "delivery_confirmed": True, "delivered_at": DATE,
                   "billed": False, "billed_at": None, "billed_month": None}])

    run_checks(db, delivery_statuses_reference_orders)


def test_each_delivery_status_links_to_its_own_order(db):
    create_order(db, "o-201", "c-1", Decimal128("30.00"))
    create_order(db, "o-202", "c-2", Decimal128("40.00"))
    mark_delivered(db, "o-202")
    mark_delivered(db, "o-201")
    statuses = db.delivery_statuses.aggregate(
        [{"$group": {"_id": "$order_id", "statuses": {"$sum": 1}}}, {"$sort": {"_id": 1}}])
    assert_match(list(statuses), [{"_id": "o-201", "statuses": 1}, {"_id": "o-202", "statuses": 1}])

    run_checks(db, delivery_statuses_reference_orders)
