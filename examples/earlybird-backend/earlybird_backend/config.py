"""Where the backend finds MongoDB: environment variables only.

PREFLIGHT_* come first because Preflight sets them when it starts the backend
against a throwaway database; EARLYBIRD_* are for running it by hand.
"""
import datetime
import os
import sys

from pymongo import MongoClient
from pymongo.errors import ConfigurationError


def _first_set(*names):
    for name in names:
        value = os.environ.get(name)
        if value:
            return value
    return None


def fail(message, status=2):
    """Print a one-line error to stderr and exit (2 = usage/configuration)."""
    print(f"earlybird: {message}", file=sys.stderr, flush=True)
    sys.exit(status)


def connect():
    """Return (client, database) or exit 2 if the configuration is incomplete.

    MongoClient connects lazily, so this never blocks on the server; the first
    command waits at most serverSelectionTimeoutMS. The URI is never printed:
    it may carry credentials.
    """
    uri = _first_set("PREFLIGHT_URI", "EARLYBIRD_MONGODB_URI")
    if uri is None:
        fail("no MongoDB URI: set PREFLIGHT_URI or EARLYBIRD_MONGODB_URI")
    name = _first_set("PREFLIGHT_DATABASE", "EARLYBIRD_DATABASE")
    if name is None:
        fail("no database name: set PREFLIGHT_DATABASE or EARLYBIRD_DATABASE")
    # tz_aware=False: dates come back as naive UTC datetimes, as in the original app.
    try:
        client = MongoClient(uri, serverSelectionTimeoutMS=5000, tz_aware=False)
    except ConfigurationError as error:  # malformed URI or unknown option
        fail(f"invalid MongoDB URI: {error}")
    return client, client[name]


def now():
    """The current time in UTC; pymongo stores it as a BSON date."""
    return datetime.datetime.now(datetime.timezone.utc)
