"""Preflight's matching rules for `expect` and `expectCollections` (README, "Scenario files",
**Matching**), the part of them the EarlyBird pack uses:

- a root-level document (an operation's result, each document a find or aggregate returns,
  each document of a collection) may carry fields the expectation does not name; a nested
  document may not;
- arrays match element by element and must have the same length;
- int, Int64 and float compare as numbers; Decimal128 equals only Decimal128, by value
  (120.00 equals 120.0), so money that turned into a float is caught;
- anything else must have the same type and value (True is not 1);
- ABSENT is `{"$$exists": false}`, DATE and OBJECT_ID are `{"$$type": "date"}` and
  `{"$$type": "objectId"}`.
"""
import datetime

from bson import Decimal128, ObjectId

_MISSING = object()


class _Absent:
    def __repr__(self):
        return '{"$$exists": false}'


ABSENT = _Absent()


class OfType:
    def __init__(self, alias, python_type):
        self.alias = alias
        self.python_type = python_type

    def __repr__(self):
        return f'{{"$$type": "{self.alias}"}}'


DATE = OfType("date", datetime.datetime)
OBJECT_ID = OfType("objectId", ObjectId)


def _is_number(value):
    return isinstance(value, (int, float, Decimal128)) and not isinstance(value, bool)


def _numbers_equal(expected, actual):
    if isinstance(expected, Decimal128) or isinstance(actual, Decimal128):
        return (isinstance(expected, Decimal128) and isinstance(actual, Decimal128)
                and expected.to_decimal() == actual.to_decimal())
    return expected == actual


def mismatch(expected, actual, root=True, path="result"):
    """The first difference between `expected` and `actual`, as a message; None when they match."""
    if expected is ABSENT:
        return None if actual is _MISSING else f"{path}: expected the field to be absent, got {actual!r}"
    if actual is _MISSING:
        return f"{path}: expected {expected!r}, but the field is missing"
    if isinstance(expected, OfType):
        if isinstance(actual, expected.python_type):
            return None
        return f"{path}: expected type {expected.alias!r}, got {actual!r}"
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            return f"{path}: expected a document {expected!r}, got {actual!r}"
        for key, value in expected.items():
            problem = mismatch(value, actual.get(key, _MISSING), root=False, path=f"{path}.{key}")
            if problem:
                return problem
        if not root:
            extra = [key for key in actual if key not in expected]
            if extra:
                return f"{path}: unexpected field {extra[0]!r} with value {actual[extra[0]]!r}"
        return None
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return f"{path}: expected an array {expected!r}, got {actual!r}"
        if len(expected) != len(actual):
            return f"{path}: expected {len(expected)} elements {expected!r}, got {len(actual)} elements {actual!r}"
        for index, (wanted, got) in enumerate(zip(expected, actual)):
            problem = mismatch(wanted, got, root=root, path=f"{path}[{index}]")
            if problem:
                return problem
        return None
    if _is_number(expected) and _is_number(actual):
        return None if _numbers_equal(expected, actual) else f"{path}: expected {expected!r}, got {actual!r}"
    if type(expected) is type(actual) and expected == actual:
        return None
    return f"{path}: expected {expected!r}, got {actual!r}"


def assert_match(actual, expected, path="result"):
    """`expect`: `actual` (an operation's result or a list of documents) matches `expected`."""
    problem = mismatch(expected, actual, root=True, path=path)
    assert problem is None, problem


def expect_collections(db, expected):
    """`expectCollections`: each collection, read in `_id` order, holds exactly the documents listed."""
    for name, documents in expected.items():
        actual = list(db[name].find({}, sort=[("_id", 1)]))
        assert len(actual) == len(documents), (
            f"expectCollections {name}: expected {len(documents)} documents, found {len(actual)}: {actual!r}")
        for index, (wanted, got) in enumerate(zip(documents, actual)):
            assert_match(got, wanted, path=f"expectCollections {name}[{index}]")
