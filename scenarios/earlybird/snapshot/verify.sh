#!/usr/bin/env bash
# Proves what the snapshot is for, on a SecantusDB server of its own (stopped at the end):
#   0. Preflight's own fixture loader reads the files, types intact, and billing's
#      invariants from lib/earlybird.json hold on them;
#   a. compat/orders-0.7.json fails today on billed, billed_month and reachability only;
#   b. the monitoring fails today on two tests only;
#   c. migrate verify of 0007 on a full copy passes every check;
#   d. after 0007's up, compat and the monitoring all pass.
# Usage: scenarios/earlybird/snapshot/verify.sh [PORT]   (PREFLIGHT=... to pick the binary)
# Exit 0 when every expectation held, 1 otherwise. Nothing is written outside a temp dir.
set -u
HERE="$(cd "$(dirname "$0")" && pwd)"
PACK="$(cd "$HERE/.." && pwd)"
REPO="$(cd "$PACK/../.." && pwd)"
PREFLIGHT="${PREFLIGHT:-/tmp/pf-bin/preflight}"
PY="$REPO/.venv/bin/python"
PORT="${1:-28200}"
URI="mongodb://127.0.0.1:$PORT/?directConnection=true"
WORK="$(mktemp -d /tmp/earlybird-snapshot.XXXXXX)"
status=0

: > "$WORK/secantusd.toml"
"$REPO/.venv/bin/secantusd-py" --config "$WORK/secantusd.toml" --host 127.0.0.1 --port "$PORT" \
  --storage-path "$WORK/data" --log-level WARNING > "$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do "$PY" -c "import pymongo,sys; pymongo.MongoClient('$URI', serverSelectionTimeoutMS=500).admin.command('ping')" 2>/dev/null && break; sleep 0.5; done

expect() {  # expect EXIT-CODE DESCRIPTION COMMAND...
  local want=$1 what=$2; shift 2
  echo; echo "== $what (expect exit $want)"; echo "\$ $*"
  "$@"; local got=$?
  if [ "$got" != "$want" ]; then echo "!! $what: exit $got, expected $want"; status=1; fi
}

python3 "$HERE/generate.py" > /dev/null || exit 1
"$PY" "$HERE/load.py" "$URI" earlybird || exit 1
"$PY" "$HERE/load.py" "$URI" earlybird_after0007 --apply-0007 || exit 1

# 0. the files through Preflight's fixture loader, in a sandbox
for f in orders delivery_statuses customers_v2 billing_ledger billing_runs; do ln -s "$HERE/$f.ndjson" "$WORK/$f.ndjson"; done
ln -s "$PACK/lib" "$WORK/lib"
cat > "$WORK/loads.json" <<'EOF'
{"preflight": 1, "name": "the EarlyBird snapshot loads through Preflight's fixture loader",
 "database": "earlybird", "include": ["lib/earlybird.json"],
 "fixtures": {"orders": {"file": "orders.ndjson"}, "delivery_statuses": {"file": "delivery_statuses.ndjson"},
              "customers_v2": {"file": "customers_v2.ndjson"}, "billing_ledger": {"file": "billing_ledger.ndjson"},
              "billing_runs": {"file": "billing_runs.ndjson"}},
 "tests": [{"name": "types survive and billing's invariants hold",
   "steps": [
     {"count": "orders", "expect": {"$$gte": 5000}},
     {"count": "orders", "filter": {"$or": [{"total": {"$not": {"$type": "decimal"}}}, {"created_at": {"$not": {"$type": "date"}}}]}, "expect": 0},
     {"aggregate": "orders", "pipeline": [{"$unwind": "$items"}, {"$match": {"$or": [{"items.quantity": {"$not": {"$type": "int"}}}, {"items.price": {"$not": {"$type": "decimal"}}}]}}, {"$project": {"_id": 1}}, {"$limit": 5}], "expect": []},
     {"count": "billing_ledger", "filter": {"amount": {"$not": {"$type": "decimal"}}}, "expect": 0},
     {"count": "customers_v2", "filter": {"total_billed": {"$not": {"$type": "decimal"}}}, "expect": 0},
     {"count": "orders", "filter": {"_id": {"$regex": "^o-"}, "status": "delivered", "delivery_confirmed": {"$ne": true}}, "expect": 0}],
   "checks": ["earlybird.noDoubleBilling", "earlybird.deliveryStatusesReferenceOrders", "earlybird.ledgerMatchesCustomers",
              "earlybird.ledgerEntriesReferenceOrdersAndCustomers", "earlybird.everyBilledOrderCharged"]}]}
EOF
expect 0 "0. Preflight loads the files; billing invariants hold" \
  "$PREFLIGHT" run --uri "$URI" "$WORK/loads.json" --junit "$WORK/loads.xml"

cd "$REPO" || exit 1
MON="scenarios/earlybird/monitoring/billable-backlog.json scenarios/earlybird/monitoring/billed-orders.json scenarios/earlybird/monitoring/revenue.json"
expect 1 "a. compat today: billed, billed_month and reachability fail" \
  "$PREFLIGHT" compat scenarios/earlybird/compat/orders-0.7.json --uri "$URI" --database earlybird --junit "$WORK/a.xml"
expect 1 "b. monitoring today: two tests fail" \
  "$PREFLIGHT" run --uri "$URI" --database earlybird $MON --junit "$WORK/b.xml"
# shellcheck disable=SC2086
expect 0 "c. migrate verify 0007 on a full copy" \
  "$PREFLIGHT" migrate verify scenarios/earlybird/migrations/0007-backfill-billing-fields.json \
  --copy-from "$URI" --source-database earlybird --junit "$WORK/c.xml"
expect 0 "d. compat after 0007's up" \
  "$PREFLIGHT" compat scenarios/earlybird/compat/orders-0.7.json --uri "$URI" --database earlybird_after0007 --junit "$WORK/d1.xml"
# shellcheck disable=SC2086
expect 0 "d. monitoring after 0007's up" \
  "$PREFLIGHT" run --uri "$URI" --database earlybird_after0007 $MON --junit "$WORK/d2.xml"

# the failures of a and b are exactly the expected ones
"$PY" - "$WORK/a.xml" "$WORK/b.xml" <<'EOF' || status=1
import sys, xml.etree.ElementTree as ET
def failed(path):
    return sorted(tc.get("name") for tc in ET.parse(path).iter("testcase")
                  if tc.find("failure") is not None or tc.find("error") is not None)
a, b = failed(sys.argv[1]), failed(sys.argv[2])
want_a = sorted(["billed", "billed_month", "every delivered, unbilled order is visible to the billing query"])
want_b = sorted(["no delivered, unbilled order is invisible to the billing query",
                 "every billed order has a billed_at date and a billed_month"])
print("\n== failing checks today\ncompat:     %s\nmonitoring: %s" % (a, b))
sys.exit(0 if (a, b) == (want_a, want_b) else 1)
EOF
echo; [ $status = 0 ] && echo "every expectation held" || echo "SOME EXPECTATION DID NOT HOLD"
exit $status
