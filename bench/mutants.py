#!/usr/bin/env python3
"""How many planted bugs does the EarlyBird pack catch? Figures, not pass/fail.

Reads scenarios/earlybird/lib/earlybird.json and plants one bug at a time in its
`procedures`, systematically and deterministically:

  drop-field     drop a field of an inserted document or of a $set / $inc (nested too)
  flip-bool      true <-> false, wherever a procedure writes or filters on a boolean
  null-to-value  a null default becomes a value ({"$$now": {}} for *_at, else "")
  delete-step    delete a step, nested ones (inside forEach) included
  drop-key       drop a key of a filter
  drop-operator  {"$ne": v} -> v, for each query operator in a filter
  inc-to-set     $inc becomes $set
  drop-expect    drop a procedure step's `expect` (the guard that fails the procedure)

Each mutant is written into a temporary copy of scenarios/earlybird (the real files are
never touched) and `preflight run <copy>/phase-0.7 <copy>/incidents` runs against one
scratch server started for the whole script: exit 1 is killed, 0 survived, 2 invalid
(the mutant is not a valid file; counted apart). The unmutated copy runs first and must
pass, or the figures would mean nothing. EQUIVALENT lists the mutants that provably
cannot change behaviour, with the reason; they run but are left out of the kill ratio.

  python3 bench/mutants.py                       # every mutant (make mutants)
  python3 bench/mutants.py --list                # what would be planted, nothing run
  python3 bench/mutants.py --only M07 --only M12 -v
  python3 bench/mutants.py --binary /path/to/preflight

Exit 0 whatever the figures; 3 when it could not run (no binary, no scratch server,
the unmutated pack failing, the server dying), 130 on Ctrl-C.
"""

import argparse
import copy
import json
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACK = ROOT / "scenarios" / "earlybird"
LIBRARY = Path("lib") / "earlybird.json"
RUN_FOLDERS = ("phase-0.7", "incidents")
RUN_TIMEOUT = 600  # seconds for one mutant's run; the unmutated pack takes a few

# Mutants that provably cannot change what the procedures do, by stable key
# (kind, then the JSON path in the library). Every key must name a generated mutant.
EQUIVALENT = {
    "drop-expect procedures.createOrder.steps[0].expect":
        "insertOne reports the document's own _id as insertedId, and that _id is orderId, "
        "so the expectation cannot fail; an insert the server refuses fails the step without it",
    "drop-field procedures.runBilling.steps[0].document._id":
        "an insert without _id is given a fresh ObjectId, prepended, before it is sent "
        "(MongoCollection.withID) and reported as insertedId: runId is a fresh ObjectId as before",
}

# Operations whose arguments hold a filter, a document to write, or an update.
FILTER_KEYS = ("filter",)
DOCUMENT_KEYS = ("document", "replacement")
QUERY_OPERATORS = {"$ne", "$eq", "$gt", "$gte", "$lt", "$lte", "$in", "$nin", "$exists", "$type", "$not"}
STEP_LABEL_KEYS = ("name", "description")


class CannotRun(Exception):
    """The script cannot produce figures (exit 3)."""


@dataclass
class Mutant:
    id: str
    kind: str
    key: str          # "kind json.path": stable across runs while the library is unchanged
    change: str       # one line for the table
    library: dict
    result: str = ""  # killed, survived, invalid, timeout
    first_failure: str = ""
    detail: str = ""
    seconds: float = 0.0

    @property
    def equivalent_reason(self):
        return EQUIVALENT.get(self.key)


# --- generating mutants --------------------------------------------------------------------

def dotted(path):
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out


def get(doc, path):
    for part in path:
        doc = doc[part]
    return doc


def is_leaf_document(value):
    """{"$$var": ...}, {"$$now": {}}, {"$numberDecimal": ...}: a value, not fields to drop."""
    return isinstance(value, dict) and len(value) > 0 and all(k.startswith("$") for k in value)


def step_action(step):
    return next((k for k in step if k not in STEP_LABEL_KEYS), "?")


def step_title(library, step_path):
    """`runBilling step 4.2 (updateOne customers_v2)` for procedures.runBilling.steps[3].steps[1]."""
    procedure = step_path[1]
    numbers = [str(p + 1) for p in step_path if isinstance(p, int)]
    step = get(library, step_path)
    action = step_action(step)
    target = step[action] if isinstance(step.get(action), str) else ""
    return f"{procedure} step {'.'.join(numbers)} ({action} {target})".replace(" )", ")")


