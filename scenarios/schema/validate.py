#!/usr/bin/env python3
"""Validates Preflight files against the editor schemas, as an editor's validator would.

    .venv/bin/python scenarios/schema/validate.py FILE...

Scenario and library files are checked against scenario.schema.json, checklists against
checklist.schema.json (chosen by their top-level keys). Prints one line per problem,
`FILE: PATH: MESSAGE`, and exits 1 when any file is invalid, 0 when all are valid.
Needs the jsonschema package (in requirements.txt, so `make setup` installs it).
"""
import json
import os
import sys

import jsonschema

HERE = os.path.dirname(os.path.abspath(__file__))


def schema_for(document):
    name = "checklist.schema.json" if isinstance(document, dict) and "checklist" in document else "scenario.schema.json"
    with open(os.path.join(HERE, name)) as source:
        return json.load(source)


def main(paths):
    invalid = 0
    validators = {}
    for path in paths:
        with open(path) as source:
            document = json.load(source)
        schema = schema_for(document)
        key = schema.get("$id", schema.get("title"))
        if key not in validators:
            validators[key] = jsonschema.Draft202012Validator(schema)
        errors = sorted(validators[key].iter_errors(document), key=lambda error: list(error.absolute_path))
        for error in errors:
            where = ".".join(str(part) for part in error.absolute_path) or "(root)"
            print("%s: %s: %s" % (path, where, error.message[:300]))
        invalid += bool(errors)
    return 1 if invalid else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
