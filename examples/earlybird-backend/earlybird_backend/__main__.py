"""Command line: `python -m earlybird_backend serve [--port N]` and
`python -m earlybird_backend bill --month YYYY-MM`.

Exit status: 0 success, 1 MongoDB or runtime error, 2 bad usage or configuration.
"""
import argparse
import json
import os
import re
import sys

from pymongo.errors import PyMongoError

from . import billing, config, server


def _port(value, source):
    try:
        port = int(value)
    except ValueError:
        port = -1
    if not 0 <= port <= 65535:
        config.fail(f"{source} must be a port number (0-65535), not {value!r}")
    return port


def serve(args):
    if args.port is not None:
        port = _port(args.port, "--port")
    elif os.environ.get("PREFLIGHT_PORT"):
        port = _port(os.environ["PREFLIGHT_PORT"], "PREFLIGHT_PORT")
    elif os.environ.get("PORT"):
        port = _port(os.environ["PORT"], "PORT")
    else:
        config.fail("no port: pass --port or set PREFLIGHT_PORT or PORT")
    client, db = config.connect()
    return server.serve(client, db, port)


def bill(args):
    # fullmatch: re.match with "$" would also accept a trailing newline.
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}", args.month):
        config.fail(f"--month must be YYYY-MM, not {args.month!r}")
    mode = os.environ.get("EARLYBIRD_BILLING") or "atomic"
    if mode not in billing.MODES:
        config.fail(f"EARLYBIRD_BILLING must be one of {', '.join(billing.MODES)}, not {mode!r}")
    delay = "0"
    if mode == "find-then-update":
        # Long enough by default that two runs started together both read the same orders.
        delay = os.environ.get("EARLYBIRD_BILLING_DELAY_MS") or "300"
        if not re.fullmatch(r"[0-9]+", delay):
            config.fail(f"EARLYBIRD_BILLING_DELAY_MS must be a whole number of milliseconds, not {delay!r}")
    client, db = config.connect()
    try:
        summary = billing.run(db, args.month, mode, int(delay))
    except PyMongoError as error:
        print(f"bill: MongoDB error: {error}", file=sys.stderr)
        return 1
    finally:
        client.close()
    print(json.dumps(summary), flush=True)
    return 0


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m earlybird_backend",
                                     description="EarlyBird order and billing backend.")
    commands = parser.add_subparsers(dest="command", required=True)
    serve_parser = commands.add_parser("serve", help="run the HTTP service")
    serve_parser.add_argument("--port", help="port on 127.0.0.1 (default: $PREFLIGHT_PORT, then $PORT)")
    serve_parser.set_defaults(run=serve)
    bill_parser = commands.add_parser("bill", help="run the monthly billing job")
    bill_parser.add_argument("--month", required=True, help="the month billed, YYYY-MM")
    bill_parser.set_defaults(run=bill)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    status = main()
    # The client is closed by now, but pymongo's exit hook still waits for each of
    # its background threads to wake from a 0.5 s sleep: half a second of nothing on
    # every run of the billing job. Everything is written; leave without the wait.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