class Generator:
    def __init__(self, library):
        self.library = library
        self.mutants = []
        self.current_step = None  # the step the mutants being added belong to

    def add(self, kind, path, change, mutate):
        mutated = copy.deepcopy(self.library)
        mutate(mutated)
        step_path = self.current_step
        title = step_title(self.library, step_path)
        key = f"{kind} {dotted(path)}"
        self.mutants.append(Mutant(id="", kind=kind, key=key, change=f"{title}: {change}", library=mutated))

    # A field's value can be a document or an array of documents: drop their fields too.
    def value(self, path, rel, written):
        value = get(self.library, path)
        if isinstance(value, bool):
            self.add("flip-bool", path, f"{rel} {json.dumps(value)} -> {json.dumps(not value)}",
                     lambda lib, p=path, v=value: set_at(lib, p, not v))
        elif value is None and written:
            new = {"$$now": {}} if str(path[-1]).endswith("_at") else ""
            self.add("null-to-value", path, f"{rel} null -> {json.dumps(new)}",
                     lambda lib, p=path, n=new: set_at(lib, p, copy.deepcopy(n)))
        elif isinstance(value, dict) and not is_leaf_document(value):
            self.fields(path, rel, written)
        elif isinstance(value, list):
            for i in range(len(value)):
                self.value(path + [i], f"{rel}[{i}]", written)

    def fields(self, path, rel, written):
        for name in list(get(self.library, path)):
            self.add("drop-field", path + [name], f"drop {rel}.{name}",
                     lambda lib, p=path, n=name: drop_field(lib, p, n))
            self.value(path + [name], f"{rel}.{name}", written)

    def filter(self, path, rel):
        for name, value in get(self.library, path).items():
            self.add("drop-key", path + [name], f"drop {rel}.{name}",
                     lambda lib, p=path, n=name: get(lib, p).pop(n))
            if isinstance(value, dict) and len(value) == 1:
                (operator, operand), = value.items()
                if operator in QUERY_OPERATORS:
                    self.add("drop-operator", path + [name, operator],
                             f"{rel}.{name} {json.dumps(value)} -> {json.dumps(operand)}",
                             lambda lib, p=path + [name], o=operand: set_at(lib, p, copy.deepcopy(o)))
                    self.value(path + [name, operator], f"{rel}.{name}.{operator}", written=False)
                    continue
            self.value(path + [name], f"{rel}.{name}", written=False)

    def update(self, path, rel):
        update = get(self.library, path)
        if not isinstance(update, dict):
            return  # a pipeline update: not planted in
        for operator in list(update):
            if operator == "$inc":
                self.add("inc-to-set", path + [operator], f"{rel}.$inc -> $set",
                         lambda lib, p=path: inc_to_set(get(lib, p)))
            self.fields(path + [operator], f"{rel}.{operator}", written=True)

    def steps(self, path):
        for i, step in enumerate(get(self.library, path)):
            step_path = path + [i]
            self.current_step = step_path
            action = step_action(step)
            self.add("delete-step", step_path, "delete the step",
                     lambda lib, p=path, i=i: get(lib, p).pop(i))
            for key in DOCUMENT_KEYS:
                if key in step:
                    self.fields(step_path + [key], key, written=True)
            if "documents" in step:
                for j in range(len(step["documents"])):
                    self.fields(step_path + ["documents", j], f"documents[{j}]", written=True)
            for key in FILTER_KEYS:
                if isinstance(step.get(key), dict):
                    self.filter(step_path + [key], key)
            if "update" in step:
                self.update(step_path + ["update"], "update")
            if "expect" in step:
                self.add("drop-expect", step_path + ["expect"],
                         f"drop expect {json.dumps(step['expect'], separators=(', ', ': '))}",
                         lambda lib, p=step_path: get(lib, p).pop("expect"))
            if isinstance(step.get("steps"), list):       # forEach, repeat
                self.steps(step_path + ["steps"])
                self.current_step = step_path
            if action == "transaction":
                self.steps(step_path + ["transaction"])
            if action == "parallel":
                for b in range(len(step["parallel"])):
                    self.steps(step_path + ["parallel", b])

    def generate(self):
        for name in self.library.get("procedures", {}):
            self.steps(["procedures", name, "steps"])
        for n, mutant in enumerate(self.mutants, 1):
            mutant.id = f"M{n:02d}"
        return self.mutants


def set_at(lib, path, value):
    get(lib, path[:-1])[path[-1]] = value


def drop_field(lib, parent_path, name):
    parent = get(lib, parent_path)
    parent.pop(name)
    # An update operator left empty goes too: {"$inc": {}} is a different statement.
    if not parent and len(parent_path) >= 2 and str(parent_path[-1]).startswith("$") and parent_path[-2] == "update":
        get(lib, parent_path[:-1]).pop(parent_path[-1])


