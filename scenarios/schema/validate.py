#!/usr/bin/env python3
"""Validates Preflight files against the editor schemas, as an editor's validator would.

    .venv/bin/python scenarios/schema/validate.py FILE...

Scenario and library files are checked against scenario.schema.json, checklists,
migrations and compat specs against checklist.schema.json, migration.schema.json and
compat.schema.json (chosen by their top-level keys). Prints one line per problem,
`FILE: PATH: MESSAGE`, and exits 1 when any file is invalid, 0 when all are valid.
Needs the jsonschema package (in requirements.txt, so `make setup` installs it).
"""
import json
import os
import sys

import jsonschema
from referencing import Registry, Resource

HERE = os.path.dirname(os.path.abspath(__file__))


def schema_name(document):
    """The schema for a file, by the key only that kind of file has."""
    if isinstance(document, dict):
        for key in ("checklist", "migration", "compat"):
            if key in document:
                return key + ".schema.json"
    return "scenario.schema.json"


def load_schemas():
    """Every schema beside this script, by name, and a registry that resolves the
    references between them (a migration's steps are a scenario's)."""
    schemas = {}
    for name in sorted(os.listdir(HERE)):
        if name.endswith(".schema.json"):
            with open(os.path.join(HERE, name)) as source:
                schemas[name] = json.load(source)
    registry = Registry().with_resources((schema["$id"], Resource.from_contents(schema)) for schema in schemas.values())
    return schemas, registry


def main(paths):
    invalid = 0
    schemas, registry = load_schemas()
    validators = {name: jsonschema.Draft202012Validator(schema, registry=registry) for name, schema in schemas.items()}
    for path in paths:
        with open(path) as source:
            document = json.load(source)
        errors = sorted(validators[schema_name(document)].iter_errors(document), key=lambda error: list(error.absolute_path))
        for error in errors:
            where = ".".join(str(part) for part in error.absolute_path) or "(root)"
            print("%s: %s: %s" % (path, where, error.message[:300]))
        invalid += bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
