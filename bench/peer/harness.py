"""Preflight's `parallel` and `repeat`, as the runner performs them
(Sources/PreflightCore/Runner/ParallelBranches.swift and SuiteRunner.swift)."""
import threading

from pymongo.errors import ConnectionFailure, PyMongoError


def parallel(db, *branches):
    """Runs each branch (a function of no arguments) on a thread of its own. Every thread first
    opens its connection (a ping, as Preflight does), then all are released together by a
    barrier, so the race the test is written for really happens. pymongo's pool gives two
    threads that run at once two connections. The first failing branch fails the step, once
    every branch has finished."""
    barrier = threading.Barrier(len(branches))
    failures = [None] * len(branches)

    def run(index, branch):
        try:
            db.client.admin.command("ping")
        except PyMongoError:
            pass  # Preflight ignores it too: the branch's own first command will fail
        barrier.wait()
        try:
            branch()
        except BaseException as error:  # reported below, on the test's thread
            failures[index] = error

    threads = [threading.Thread(target=run, args=(index, branch)) for index, branch in enumerate(branches)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    failed = [(index, error) for index, error in enumerate(failures) if error is not None]
    if failed:
        gone = [error for _, error in failed if isinstance(error, ConnectionFailure)]
        if gone:
            raise gone[0]  # the server is gone: said as such, not as a failed check
        index, error = failed[0]
        more = f" (and {len(failed) - 1} more failing branch)" if len(failed) > 1 else ""
        raise AssertionError(f"parallel: branch {index + 1}: {error}{more}") from error


def repeat(times, iteration):
    """A test's `repeat`: every iteration runs (each on fresh fixtures, which `iteration` loads),
    even after one fails; the test then fails with the count and the first failure. A server
    that stopped answering ends the test at once, as in Preflight: the rest would only wait."""
    failures = []
    for number in range(1, times + 1):
        try:
            iteration()
        except ConnectionFailure:
            raise
        except (AssertionError, PyMongoError) as error:
            failures.append((number, error))
    if failures:
        number, error = failures[0]
        raise AssertionError(
            f"{len(failures)} of {times} iterations failed; the first (iteration {number}): {error}") from error
