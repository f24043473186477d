#!/usr/bin/env bash
# `--jobs 1` against `--jobs 2` on the EarlyBird pack, side by side on one scratch server:
# the runs alternate, so a machine that gets busier part-way slows both alike.
# Prints each run's wall time, the medians and their ratio. Figures, not a pass/fail.
set -euo pipefail
cd "$(dirname "$0")/.."
preflight=${PREFLIGHT:-.build/release/preflight}
rounds=${ROUNDS:-5}
paths=(scenarios/earlybird/phase-0.7 scenarios/earlybird/incidents)
out=$(mktemp -d)
trap 'kill "$scratch" 2>/dev/null || true; wait "$scratch" 2>/dev/null || true; rm -rf "$out"' EXIT

"$preflight" scratch > "$out/uri" 2> "$out/scratch.log" &
scratch=$!
for _ in $(seq 1 300); do [ -s "$out/uri" ] && break; sleep 0.1; done
uri=$(head -1 "$out/uri")
[ -n "$uri" ] || { echo "the scratch server did not start:" >&2; cat "$out/scratch.log" >&2; exit 3; }

# One run; its wall time in seconds goes to $elapsed. Not in a $(…) subshell, so a run
# that fails stops the benchmark instead of being timed.
timed_run() {
    local start end
    start=$(date +%s.%N)
    if ! "$preflight" run "${paths[@]}" --uri "$uri" --jobs "$1" --junit "$out/junit-$1.xml" -q > "$out/run.log" 2>&1; then
        echo "the --jobs $1 run did not pass, so its time means nothing:" >&2
        cat "$out/run.log" >&2
        exit 1
    fi
    end=$(date +%s.%N)
    elapsed=$(awk -v s="$start" -v e="$end" 'BEGIN {printf "%.2f", e - s}')
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }

echo "EarlyBird pack (${paths[*]}), $rounds rounds, preflight $("$preflight" --version)"
for round in $(seq 1 "$rounds"); do
    timed_run 1; one=$elapsed
    timed_run 2; two=$elapsed
    echo "round $round: --jobs 1 ${one} s, --jobs 2 ${two} s"
    echo "$one" >> "$out/one"; echo "$two" >> "$out/two"
done
m1=$(median < "$out/one"); m2=$(median < "$out/two")
echo "median: --jobs 1 ${m1} s, --jobs 2 ${m2} s; --jobs 2 takes $(awk -v a="$m1" -v b="$m2" 'BEGIN {printf "%.2f", b / a}')x the time of --jobs 1"
