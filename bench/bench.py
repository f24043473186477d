#!/usr/bin/env python3
"""`make bench`: Preflight's costs, measured side by side on one scratch server.

Figures, not pass/fail. Every comparison alternates its two sides round by round, so a
machine that gets busier part-way slows both alike, and quotes medians and their ratio.

  (a) overhead  the file bench/overhead/generate.py writes (N insertOne, then N find by
                _id with expect, save and a variable) against bench/overhead/bare.c, the
                same work in a bare libmongoc loop, at several sizes: the smallest shows
                the fixed cost of an invocation, the difference between the two largest
                the cost per operation. Wall time and CPU time (user + system) of each
                process. Beside them, the bare loop with command monitoring on (each
                command and reply copied, as a command log must), the floor of any
                runner that logs what it sends. Where valgrind is installed, the same
                in instructions (callgrind), which move far less from run to run than
                times, with a third C variant that also reads each step from its JSON
                text with libbson's reader (bench/overhead/bare.c says what each does).
  (b) pack      the EarlyBird phase-0.7 and incident files against bench/peer/, the same
                checks written with pytest and pymongo.
  (c) server    the scratch server's time per insert at the start of a run and after
                100,000 writes, in one `preflight run` (standalone, as `preflight` starts
                one for files without transactions), and the same for the replica-set mode
                over fewer writes (it slows down as writes accumulate; RS_WRITES).
  (d) jobs      the pack with --jobs 1 against --jobs 2.

Environment: PREFLIGHT (binary, default .build/release/preflight), ROUNDS (5),
SIZES ("1 200 2000": N of each operation; the smallest shows the fixed cost of an
invocation, the two largest the cost per operation), WRITES (100000), RS_WRITES (10000),
ONLY (a comma-separated list of sections: overhead,pack,server,jobs).
"""
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PREFLIGHT = os.path.abspath(os.environ.get("PREFLIGHT", os.path.join(ROOT, ".build/release/preflight")))
PYTHON = os.path.join(ROOT, ".venv/bin/python")
ROUNDS = int(os.environ.get("ROUNDS", "5"))
SIZES = sorted(int(size) for size in os.environ.get("SIZES", "1 200 2000").split())
WRITES = int(os.environ.get("WRITES", "100000"))
RS_WRITES = int(os.environ.get("RS_WRITES", "10000"))
ONLY = set(filter(None, os.environ.get("ONLY", "overhead,pack,server,jobs").split(",")))
PACK = ["scenarios/earlybird/phase-0.7", "scenarios/earlybird/incidents"]


