#!/usr/bin/env python3
"""A production-like snapshot of EarlyBird's `earlybird` database, on 2026-01-31 12:00 UTC.

Run `python3 generate.py`; it writes, next to itself, one document per line in canonical
Extended JSON (int32 quantities, Decimal128 money with two decimals, ISO dates):

  orders.ndjson             about 5,200 orders, created 2025-12-01 .. 2026-01-31
  delivery_statuses.ndjson  one per order delivered by the Phase 0.7 app
  customers_v2.ndjson       320 customers (total_billed = the sum of their ledger amounts;
                            the 30 newest joined in the last week, some never billed yet)
  billing_ledger.ndjson     one entry per billed order
  billing_runs.ndjson       the four Phase 0.7 billing runs of January

The same seed and the same fixed dates every time (no clock, no hash order), so two runs
give byte-identical files. The script checks its own invariants and exits non-zero if
one does not hold.

The story the data tells, the one a real system goes through around a release:

- Until 2026-01-05 the old backend wrote "l-" orders WITHOUT the five Phase 0.7 fields.
  Some code paths wrote `billed` anyway, as "false" or 0 (admin imports) or, from
  mid-December, as the boolean false (mobile app).
- The old billing script ran on 2026-01-01 02:00 for December. It marked each delivered
  order billed as true, "true" or 1 (depending on the script's version), with a billed_at
  date and billed_month stored as a DATE (2025-12-01), and wrote a ledger entry (month
  "2025-12", no run_id: the old script kept no runs).
- From 2025-12-29 some riders used the new delivery app, which set
  delivery_confirmed: true on legacy orders. Those delivered after the old script's run
  were picked up by the first Phase 0.7 billing run (billed_month "2026-01").
- The revenue bug: legacy orders delivered after the old script's last run WITHOUT
  delivery_confirmed are never seen by the billing query
  {status: "delivered", delivery_confirmed: true, billed: {$ne: true}}: a few hundred
  delivered orders nobody will ever bill.
- A few legacy orders are still pending / out for delivery, some cancelled.
- From 2026-01-05 the Phase 0.7 backend writes "o-" orders with all five fields at the
  values it writes itself: pending and cancelled orders false/false/null/null/null,
  delivered ones delivery_confirmed true with delivered_at and a delivery_statuses entry,
  and billing runs on Jan 8, 15, 22 and 29 (20:00 UTC) that claim each billable order
  once (billed, billed_at, billed_month "2026-01", billing_run) and write one ledger
  entry each. Orders delivered after the last run are the billable backlog.

What is deliberately wrong in it is exactly what the pending migration 0007
(../migrations/0007-backfill-billing-fields.json) repairs: missing fields, billed stored
as "false"/"true"/0/1, billed_month stored as a date, and delivered legacy orders without
delivery_confirmed. Nothing else is wrong: there is no Phase 0.7 order delivered but
unconfirmed, no other wrong type, no double billing, and every customer's total_billed
matches the ledger, so a gate on this snapshot says NO-GO today only for what 0007 fixes
and GO once 0007 has run. January's ledger revenue is above the 50,000 the revenue
monitoring expects.
"""

import json
import os
import random
import sys
from datetime import datetime, timedelta, timezone

SEED = 20260131
HERE = os.path.dirname(os.path.abspath(__file__))

UTC = timezone.utc
SNAPSHOT_AT = datetime(2026, 1, 31, 12, 0, tzinfo=UTC)
FIRST_DAY = datetime(2025, 12, 1, tzinfo=UTC)
PHASE07_LIVE = datetime(2026, 1, 5, tzinfo=UTC)          # first "o-" order
NEW_DELIVERY_APP = datetime(2025, 12, 29, tzinfo=UTC)     # riders start confirming
BILLED_FALSE_BOOL_FROM = datetime(2025, 12, 15, tzinfo=UTC)
OLD_SCRIPT_RUN = datetime(2026, 1, 1, 2, 0, tzinfo=UTC)   # December, billed_month as a date
OLD_SCRIPT_MONTH_DATE = datetime(2025, 12, 1, tzinfo=UTC)
RUNS = [datetime(2026, 1, d, 20, 0, tzinfo=UTC) for d in (8, 15, 22, 29)]
RUN_MONTH = "2026-01"

