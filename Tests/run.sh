#!/usr/bin/env bash
# `make test`'s runner. The XCTest bundle `swift build --build-tests` made, run as two
# processes at once over two halves of the test classes: most of the suite's time is
# spent waiting (on a scratch server, on a lease renewal, on a killed server's timeout),
# and two halves wait side by side. Each class still starts its own scratch server, so the
# halves share nothing. (`swift test` itself cannot run twice at once: SwiftPM locks .build.)
#
# The slow classes are weighed by the seconds they took beside the other half; the others
# count 0.4, their mean. Group 2 is shown as it runs, group 1 after; then the classes
# that must run alone (below); the run fails if any part does.
#
# Alone: classes that compare the exact outcome of a race between two runs (which orders
# two racing billing runs both bill), as one machine's timing makes it; the other half's
# load would change that timing between their two runs.
alone="ScaleOutFailingFixturesTests"
set -uo pipefail
cd "$(dirname "$0")/.."
bundle="$(swift build --show-bin-path)/PreflightPackageTests.xctest"
[ -x "$bundle" ] || { echo "run.sh: no test bundle at $bundle; run swift build --build-tests first" >&2; exit 2; }

classes=$("$bundle" --list-tests | sed -n 's|^\([A-Za-z0-9_]*\.[A-Za-z0-9_]*\)/.*|\1|p' | sort -u)
[ -n "$classes" ] || { echo "run.sh: the bundle lists no tests" >&2; exit 2; }
# Seconds each took in a fresh clone's make test, beside the other half; greedy: heaviest
# first, to the lighter group.
read -r one two < <(echo "$classes" | awk -v alone="$alone" '
    BEGIN {
        n = split(alone, names, " "); for (i = 1; i <= n; i++) skip[names[i]] = 1
        w["GateCommandTests"] = 54; w["EarlyBirdAppTests"] = 25; w["ScaleOutTests"] = 23; w["EarlyBirdPackTests"] = 18
        w["LostServerTests"] = 18; w["MigrationSourceTests"] = 11; w["RunCommandTests"] = 8; w["ReadPreferenceTests"] = 7
        w["EarlyExitReportTests"] = 7; w["GateReadOnlyUserTests"] = 6; w["CaptureTests"] = 5; w["SandboxSafetyTests"] = 4
        w["ServiceTests"] = 4; w["MigrateCommandTests"] = 3; w["GateFalseGreenTests"] = 3; w["ReportFormatsCommandTests"] = 3
        w["CompatCommandTests"] = 2; w["SchemaAgreementTests"] = 2; w["ScratchServerTests"] = 2; w["LoaderFuzzTests"] = 2
        w["SandboxOwnershipTests"] = 2; w["FastJSONReaderTests"] = 2; w["ScenarioRunIntegrationTests"] = 2; w["ScratchCommandTests"] = 2
    }
    { split($0, p, "."); if (p[2] in skip) next; weight = (p[2] in w) ? w[p[2]] : 0.4; print weight, $0 }' |
    sort -k1,1nr -k2 | awk '
    { if (a <= b) { a += $1; one = one (one ? "," : "") $2 } else { b += $1; two = two (two ? "," : "") $2 } }
    END { print one, two }')

log=$(mktemp)
shown=$(mktemp)
solo=$(mktemp)
trap 'rm -f "$log" "$shown" "$solo"' EXIT
"$bundle" "$one" > "$log" 2>&1 &
first=$!
"$bundle" "$two" 2>&1 | tee "$shown"
second=${PIPESTATUS[0]}
wait "$first"
first_status=$?
echo
echo "=== the other half of the test classes ==="
cat "$log"
echo
echo "=== the classes that run alone: $alone ==="
solo_classes=$(echo "$classes" | grep -E "\.($(echo "$alone" | tr ' ' '|'))$" | paste -sd, -)
if [ -n "$solo_classes" ]; then
    "$bundle" "$solo_classes" 2>&1 | tee "$solo"
    third=${PIPESTATUS[0]}
else
    # A renamed class would otherwise be silently run with the others, or not at all.
    echo "run.sh: none of $alone is in the bundle; update run.sh" | tee "$solo"
    third=2
fi
echo
summary() { grep -E "^[[:space:]]+Executed [0-9]+ tests?," "$1" | tail -1 | sed 's/^[[:space:]]*//'; }
echo "run.sh: group 1: $(summary "$log")"
echo "run.sh: group 2: $(summary "$shown")"
echo "run.sh: alone: $(summary "$solo")"
[ "$first_status" -eq 0 ] && [ "$second" -eq 0 ] && [ "$third" -eq 0 ] && { echo "run.sh: every part passed"; exit 0; }
echo "run.sh: FAILED (group 1 exit $first_status, group 2 exit $second, alone exit $third)"
exit 1
