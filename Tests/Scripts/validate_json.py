"""Validates chairside's JSON output against docs/schema/chairside.schema.json with jsonschema.

Usage: python3 validate_json.py SCHEMA.json DOCUMENT.json [KIND]
Exits 1 with every problem listed when the document does not follow the schema, or is not of KIND.
"""
import json
import sys

import jsonschema


def main(schema_path, document_path, kind=None):
    with open(schema_path, encoding="utf-8") as f:
        schema = json.load(f)
    with open(document_path, encoding="utf-8") as f:
        document = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    if kind is not None and document.get("kind") != kind:
        errors.append(f"kind is {document.get('kind')!r}, expected {kind!r}")
    for error in errors:
        where = "/".join(str(p) for p in getattr(error, "absolute_path", []))
        print(f"{where or '(top)'}: {getattr(error, 'message', error)}", file=sys.stderr)
    if errors:
        raise SystemExit(1)
    print("valid")


if __name__ == "__main__":
    main(*sys.argv[1:])
