#!/usr/bin/env python3
"""Writes the overhead scenario: N insertOne then N find by _id, the same work as bare.c.

Each insert builds its document from a variable and each find matches the stored document
with `expect` and saves it, so matching, variables, saving and the command log are all on.

    bench/overhead/generate.py N > overhead-N.json
"""
import json
import sys

n = int(sys.argv[1])
steps = []
for i in range(n):
    steps.append({"insertOne": "items",
                  "document": {"_id": i, "sku": {"$$var": "skus." + str(i)}, "qty": i % 7}})
for i in range(n):
    steps.append({"find": "items", "filter": {"_id": i},
                  "expect": [{"_id": i, "sku": "sku-" + str(i), "qty": i % 7}], "save": "found"})
scenario = {
    "preflight": 1,
    "name": "overhead: %d insertOne and %d find by _id" % (n, n),
    "database": "overhead",
    "vars": {"skus": ["sku-" + str(i) for i in range(n)]},
    "tests": [{"name": "insert then find", "steps": steps}],
}
json.dump(scenario, sys.stdout, indent=None, separators=(",", ":"))
sys.stdout.write("\n")
