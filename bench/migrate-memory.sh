#!/usr/bin/env bash
# Peak memory of `preflight migrate verify --copy-from` as the collection grows: the
# comparison streams both sides in _id order and copies in batches, so Preflight's peak
# RSS should stay flat from 10k to 1M documents while the time grows with them.
# Figures, not a pass/fail; not part of `make test`.
#
#   bench/migrate-memory.sh                  # 10k, 100k and 1M documents
#   SIZES="100000" bench/migrate-memory.sh   # one size
#
# Seeds a source database on a scratch server with pymongo from .venv/ (make setup), then
# times `migrate verify` with /usr/bin/time: %M is the peak resident set size in KiB.
set -euo pipefail
cd "$(dirname "$0")/.."
preflight=${PREFLIGHT:-.build/release/preflight}
python=${PYTHON:-.venv/bin/python}
sizes=${SIZES:-10000 100000 1000000}
out=$(mktemp -d)
trap 'kill "$scratch" 2>/dev/null || true; wait "$scratch" 2>/dev/null || true; rm -rf "$out"' EXIT

[ -x /usr/bin/time ] || { echo "/usr/bin/time is missing (Debian package: time)" >&2; exit 3; }
"$preflight" scratch > "$out/uri" 2> "$out/scratch.log" &
scratch=$!
for _ in $(seq 1 300); do [ -s "$out/uri" ] && break; sleep 0.1; done
uri=$(head -1 "$out/uri")
[ -n "$uri" ] || { echo "the scratch server did not start:" >&2; cat "$out/scratch.log" >&2; exit 3; }

# up adds a field to every order and down removes it: every check reads every document.
cat > "$out/migration.json" <<'JSON'
{"preflight": 1, "migration": "bench: flag every order", "database": "bench_source",
 "changes": {"orders": {"adds": ["flag"]}},
 "up": [{"updateMany": "orders", "filter": {"flag": {"$exists": false}}, "update": {"$set": {"flag": true}}}],
 "down": [{"updateMany": "orders", "filter": {}, "update": {"$unset": {"flag": ""}}}]}
JSON

seed() { # N order-like documents (about 300 bytes each) into bench_source.orders
    "$python" - "$uri" "$1" <<'PY'
import sys, datetime
from decimal import Decimal
from bson import Decimal128
from pymongo import MongoClient
client = MongoClient(sys.argv[1])
client.drop_database("bench_source")
orders, total, batch = client.bench_source.orders, int(sys.argv[2]), []
start = datetime.datetime(2025, 1, 1)
for n in range(total):
    batch.append({"_id": f"o-{n:08d}", "customer_id": f"c-{n % 5000}", "status": ["pending", "delivered", "cancelled"][n % 3],
                  "items": [{"product": "Milk 1L", "quantity": 1 + n % 4, "price": Decimal128(Decimal("1.10"))}],
                  "total": Decimal128(Decimal("1.10") * (1 + n % 4)), "delivery_address": f"{n % 300} Lake Road",
                  "created_at": start + datetime.timedelta(minutes=n), "billed": n % 2 == 0})
    if len(batch) == 10000:
        orders.insert_many(batch, ordered=False); batch = []
if batch: orders.insert_many(batch, ordered=False)
PY
}

echo "migrate verify --copy-from, preflight $("$preflight" --version), $(nproc) cores, scratch server: $(sed -n 's/^Scratch server ready: \([^ ]*\).*/\1/p' "$out/scratch.log" | xargs -r basename)"
for n in $sizes; do
    seeded_at=$(date +%s.%N)
    seed "$n"
    seeded=$(awk -v s="$seeded_at" -v e="$(date +%s.%N)" 'BEGIN {printf "%.1f", e - s}')
    status=0
    /usr/bin/time -f "%M %e %U %S" -o "$out/time" "$preflight" migrate verify "$out/migration.json" --uri "$uri" --copy-from "$uri" \
        --junit "$out/junit-$n.xml" -q > "$out/run-$n.log" 2>&1 || status=$?
    read -r kib seconds user system < <(tail -1 "$out/time")
    printf '%8d documents: peak RSS %6.1f MiB, %7.1f s wall, %6.1f s CPU in preflight (exit %d; seeding took %s s)\n' "$n" "$(awk -v k="$kib" 'BEGIN {print k / 1024}')" "$seconds" "$(awk -v u="$user" -v s="$system" 'BEGIN {print u + s}')" "$status" "$seeded"
    [ "$status" = 0 ] || sed 's/^/    /' "$out/run-$n.log"
done
