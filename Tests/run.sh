#!/usr/bin/env bash
# `make test`'s runner. The XCTest bundle `swift build --build-tests` made, run as four
# processes at once, each over a group of the test classes: a third of the suite's time
# is spent waiting (on a scratch server, on a lease renewal, on a killed server's
# timeout), and four groups wait side by side. Each class still starts its own scratch
# server, so the groups share nothing. (`swift test` itself cannot run twice at once:
# SwiftPM locks .build.) On two cores, two groups took 2 min 5 s, three 1 min 43 s, four
# 1 min 26 s and five 1 min 34 s (the gate class alone then outweighs a group);
# PREFLIGHT_TEST_GROUPS changes the number.
#
# The slow classes are weighed by the seconds they took beside three other groups; the
# others count 0.4, about their mean. The last group is shown as it runs, the others
# after it; then the classes that must run alone (below); the run fails if any part does.
#
# Alone: classes that compare the exact outcome of a race between two runs (which orders
# two racing billing runs both bill), as one machine's timing makes it; the other groups'
# load would change that timing between their two runs.
alone="ScaleOutFailingFixturesTests"
set -uo pipefail
cd "$(dirname "$0")/.."
bundle="$(swift build --show-bin-path)/PreflightPackageTests.xctest"
[ -x "$bundle" ] || { echo "run.sh: no test bundle at $bundle; run swift build --build-tests first" >&2; exit 2; }

classes=$("$bundle" --list-tests | sed -n 's|^\([A-Za-z0-9_]*\.[A-Za-z0-9_]*\)/.*|\1|p' | sort -u)
[ -n "$classes" ] || { echo "run.sh: the bundle lists no tests" >&2; exit 2; }
# Seconds each took beside three other groups; greedy: heaviest first, to the lightest group.
groups=${PREFLIGHT_TEST_GROUPS:-4}
[[ $groups =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: PREFLIGHT_TEST_GROUPS must be a whole number from 1, got \"$groups\"" >&2; exit 2; }
mapfile -t parts < <(echo "$classes" | awk -v alone="$alone" '
    BEGIN {
        n = split(alone, names, " "); for (i = 1; i <= n; i++) skip[names[i]] = 1
        w["GateCommandTests"] = 66; w["EarlyBirdPackTests"] = 36; w["EarlyBirdAppTests"] = 31; w["ScaleOutTests"] = 25
        w["MigrationSourceTests"] = 23; w["LostServerTests"] = 18; w["RunCommandTests"] = 9; w["CaptureTests"] = 9
        w["ReadPreferenceTests"] = 7; w["EarlyExitReportTests"] = 7; w["GateReadOnlyUserTests"] = 7
        w["MigrateCommandTests"] = 6; w["SandboxSafetyTests"] = 4; w["ServiceTests"] = 4; w["ReportFormatsCommandTests"] = 4
        w["CompatCommandTests"] = 3; w["GateFalseGreenTests"] = 3; w["FastJSONReaderTests"] = 3; w["SchemaAgreementTests"] = 3
        w["ReadmeExampleTests"] = 2; w["ScratchCommandTests"] = 2; w["GateServerSectionTests"] = 2
        w["SandboxOwnershipTests"] = 2; w["ScratchServerTests"] = 2; w["LoaderFuzzTests"] = 2; w["MigrationVerifyTests"] = 2
        w["SecretRedactionCorpusTests"] = 2; w["CompatScanTests"] = 2; w["ScenarioRunIntegrationTests"] = 2
    }
    { split($0, p, "."); if (p[2] in skip) next; weight = (p[2] in w) ? w[p[2]] : 0.4; print weight, $0 }' |
    sort -k1,1nr -k2 | awk -v groups="$groups" '
    {
        lightest = 1
        for (g = 2; g <= groups; g++) if (load[g] < load[lightest]) lightest = g
        load[lightest] += $1; list[lightest] = list[lightest] (list[lightest] ? "," : "") $2
    }
    END { for (g = 1; g <= groups; g++) if (list[g] != "") print list[g] }')

logs=()
pids=()
solo=$(mktemp)
# Ctrl-C or a TERM stops everything this script started, the `preflight` processes the
# tests run included: a script's background jobs ignore SIGINT, and a test's `preflight`
# runs in a process group of its own and outlives its test process. So every group runs
# in the background and is waited for (a trapped signal interrupts the wait at once),
# and on a signal each group is stopped with everything under it, found before any dies.
# An early exit of any other kind stops what is still running too.
descendants() { local child; for child in $(pgrep -P "$1"); do echo "$child"; descendants "$child"; done; }
stop_all() {
    trap "" INT TERM
    local everything=() pid
    for pid in "${pids[@]}"; do everything+=($(descendants "$pid") "$pid"); done
    ((${#everything[@]} == 0)) || kill -TERM "${everything[@]}" 2>/dev/null
    wait
}
trap 'stop_all; exit 130' INT
trap 'stop_all; exit 143' TERM
trap 'stop_all; rm -f "${logs[@]}" "$solo"' EXIT

# Runs the bundle over `$2` in the background, its output into `$1`; with `$3` set, also
# shown as it runs, through a `tee` that ignores Ctrl-C (were it to die first, the test
# process would die writing to it, and the children it leaves would no longer be found).
# Sets `started` to the test process and `shown` to the tee.
start() {
    if [ -n "${3:-}" ]; then
        local out
        exec {out}> >(trap '' INT; exec tee "$1")
        shown=$!
        "$bundle" "$2" >&"$out" 2>&1 &
        started=$!
        exec {out}>&-
    else
        "$bundle" "$2" > "$1" 2>&1 &
        started=$!
    fi
}

# Every group runs into a log; the last one is also shown as it runs.
last=$((${#parts[@]} - 1))
for ((g = 0; g <= last; g++)); do
    logs[g]=$(mktemp)
    start "${logs[g]}" "${parts[g]}" "$( ((g == last)) && echo shown)"
    pids[g]=$started
done
statuses=()
wait "${pids[last]}"
statuses[last]=$?
wait "$shown"  # the shown group's last lines, before the other groups' logs
for ((g = 0; g < last; g++)); do
    wait "${pids[g]}"
    statuses[g]=$?
    echo
    echo "=== test group $((g + 1)) of ${#parts[@]} ==="
    cat "${logs[g]}"
done
echo
echo "=== the classes that run alone: $alone ==="
solo_classes=$(echo "$classes" | grep -E "\.($(echo "$alone" | tr ' ' '|'))$" | paste -sd, -)
if [ -n "$solo_classes" ]; then
    start "$solo" "$solo_classes" shown
    pids+=("$started")
    wait "$started"
    third=$?
    wait "$shown"
else
    # A renamed class would otherwise be silently run with the others, or not at all.
    echo "run.sh: none of $alone is in the bundle; update run.sh" | tee "$solo"
    third=2
fi
pids=()  # all finished: nothing for the EXIT trap to stop
echo
summary() { grep -E "^[[:space:]]+Executed [0-9]+ tests?," "$1" | tail -1 | sed 's/^[[:space:]]*//'; }
failed=0
for ((g = 0; g < ${#parts[@]}; g++)); do
    echo "run.sh: group $((g + 1)): $(summary "${logs[g]}")"
    [ "${statuses[g]}" -eq 0 ] || failed=1
done
echo "run.sh: alone: $(summary "$solo")"
[ "$third" -eq 0 ] || failed=1
[ "$failed" -eq 0 ] && { echo "run.sh: every part passed"; exit 0; }
echo "run.sh: FAILED (group exits: ${statuses[*]}, alone exit $third)"
exit 1