def inc_to_set(update):
    merged = {}
    for operator, fields in update.items():
        if operator in ("$inc", "$set"):
            merged.setdefault("$set", {}).update(fields)
        else:
            merged[operator] = fields
    update.clear()
    update.update(merged)


# --- running them ----------------------------------------------------------------------------

class Scratch:
    """One scratch server for the whole script, stopped at the end, on Ctrl-C too."""

    def __init__(self, binary, workdir):
        self.log_path = workdir / "scratch.log"
        self.log = open(self.log_path, "w")
        # A session of its own: a Ctrl-C reaches the script, which stops the server in order.
        self.process = subprocess.Popen([str(binary), "scratch"], stdout=subprocess.PIPE,
                                        stderr=self.log, start_new_session=True)
        self.uri = self._read_uri(deadline=time.monotonic() + 60)

    def _read_uri(self, deadline):
        line = b""
        fd = self.process.stdout.fileno()
        while not line.endswith(b"\n"):
            left = deadline - time.monotonic()
            if left <= 0 or self.process.poll() is not None:
                self.stop()
                raise CannotRun("the scratch server did not start:\n" + self.log_path.read_text()[-3000:])
            ready, _, _ = select.select([fd], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(fd, 1)
                if not chunk:
                    continue
                line += chunk
        return line.decode().strip()

    def alive(self):
        return self.process.poll() is None

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process.stdout.close()
        self.log.close()


def first_failure(junit_path):
    """(`file.json › test name`, message) of the first failed or errored test case."""
    try:
        tree = ET.parse(junit_path)
    except (ET.ParseError, OSError):
        return "", ""
    for suite in tree.getroot().iter("testsuite"):
        for case in suite.iter("testcase"):
            for tag in ("failure", "error"):
                element = case.find(tag)
                if element is not None:
                    file = (suite.get("package") or case.get("classname") or "").rsplit(".", 1)[-1]
                    return f"{file}.json › {case.get('name')}", (element.get("message") or "").strip()
    return "", ""


def run_pack(binary, copy_root, uri, workdir):
    junit = workdir / "junit.xml"
    if junit.exists():
        junit.unlink()
    command = [str(binary), "run", *(str(copy_root / f) for f in RUN_FOLDERS),
               "--uri", uri, "--junit", str(junit), "--fail-fast", "--quiet", "--no-color"]
    started = time.monotonic()
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    except subprocess.TimeoutExpired:
        return "timeout", "", f"no result in {RUN_TIMEOUT} s", time.monotonic() - started
    seconds = time.monotonic() - started
    output = (done.stdout + done.stderr).strip()
    if done.returncode == 0:
        return "survived", "", "", seconds
    if done.returncode == 1:
        test, message = first_failure(junit)
        return "killed", test, message, seconds
    if done.returncode == 2:
        first = output.splitlines()[0] if output else ""
        return "invalid", "", first.replace(str(copy_root), "<copy>"), seconds
    if done.returncode in (130, 143):
        raise KeyboardInterrupt
    raise CannotRun(f"preflight run exited {done.returncode}:\n{output[-3000:]}")


def write_library(copy_root, library):
    path = copy_root / LIBRARY
    path.write_text(json.dumps(library, indent=2, ensure_ascii=False) + "\n")


# --- the table -------------------------------------------------------------------------------

def print_row(mutant, verbose):
    result = mutant.result + (" (equivalent)" if mutant.equivalent_reason else "")
    shown = mutant.first_failure or (mutant.detail if mutant.result == "invalid" else "")
    print(f"{mutant.id:<4} {result:<22} {mutant.change}" + (f"  ⟶ {shown}" if shown else ""), flush=True)
    if verbose and mutant.detail and mutant.result != "invalid":
        print(f"{'':<27}{mutant.detail.splitlines()[0]}", flush=True)


def print_totals(mutants, elapsed):
    kinds = list(dict.fromkeys(m.kind for m in mutants))
    columns = ("mutants", "killed", "survived", "invalid", "equivalent")
    print()
    print(f"{'kind':<15}" + "".join(f"{c:>11}" for c in columns))

    def counts(group):
        equivalent = [m for m in group if m.equivalent_reason]
        rest = [m for m in group if not m.equivalent_reason]
        return (len(group), sum(m.result in ("killed", "timeout") for m in rest),
                sum(m.result == "survived" for m in rest), sum(m.result == "invalid" for m in rest), len(equivalent))

    for kind in kinds:
        print(f"{kind:<15}" + "".join(f"{n:>11}" for n in counts([m for m in mutants if m.kind == kind])))
    total, killed, survived, invalid, equivalent = counts(mutants)
    print(f"{'total':<15}" + "".join(f"{n:>11}" for n in (total, killed, survived, invalid, equivalent)))
    changing = killed + survived
    ratio = f"{100 * killed / changing:.1f}%" if changing else "n/a"
    print(f"\nKilled {killed} of {changing} behaviour-changing mutants: {ratio} "
          f"({invalid} invalid and {equivalent} equivalent left out). {elapsed:.0f} s in all.")
    for mutant in mutants:
        if mutant.equivalent_reason:
            flag = "" if mutant.result == "survived" else f" — but it was {mutant.result}: recheck the reason"
            print(f"  equivalent {mutant.id} {mutant.key}: {mutant.equivalent_reason}{flag}")
    survivors = [m for m in mutants if m.result == "survived" and not m.equivalent_reason]
    if survivors:
        print("Survivors: " + "; ".join(f"{m.id} {m.change}" for m in survivors))


# --- main ------------------------------------------------------------------------------------

def argument_parser():
    parser = argparse.ArgumentParser(description="Plant bugs in the EarlyBird library one at a time and count how "
                                                 "many the pack catches (figures, not pass/fail).")
    parser.add_argument("--binary", default=".build/release/preflight",
                        help="the preflight binary (default: .build/release/preflight)")
    parser.add_argument("--only", action="append", metavar="ID",
                        help="run only this mutant: its id (M07) or its key as --list prints it; repeatable")
    parser.add_argument("--list", action="store_true", help="list the mutants and run nothing")
    parser.add_argument("-v", "--verbose", action="store_true", help="print each killing failure's message")
    return parser


def select_mutants(mutants, only, parser):
    if not only:
        return mutants
    chosen = [m for m in mutants if m.id in only or m.key in only]
    unknown = set(only) - {m.id for m in chosen} - {m.key for m in chosen}
    if unknown:
        parser.error(f"no such mutant: {', '.join(sorted(unknown))} (see --list)")
    return chosen


def resolve_binary(argument):
    binary = Path(argument)
    if not binary.is_absolute():
        binary = (Path.cwd() / binary) if (Path.cwd() / binary).exists() else (ROOT / binary)
    if not (binary.is_file() and os.access(binary, os.X_OK)):
        raise CannotRun(f"no preflight binary at {argument} (make release, or --binary PATH)")
    return binary


def interrupt(signum, frame):
    raise KeyboardInterrupt


def main():
    parser = argument_parser()
    arguments = parser.parse_args()
    library = json.loads((PACK / LIBRARY).read_text())
    mutants = Generator(library).generate()
    stale = set(EQUIVALENT) - {m.key for m in mutants}
    if stale:
        raise CannotRun("EQUIVALENT names mutants that are no longer generated: " + ", ".join(sorted(stale)))
    mutants = select_mutants(mutants, arguments.only, parser)
    if arguments.list:
        for mutant in mutants:
            marker = "  [equivalent]" if mutant.equivalent_reason else ""
            print(f"{mutant.id:<4} {mutant.kind:<14} {mutant.change}{marker}\n     {mutant.key}")
        return 0

    binary = resolve_binary(arguments.binary)
    # SIGTERM is handled as Ctrl-C is (and Ctrl-C even where a shell started the script
    # with SIGINT ignored), so the scratch server and the copy go either way.
    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
    started = time.monotonic()
    workdir = Path(tempfile.mkdtemp(prefix="preflight-mutants-"))
    scratch = None
    try:
        copy_root = workdir / "earlybird"
        shutil.copytree(PACK, copy_root)
        scratch = Scratch(binary, workdir)
        print(f"{len(mutants)} mutants of {PACK.relative_to(ROOT) / LIBRARY}; "
              f"running {' and '.join(RUN_FOLDERS)} on {scratch.uri}", flush=True)

        write_library(copy_root, library)
        result, test, message, seconds = run_pack(binary, copy_root, scratch.uri, workdir)
        if result != "survived":
            raise CannotRun(f"the unmutated pack does not pass ({result}): {test} {message}".strip())
        print(f"the unmutated pack passes ({seconds:.1f} s)\n", flush=True)

        for mutant in mutants:
            if not scratch.alive():
                raise CannotRun("the scratch server stopped:\n" + scratch.log_path.read_text()[-3000:])
            write_library(copy_root, mutant.library)
            mutant.result, mutant.first_failure, mutant.detail, mutant.seconds = \
                run_pack(binary, copy_root, scratch.uri, workdir)
            print_row(mutant, arguments.verbose)
        print_totals(mutants, time.monotonic() - started)
        return 0
    finally:
        if scratch is not None:
            scratch.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    except CannotRun as error:
        print(f"mutants: {error}", file=sys.stderr)
        sys.exit(3)
    except KeyboardInterrupt:
        print("\nmutants: interrupted; the scratch server is stopped", file=sys.stderr)
        sys.exit(130)
