"""The client, the sandbox databases and the fixtures, as Preflight provides them.

Each test module names the pack file it mirrors in `SCENARIO`; its fixtures are read from that
file (inline documents, and the fixture files it names, resolved relative to it), so the peer
loads exactly the data the pack loads. Like Preflight, each module gets a sandbox database of
its own; before every test, and every iteration of a repeated test, the sandbox is dropped and
every fixture collection is created, indexed and filled again, in the order the file lists
them; the sandbox is dropped when the module ends.
"""
import itertools
import json
import os
import secrets
from pathlib import Path

import pytest
from bson import json_util
from pymongo import MongoClient
from pymongo.errors import ConnectionFailure

PACK = Path(__file__).resolve().parents[2] / "scenarios" / "earlybird"
RUN_ID = secrets.token_hex(3)
_sandbox_numbers = itertools.count(1)
SERVER_GONE = pytest.StashKey[bool]()


def pytest_configure(config):
    if not os.environ.get("PEER_URI"):
        raise pytest.UsageError(
            "PEER_URI is not set: give the server's connection string, e.g. "
            "PEER_URI='mongodb://127.0.0.1:40123/?directConnection=true' python -m pytest -q bench/peer")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    """A server that stopped answering stops the run, as it stops Preflight's: every test
    left would wait out server selection in vain."""
    report = yield
    if call.excinfo is not None and call.excinfo.errisinstance(ConnectionFailure):
        item.session.shouldstop = f"the server stopped answering: {call.excinfo.value}"
        item.config.stash[SERVER_GONE] = True
    return report


class Fixture:
    def __init__(self, collection, documents, indexes=(), options=None):
        self.collection = collection
        self.documents = documents
        self.indexes = list(indexes)
        self.options = options or {}


def _extended_json(value):
    """Extended JSON v2 (`$numberDecimal`, `$date`, …) into BSON values."""
    return json_util.loads(json.dumps(value))


def _read_documents(path):
    text = path.read_text()
    if path.suffix == ".ndjson":
        return [json_util.loads(line) for line in text.splitlines() if line.strip()]
    return json_util.loads(text)


def read_fixtures(scenario):
    """The `fixtures` of the pack file `scenario` (relative to scenarios/earlybird/)."""
    path = PACK / scenario
    fixtures = []
    for collection, body in json.loads(path.read_text())["fixtures"].items():
        if isinstance(body, list):
            fixtures.append(Fixture(collection, _extended_json(body)))
            continue
        if "file" in body:
            documents = _read_documents(path.parent / body["file"])
        else:
            documents = _extended_json(body.get("documents", []))
        fixtures.append(Fixture(collection, documents, body.get("indexes", []), body.get("options", {})))
    return fixtures


class Sandbox:
    def __init__(self, client, name, fixtures):
        self.client = client
        self.name = name
        self.fixtures = fixtures

    def reset(self):
        """Empties the sandbox and loads the fixtures again; returns the sandbox database."""
        self.client.drop_database(self.name)
        db = self.client[self.name]
        for fixture in self.fixtures:
            collection = db.create_collection(fixture.collection, check_exists=False, **fixture.options)
            for index in fixture.indexes:
                options = {key: value for key, value in index.items() if key != "key"}
                collection.create_index(list(index["key"].items()), **options)
            for start in range(0, len(fixture.documents), 1000):  # in batches, as Preflight does
                collection.insert_many(fixture.documents[start:start + 1000])
        return db


@pytest.fixture(scope="session")
def client():
    client = MongoClient(os.environ["PEER_URI"], appname="preflight-peer")
    client.admin.command("ping")
    yield client
    client.close()


@pytest.fixture(scope="module")
def sandbox(client, request):
    """The module's sandbox database; dropped when the module's tests are done."""
    sandbox = Sandbox(client, f"peer_{RUN_ID}_{next(_sandbox_numbers)}", read_fixtures(request.module.SCENARIO))
    yield sandbox
    if request.config.stash.get(SERVER_GONE, False):
        print(f"The sandbox {sandbox.name} was not dropped: the server stopped answering.")
    else:
        client.drop_database(sandbox.name)


@pytest.fixture
def db(sandbox):
    """A test's database: the sandbox, freshly loaded with the fixtures."""
    return sandbox.reset()