N_CUSTOMERS = 320

PRODUCTS = [  # name, price in cents, weight
    ("Milk 1L", 110, 22), ("Milk 2L", 205, 14), ("Bread", 250, 18), ("Eggs 12", 390, 14),
    ("Yoghurt", 95, 6), ("Butter", 410, 8), ("Orange juice", 320, 8), ("Cheese 200g", 460, 6),
    ("Paneer 200g", 340, 6), ("Ghee 500g", 980, 5), ("Honey 500g", 750, 3),
    ("Coffee beans 250g", 890, 4), ("Granola", 640, 4), ("Fruit box", 1450, 12),
    ("Vegetable box", 1290, 14), ("Basmati rice 5kg", 1240, 4), ("Olive oil 1L", 1190, 3),
    ("Chicken 1kg", 960, 5), ("Weekly milk plan 7x1L", 720, 9), ("Atta 5kg", 690, 5),
]

FIRST_NAMES = ["Asha", "Vikram", "Meera", "Rahul", "Priya", "Arjun", "Kavya", "Rohan", "Ananya",
               "Sanjay", "Divya", "Karthik", "Neha", "Aditya", "Pooja", "Suresh", "Lakshmi",
               "Nikhil", "Deepa", "Farhan", "Sneha", "Imran", "Ritu", "Manoj", "Shreya",
               "Gaurav", "Nandini", "Harish", "Zoya", "Abhishek", "Swati", "Tarun"]
LAST_NAMES = ["Rao", "Shah", "Iyer", "Sharma", "Nair", "Reddy", "Gupta", "Menon", "Patel",
              "Kulkarni", "Das", "Bose", "Khan", "Joshi", "Pillai", "Verma", "Hegde", "Mehta",
              "Chatterjee", "Srinivasan"]
STREETS = ["Lake Road", "Hill Street", "Mill Lane", "Temple Street", "MG Road", "Church Street",
           "Brigade Road", "Park Avenue", "Station Road", "Residency Road", "Old Airport Road",
           "Sarjapur Road", "Indiranagar 100 Ft Road", "Koramangala 5th Block", "Jayanagar 4th Block"]


# -- Extended JSON values ---------------------------------------------------------------

def i32(n):
    assert -2**31 <= n < 2**31
    return {"$numberInt": str(n)}