def timed(argv, env=None):
    """Runs argv; returns (wall seconds, CPU seconds). A failed run stops the benchmark:
    the time of something that did not work means nothing."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    done = subprocess.run(argv, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    wall = time.monotonic() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        sys.exit("bench: %s exited %d:\n%s" % (" ".join(argv), done.returncode, done.stdout.decode(errors="replace")[-4000:]))
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def median(values):
    return statistics.median(values)


class Scratch:
    """`preflight scratch`, kept up for a section; its URI is the first line it prints."""

    def __init__(self, replica_set=False):
        argv = [PREFLIGHT, "scratch"] + (["--replica-set"] if replica_set else [])
        self.process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.uri = self.process.stdout.readline().strip()
        if not self.uri:
            sys.exit("bench: the scratch server did not start:\n" + self.process.stderr.read())

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=30)


def row(label, left, right, unit="s"):
    ratio = left / right if right else float("nan")
    print("  %-34s %9.3f %s %9.3f %s   %5.2fx" % (label, left, unit, right, unit, ratio))


def overhead(work):
    print("\n(a) overhead: N insertOne + N find by _id, Preflight against a bare libmongoc loop, N = %s (medians of %d)"
          % (", ".join(map(str, SIZES)), ROUNDS))
    bare = os.path.join(work, "bare")
    flags = subprocess.run(["pkg-config", "--cflags", "--libs", "libmongoc-1.0"], capture_output=True, text=True, check=True).stdout.split()
    subprocess.run(["cc", "-O2", os.path.join(ROOT, "bench/overhead/bare.c"), "-o", bare] + flags, check=True)
    files = {}
    for n in SIZES:
        files[n] = os.path.join(work, "overhead-%d.json" % n)
        with open(files[n], "w") as out:
            subprocess.run([sys.executable, os.path.join(ROOT, "bench/overhead/generate.py"), str(n)], stdout=out, check=True)
    server = Scratch()
    # Each side's command line for N of each operation, its database named by `run`.
    sides = {
        "preflight": lambda n, run: [PREFLIGHT, "run", files[n], "--uri", server.uri, "-q", "--junit", os.path.join(work, "junit.xml")],
        "bare": lambda n, run: [bare, server.uri, "bench_bare_%s" % run, str(n)],
        "monitored": lambda n, run: [bare, server.uri, "bench_monitored_%s" % run, str(n), "--monitored"],
        "json": lambda n, run: [bare, server.uri, "bench_json_%s" % run, str(n), "--json"],
        "check": lambda n, run: [PREFLIGHT, "check", files[n]],
    }
    try:
        figures = {(side, n): {"wall": [], "cpu": []} for side in ("preflight", "bare", "monitored") for n in SIZES}
        for round_number in range(ROUNDS):
            for n in SIZES:
                for side in ("preflight", "bare", "monitored"):
                    wall, cpu = timed(sides[side](n, round_number))
                    figures[(side, n)]["wall"].append(wall)
                    figures[(side, n)]["cpu"].append(cpu)
        instructions = counted(work, sides)
    finally:
        server.stop()
    m = {key: {kind: median(values) for kind, values in sides.items()} for key, sides in figures.items()}
    print("  %-34s %11s %11s   %6s" % ("", "Preflight", "bare", "ratio"))
    for n in SIZES:
        row("%d operations, wall" % (2 * n), m[("preflight", n)]["wall"], m[("bare", n)]["wall"])
        row("%d operations, CPU" % (2 * n), m[("preflight", n)]["cpu"], m[("bare", n)]["cpu"])
    low, high = SIZES[-2], SIZES[-1]
    operations = 2 * (high - low)
    for kind in ("wall", "cpu"):
        per = {side: (m[(side, high)][kind] - m[(side, low)][kind]) / operations * 1000 for side in ("preflight", "bare")}
        row("per operation, %s, %d to %d ops" % (kind, 2 * low, 2 * high), per["preflight"], per["bare"], "ms")
    cpu = {side: (m[(side, high)]["cpu"] - m[(side, low)]["cpu"]) / operations * 1000 for side in ("bare", "monitored")}
    print("  the bare loop with command monitoring (each command and reply copied): %.3f ms CPU per operation, %.2fx the bare loop"
          % (cpu["monitored"], cpu["monitored"] / cpu["bare"] if cpu["bare"] else float("nan")))
    smallest = SIZES[0]
    fixed = m[("preflight", smallest)]["wall"] - m[("bare", smallest)]["wall"]
    print("  a %d-operation run costs Preflight %+.0f ms more than the bare loop (wall)" % (2 * smallest, fixed * 1000))
    # The file grows with N (a step per operation): how much of the per-operation figure
    # is reading and validating it, which `preflight check` does alone, without a server.
    checks = {n: median([timed(sides["check"](n, None))[1] for _ in range(ROUNDS)]) for n in (low, high)}
    print("  of Preflight's CPU per operation, reading and validating its step (preflight check): %.3f ms"
          % ((checks[high] - checks[low]) / operations * 1000))
    if not instructions:
        print("  (valgrind is not installed: no instruction counts)")
    else:
        print("  instructions per operation (callgrind, %d to %d ops, one run each):" % (2 * low, 2 * high))
        for label, side in (("Preflight", "preflight"), ("bare loop", "bare"), ("bare, monitored", "monitored"),
                            ("bare, monitored, steps read from JSON", "json"), ("preflight check (per step)", "check")):
            print("    %-40s %9s   %5.2fx the bare loop" % (label, format(round(instructions[side]), ","), instructions[side] / instructions["bare"]))


def counted(work, sides):
    """Instructions per operation of each of `sides`, from callgrind at the two largest
    sizes (their difference, so start-up is left out); None without valgrind."""
    if not shutil.which("valgrind"):
        return None
    low, high = SIZES[-2], SIZES[-1]
    totals = {}
    for side, argv in sides.items():
        for n in (low, high):
            out = os.path.join(work, "callgrind.out")
            timed(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + argv(n, "count_%d" % n))
            with open(out) as profile:
                totals[(side, n)] = next(int(line.split()[1]) for line in profile if line.startswith("totals:"))
    return {side: (totals[(side, high)] - totals[(side, low)]) / (2 * (high - low)) for side in sides}


def pack(work):
    print("\n(b) the EarlyBird pack (%s) against bench/peer/ (pytest + pymongo), medians of %d" % (" ".join(PACK), ROUNDS))
    server = Scratch()
    env = dict(os.environ, PEER_URI=server.uri)
    walls = {"preflight": [], "peer": []}
    cpus = {"preflight": [], "peer": []}
    try:
        for _ in range(ROUNDS):
            wall, cpu = timed([PREFLIGHT, "run"] + PACK + ["--uri", server.uri, "-q", "--junit", os.path.join(work, "junit.xml")])
            walls["preflight"].append(wall)
            cpus["preflight"].append(cpu)
            wall, cpu = timed([PYTHON, "-m", "pytest", "-q", "-p", "no:cacheprovider", "bench/peer"], env=env)
            walls["peer"].append(wall)
            cpus["peer"].append(cpu)
    finally:
        server.stop()
    print("  %-34s %11s %11s   %6s" % ("", "Preflight", "pytest", "ratio"))
    row("wall", median(walls["preflight"]), median(walls["peer"]))
    row("CPU (client process)", median(cpus["preflight"]), median(cpus["peer"]))


def server_drift(work):
    print("\n(c) the scratch server's time per insert as writes accumulate, in one `preflight run`")
    for label, replica_set, writes in (("standalone", False, WRITES), ("replica set", True, RS_WRITES)):
        per_iteration = 1000
        iterations = max(2, writes // per_iteration)
        scenario = {
            "preflight": 1, "name": "writes", "database": "drift",
            "vars": {"ids": list(range(per_iteration))},
            "tests": [{"name": "%d inserts, %d times" % (per_iteration, iterations), "repeat": iterations,
                       "steps": [{"forEach": "ids", "as": "i", "steps": [
                           {"insertOne": "items", "document": {"_id": {"$$var": "i"}, "pad": "x" * 64}}]}]}],
        }
        path = os.path.join(work, "drift.json")
        with open(path, "w") as out:
            json.dump(scenario, out)
        server = Scratch(replica_set=replica_set)
        try:
            report = os.path.join(work, "drift-report.json")
            wall, _ = timed([PREFLIGHT, "run", path, "--uri", server.uri, "-q", "--json", report, "--junit", os.path.join(work, "junit.xml")])
        finally:
            server.stop()
        with open(report) as source:
            steps = json.load(source)["suites"][0]["tests"][0]["steps"]
        # Each iteration is 1,000 inserts; the median of the first five and of the last
        # five, so one hiccup of the machine does not make the figure.
        window = min(5, max(1, iterations // 5))
        first = median([step["duration"] for step in steps[:window]]) / per_iteration * 1000
        last = median([step["duration"] for step in steps[-window:]]) / per_iteration * 1000
        print("  %-12s first %s writes %.3f ms each, last %s (to the %s-th) %.3f ms each (%.2fx); %s writes in %.0f s"
              % (label, format(window * per_iteration, ","), first, format(window * per_iteration, ","),
                 format(iterations * per_iteration, ","), last, last / first, format(iterations * per_iteration, ","), wall))


def jobs(work):
    print("\n(d) the EarlyBird pack with --jobs 1 against --jobs 2, medians of %d" % ROUNDS)
    server = Scratch()
    walls = {1: [], 2: []}
    try:
        for _ in range(ROUNDS):
            for count in (1, 2):
                wall, _ = timed([PREFLIGHT, "run"] + PACK + ["--uri", server.uri, "--jobs", str(count), "-q", "--junit", os.path.join(work, "junit.xml")])
                walls[count].append(wall)
    finally:
        server.stop()
    print("  %-34s %11s %11s   %6s" % ("", "--jobs 2", "--jobs 1", "ratio"))
    row("wall", median(walls[2]), median(walls[1]))


def main():
    version = subprocess.run([PREFLIGHT, "--version"], capture_output=True, text=True).stdout.strip()
    print("preflight %s; %d cores; %s" % (version, os.cpu_count(), " ".join(os.uname()[2:3])))
    work = tempfile.mkdtemp(prefix="preflight-bench-")
    try:
        if "overhead" in ONLY: overhead(work)
        if "pack" in ONLY: pack(work)
        if "server" in ONLY: server_drift(work)
        if "jobs" in ONLY: jobs(work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
