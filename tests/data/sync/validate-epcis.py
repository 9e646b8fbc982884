#!/usr/bin/env python3
"""Validates an EPCISDocument against the EPCIS 2.0 schema facts in this folder.

usage: validate-epcis.py SCHEMA DOCUMENT   -> exit 0 valid, 1 invalid (errors on stderr)
"""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1], encoding="utf-8"))
    doc = json.load(open(sys.argv[2], encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    v = jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker())
    errors = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errors[:10]:
        print("invalid at /%s: %s" % ("/".join(str(p) for p in e.path), e.message[:300]),
              file=sys.stderr)
    n = len(doc.get("epcisBody", {}).get("eventList", []))
    if errors:
        return 1
    print("valid EPCISDocument with %d events" % n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