def money(cents):
    assert cents >= 0
    return {"$numberDecimal": "%d.%02d" % (cents // 100, cents % 100)}


def date(dt):
    assert dt.tzinfo is UTC and dt.microsecond == 0
    return {"$date": dt.strftime("%Y-%m-%dT%H:%M:%SZ")}


class ObjectIds:
    """ObjectIds as a driver makes them: seconds, 5 process bytes, a counter."""

    def __init__(self, process_hex, counter):
        self.process = process_hex
        self.counter = counter

    def new(self, dt):
        self.counter = (self.counter + 1) % 0x1000000
        return {"$oid": "%08x%s%06x" % (int(dt.timestamp()), self.process, self.counter)}


# -- the generator ----------------------------------------------------------------------

def main():
    rng = random.Random(SEED)
    app_oids = ObjectIds("5e1a7c03b2", 0x3a91f0)      # the backend (runs, ledger)
    rider_oids = ObjectIds("9c44d0e817", 0x0b27c4)    # the delivery app (statuses)

    # customers: a few heavy ones, a long tail
    customers = []
    for k in range(N_CUSTOMERS):
        customers.append({
            "_id": "c-%d" % (1001 + k),
            "name": "%s %s" % (rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)),
            "phone": "+91 98%03d %05d" % (rng.randrange(400, 1000), 10000 + k * 7 + rng.randrange(7)),
            "address": "%d %s" % (rng.randrange(1, 240), rng.choice(STREETS)),
            "weight": rng.paretovariate(1.6),
            # the last 30 signed up in the last week: some billed once, some never yet
            "joined": (FIRST_DAY if k < N_CUSTOMERS - 30
                       else datetime(2026, 1, 26, tzinfo=UTC) + timedelta(hours=4 * (k - N_CUSTOMERS + 30))),
            "ledger_cents": 0, "months": [], "run_billed": False,
        })
    weights = [c["weight"] for c in customers]

    product_weights = [p[2] for p in PRODUCTS]

    def items_and_total():
        lines = rng.choices([1, 2, 3, 4], weights=[24, 38, 26, 12])[0]
        items, total, seen = [], 0, []
        for _ in range(lines):
            name, price, _w = rng.choices(PRODUCTS, weights=product_weights)[0]
            if name in seen:
                continue
            seen.append(name)
            qty = rng.choices([1, 2, 3, 4], weights=[34, 33, 21, 12])[0]
            items.append({"product": name, "quantity": i32(qty), "price": money(price)})
            total += price * qty
        return items, total

    # orders, day by day: volume grows through the two months
    orders = []   # dicts with the document and internal facts
    day = FIRST_DAY
    while day < SNAPSHOT_AT:
        n = 65 + (day - FIRST_DAY).days * 0.55 + rng.randrange(-12, 13)
        if day.weekday() >= 5:
            n *= 1.15
        times = sorted(day + timedelta(hours=6, seconds=rng.randrange(16 * 3600)) for _ in range(int(n)))
        for t in times:
            if t >= SNAPSHOT_AT:
                continue
            cust = rng.choices(customers, weights=weights)[0]
            while cust["joined"] > t:
                cust = rng.choices(customers, weights=weights)[0]
            items, total = items_and_total()
            # delivered the next morning, 00:30-03:30 UTC (06:00-09:00 IST)
            slot = (t + timedelta(days=1)).replace(hour=0, minute=30, second=0) + \
                timedelta(seconds=rng.randrange(3 * 3600))
            orders.append({"created": t, "cust": cust, "items": items, "total": total,
                           "slot": slot, "legacy": t < PHASE07_LIVE})
        day += timedelta(days=1)

    # status of each order at snapshot time
    for o in orders:
        r = rng.random()
        if r < 0.055:
            o["status"] = "cancelled"
        elif o["slot"] > SNAPSHOT_AT:
            o["status"] = "pending"
        elif o["slot"].date() == SNAPSHOT_AT.date() and rng.random() < 0.05:
            o["status"] = "out_for_delivery"   # a failed attempt, retried today
        elif o["legacy"] and rng.random() < 0.012:
            o["status"] = rng.choice(["pending", "out_for_delivery"])   # stuck legacy orders
        else:
            o["status"] = "delivered"

    legacy = [o for o in orders if o["legacy"]]
    phase07 = [o for o in orders if not o["legacy"]]
    for k, o in enumerate(legacy):
        o["id"] = "l-%d" % (10001 + k)
    for k, o in enumerate(phase07):
        o["id"] = "o-%d" % (100001 + k)

    ledger = []
    statuses = []
    runs = []

    def base(o):
        return {"_id": o["id"], "customer_id": o["cust"]["_id"], "items": o["items"],
                "total": money(o["total"]), "delivery_address": o["cust"]["address"],
                "status": o["status"], "created_at": date(o["created"])}

    def charge(o, month, billed_at, run_id):
        entry = {"_id": app_oids.new(billed_at), "order_id": o["id"],
                 "customer_id": o["cust"]["_id"], "amount": money(o["total"]), "month": month}
        if run_id is not None:
            entry["run_id"] = run_id
        entry["billed_at"] = date(billed_at)
        ledger.append(entry)
        c = o["cust"]
        c["ledger_cents"] += o["total"]
        if month not in c["months"]:
            c["months"].append(month)
        if run_id is not None:
            c["run_billed"] = True

    # -- legacy orders, as the old backend wrote them
    for o in legacy:
        doc = base(o)
        r = rng.random()
        if r < 0.08:
            doc["billed"] = "false"          # admin import
        elif r < 0.13:
            doc["billed"] = i32(0)           # admin import, older version
        elif o["created"] >= BILLED_FALSE_BOOL_FROM and r < 0.40:
            doc["billed"] = False            # mobile app from mid-December
        o["doc"] = doc
        o["confirmed"] = (o["status"] == "delivered" and o["slot"] >= NEW_DELIVERY_APP
                          and rng.random() < 0.22)
        if o["confirmed"]:
            doc["delivery_confirmed"] = True
        o["category"] = None

    # the old script's December run: every legacy order delivered before it
    old_billed = [o for o in legacy if o["status"] == "delivered" and o["slot"] < OLD_SCRIPT_RUN]
    for k, o in enumerate(old_billed):
        doc = o["doc"]
        billed_at = OLD_SCRIPT_RUN + timedelta(seconds=k // 4)
        if o["confirmed"]:
            value, o["category"] = True, "legacy, billed by the old script (billed true), confirmed"
        else:
            v = rng.random()
            if v < 0.12:
                value, o["category"] = "true", 'legacy, billed by the old script as "true"'
            elif v < 0.22:
                value, o["category"] = i32(1), "legacy, billed by the old script as 1"
            else:
                value, o["category"] = True, "legacy, billed by the old script (billed true)"
        doc["billed"] = value                # in place when the field was already there
        doc["billed_at"] = date(billed_at)
        doc["billed_month"] = date(OLD_SCRIPT_MONTH_DATE)
        charge(o, "2025-12", billed_at, None)

    # -- Phase 0.7 orders, as the backend writes them
    for o in phase07:
        doc = base(o)
        doc.update({"billed": False, "delivery_confirmed": False, "billed_at": None,
                    "billed_month": None, "delivered_at": None})
        if o["status"] == "delivered":
            doc["delivery_confirmed"] = True
            doc["delivered_at"] = date(o["slot"])
            statuses.append((o["slot"], o["id"]))
            o["category"] = "Phase 0.7, delivered, not billed yet (billable backlog)"
        else:
            o["category"] = "Phase 0.7, %s" % o["status"]
        o["doc"] = doc

    # -- the Phase 0.7 billing runs claim every billable order, once
    for run_at in RUNS:
        run_id = app_oids.new(run_at)
        runs.append({"_id": run_id, "month": RUN_MONTH, "started_at": date(run_at)})
        claimed_at = run_at + timedelta(seconds=2)
        claimed = []
        for o in orders:
            doc = o["doc"]
            if (o["status"] == "delivered" and o["slot"] < run_at
                    and doc.get("delivery_confirmed") is True and doc.get("billed") is not True):
                doc["billed"] = True
                doc["billed_at"] = date(claimed_at)
                doc["billed_month"] = RUN_MONTH
                doc["billing_run"] = run_id
                claimed.append(o)
                o["category"] = ("legacy, confirmed, billed by a Phase 0.7 run" if o["legacy"]
                                 else "Phase 0.7, delivered and billed by a run")
        claimed.sort(key=lambda o: o["id"])
        for k, o in enumerate(claimed):
            charge(o, RUN_MONTH, claimed_at + timedelta(seconds=1 + k // 25), run_id)

    # the categories of the legacy orders nothing billed
    for o in legacy:
        if o["category"] is not None:
            continue
        b = o["doc"].get("billed", "missing")
        if b == "missing":
            kind = "no new fields"
        elif b == "false":
            kind = 'billed "false"'
        elif b == i32(0):
            kind = "billed 0"
        else:
            assert b is False, o["id"]
            kind = "billed false"
        if o["status"] == "delivered":
            assert not o["confirmed"]
            o["category"] = "legacy, delivered, never billed (revenue bug), %s" % kind
        else:
            o["category"] = "legacy, %s, %s" % (o["status"], kind)

    # -- invariants: fail loudly rather than write a snapshot that says something else
    docs = [o["doc"] for o in orders]
    assert 5000 <= len(docs) <= 6000, len(docs)
    for o in orders:
        d = o["doc"]
        assert sum(int(it["quantity"]["$numberInt"]) * round(float(it["price"]["$numberDecimal"]) * 100)
                   for it in d["items"]) == o["total"]
        billed = d.get("billed")
        if billed is True or billed == "true" or billed == i32(1):
            assert d["status"] == "delivered", d["_id"]
            assert "billed_at" in d and "billed_month" in d, d["_id"]
        if not o["legacy"]:
            assert d["status"] != "delivered" or d["delivery_confirmed"] is True
            assert d["status"] == "delivered" or (d["delivery_confirmed"] is False and billed is False)
        if d["status"] == "delivered":
            assert d.get("delivery_confirmed", "missing") in (True, "missing"), d["_id"]
            # a string/int billed with delivery_confirmed would be billed twice by the query
            if d.get("delivery_confirmed") is True:
                assert billed is True or billed is False or billed is None, d["_id"]
        if d.get("billed_at") is not None and billed is not True and billed != "true" and billed != i32(1):
            raise AssertionError("billed_at on an unbilled order " + d["_id"])
    ids = [e["order_id"] for e in ledger]
    assert len(ids) == len(set(ids))
    jan = sum(o["total"] for o in orders if o["doc"].get("billed_month") == RUN_MONTH)
    assert jan >= 5_000_000, jan

    # -- customers, as billing left them
    cust_docs = []
    for c in customers:
        months = sorted(c["months"])
        cust_docs.append({"_id": c["_id"], "name": c["name"], "phone": c["phone"],
                          "billing_status": "billed" if c["run_billed"] else "active",
                          "total_billed": money(c["ledger_cents"]),
                          "billed_month": months[-1] if months else None})

    status_docs = []
    for slot, order_id in sorted(statuses):
        status_docs.append({"_id": rider_oids.new(slot), "order_id": order_id,
                            "status": "delivered", "delivered_at": date(slot)})

    write("orders.ndjson", docs)
    write("delivery_statuses.ndjson", status_docs)
    write("customers_v2.ndjson", cust_docs)
    write("billing_ledger.ndjson", ledger)
    write("billing_runs.ndjson", runs)

    counts = {}
    for o in orders:
        counts[o["category"]] = counts.get(o["category"], 0) + 1
    print("orders: %d (legacy %d, Phase 0.7 %d)" % (len(orders), len(legacy), len(phase07)))
    for k in sorted(counts):
        print("  %5d  %s" % (counts[k], k))
    print("delivery_statuses: %d, customers_v2: %d, billing_ledger: %d, billing_runs: %d"
          % (len(status_docs), len(cust_docs), len(ledger), len(runs)))
    dec = sum(o["total"] for o in orders if o["doc"].get("billed_month") == date(OLD_SCRIPT_MONTH_DATE))
    print("ledger revenue: 2025-12 %s, 2026-01 %s" % (money(dec)["$numberDecimal"], money(jan)["$numberDecimal"]))


def write(name, docs):
    path = os.path.join(HERE, name)
    tmp = path + ".tmp"
    with open(tmp, "w", encoding="ascii", newline="\n") as f:
        for d in docs:
            f.write(json.dumps(d, separators=(",", ":"), ensure_ascii=True))
            f.write("\n")
    os.replace(tmp, path)


if __name__ == "__main__":
    sys.exit(main())
