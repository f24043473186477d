#!/usr/bin/env bash
# Peak memory and time of `preflight compat` as the collection grows: every field is
# counted in one aggregation inside the server, so Preflight's peak RSS should stay flat
# from 10k to 1M documents while the server's time grows with them.
# Figures, not a pass/fail; not part of `make test`.
#
#   bench/compat-memory.sh                  # 10k, 100k and 1M documents
#   SIZES="100000" bench/compat-memory.sh   # one size
#
# Seeds legacy-looking orders on a scratch server with pymongo from .venv/ (make setup),
# then runs the EarlyBird spec under /usr/bin/time: %M is the peak resident set in KiB.
# A third of the orders are legacy (no Phase 0.7 fields), and some carry the faults the
# spec exists for, so the failing checks' second reads (samples, wrong types) run too.
set -euo pipefail
cd "$(dirname "$0")/.."
preflight=${PREFLIGHT:-.build/release/preflight}
python=${PYTHON:-.venv/bin/python}
sizes=${SIZES:-10000 100000 1000000}
spec=scenarios/earlybird/compat/orders-0.7.json
out=$(mktemp -d)
trap 'kill "$scratch" 2>/dev/null || true; wait "$scratch" 2>/dev/null || true; rm -rf "$out"' EXIT

[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (Debian package: time)" >&2; exit 3; }
"$preflight" scratch > "$out/uri" 2> "$out/scratch.log" &
scratch=$!
for _ in $(seq 1 300); do [ -s "$out/uri" ] && break; sleep 0.1; done
uri=$(head -1 "$out/uri")
[ -n "$uri" ] || { echo "the scratch server did not start:" >&2; cat "$out/scratch.log" >&2; exit 3; }

seed() { # N orders into bench_compat.orders
    "$python" - "$uri" "$1" <<'PY'
import sys, datetime
from pymongo import MongoClient
client = MongoClient(sys.argv[1])
client.drop_database("bench_compat")
orders, total, batch = client.bench_compat.orders, int(sys.argv[2]), []
start = datetime.datetime(2025, 1, 1)
for n in range(total):
    order = {"_id": f"o-{n:08d}", "customer_id": f"c-{n % 5000}", "status": ["pending", "delivered", "cancelled"][n % 3],
             "total": 1 + n % 40, "created_at": start + datetime.timedelta(minutes=n)}
    if n % 3:  # Phase 0.7 orders; every 997th with a fault
        order.update({"billed": n % 2 == 0, "delivery_confirmed": n % 3 == 1, "billed_at": None,
                      "billed_month": "2026-01" if n % 2 == 0 else None, "delivered_at": None})
        if n % 997 == 0: order["billed"] = "false"
        if n % 991 == 0: order["billed_month"] = start
    batch.append(order)
    if len(batch) == 10000:
        orders.insert_many(batch, ordered=False); batch = []
if batch: orders.insert_many(batch, ordered=False)
PY
}

echo "compat $spec, preflight $("$preflight" --version), $(nproc) cores"
for n in $sizes; do
    seeded_at=$(date +%s.%N)
    seed "$n"
    seeded=$(awk -v s="$seeded_at" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
    status=0
    /usr/bin/time -f "%M %e %U %S" -o "$out/time" "$preflight" compat "$spec" --uri "$uri" --database bench_compat \
        --junit "$out/junit-$n.xml" -q > "$out/run-$n.log" 2>&1 || status=$?
    read -r kib seconds user system < <(tail -1 "$out/time")
    # Exit 1 is expected: the seeded faults fail checks. Anything else is a broken run.
    printf '%8d documents: peak RSS %6.1f MiB, %7.1f s wall, %6.1f s CPU in preflight (exit %d; seeding took %s s)\n' "$n" "$(awk -v k="$kib" 'BEGIN {print k / 1024}')" "$seconds" "$(awk -v u="$user" -v s="$system" 'BEGIN {print u + s}')" "$status" "$seeded"
    [ "$status" -le 1 ] || sed 's/^/    /' "$out/run-$n.log"
    tail -1 "$out/run-$n.log" | sed 's/^/    /'
done
