"""Validates a Chairside FHIR export with a real FHIR library (fhir.resources, its R4B models).

Usage: python3 validate_fhir.py BUNDLE.json
Every resource must parse as its FHIR type, the whole Bundle must parse, and every
reference must point at an entry's fullUrl inside the bundle. Prints a JSON summary
(resource counts, references checked, patient names) for the Swift test to read.
"""
import json
import sys
from collections import Counter

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle


def references(node):
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "reference" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


def main(path):
    with open(path, encoding="utf-8") as f:
        data = json.load(f)
    Bundle.model_validate(data)
    if data.get("type") != "collection":
        raise SystemExit(f"bundle type is {data.get('type')!r}, not 'collection'")
    urls = set()
    counts = Counter()
    for entry in data["entry"]:
        url = entry["fullUrl"]
        if url in urls:
            raise SystemExit(f"fullUrl {url} appears twice")
        urls.add(url)
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        counts[resource["resourceType"]] += 1
    checked = 0
    for ref in references(data):
        if ref not in urls:
            raise SystemExit(f"reference {ref} does not resolve inside the bundle")
        checked += 1
    names = [r["resource"]["name"][0]["text"] for r in data["entry"] if r["resource"]["resourceType"] == "Patient"]
    print(json.dumps({"resources": counts, "references": checked, "patients": names}, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
