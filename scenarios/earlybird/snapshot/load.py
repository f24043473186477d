#!/usr/bin/env python3
"""Load the snapshot files next to this script into a database (needs pymongo).

    python load.py URI [DATABASE]          # DATABASE defaults to earlybird; it is dropped first
    python load.py URI DATABASE --apply-0007

--apply-0007 then runs the `up` of ../migrations/0007-backfill-billing-fields.json on
the loaded orders (the same filter and update pipeline the file holds), which is what
production looks like once the migration has run.
"""

import json
import os
import sys

from bson import json_util
from pymongo import MongoClient

HERE = os.path.dirname(os.path.abspath(__file__))
COLLECTIONS = ["customers_v2", "orders", "delivery_statuses", "billing_runs", "billing_ledger"]
OPTIONS = json_util.JSONOptions(json_mode=json_util.JSONMode.CANONICAL, tz_aware=True,
                                tzinfo=json_util.utc)


def main(argv):
    args = [a for a in argv if not a.startswith("--")]
    if not args:
        sys.exit(__doc__)
    uri = args[0]
    database = args[1] if len(args) > 1 else "earlybird"
    client = MongoClient(uri)
    client.drop_database(database)
    db = client[database]
    for name in COLLECTIONS:
        with open(os.path.join(HERE, name + ".ndjson"), encoding="ascii") as f:
            docs = [json_util.loads(line, json_options=OPTIONS) for line in f if line.strip()]
        for i in range(0, len(docs), 1000):
            db[name].insert_many(docs[i:i + 1000], ordered=True)
        print("%s.%s: %d" % (database, name, db[name].count_documents({})))
    # the index the migration's fixture declares, and the one the ledger lookups use
    db.orders.create_index([("status", 1), ("billed", 1)])
    db.billing_ledger.create_index([("order_id", 1)])
    if "--apply-0007" in argv:
        path = os.path.join(HERE, "..", "migrations", "0007-backfill-billing-fields.json")
        with open(path, encoding="utf-8") as f:
            migration = json.load(f)
        for step in migration["up"]:
            assert set(step) <= {"name", "updateMany", "filter", "update"}, step
            result = db[step["updateMany"]].update_many(step["filter"], step["update"])
            print("0007 up: %s: matched %d, modified %d"
                  % (step["name"], result.matched_count, result.modified_count))


if __name__ == "__main__":
    main(sys.argv[1:])
