#!/usr/bin/env python3
"""Validate many cloud-config documents against cloud-init's schema in one process.

Run it with the Python that has cloud-init's modules (Debian's package: /usr/bin/python3), since cloud-init
is not on PyPI.

stdin:  JSON list of {"id": str, "content": str}  (content: YAML text starting with #cloud-config)
stdout: JSON list of {"id": str, "ok": bool, "messages": [str]}

Deprecated keys count as errors, like `cloud-init schema --annotate` reports them.
"""
import json
import sys

import yaml
from cloudinit.config.schema import SchemaValidationError, get_schema, validate_cloudconfig_schema


def validate(content, schema):
    if not content.startswith("#cloud-config"):
        return {"ok": False, "messages": ["user-data does not start with #cloud-config"]}
    try:
        config = yaml.safe_load(content)
    except yaml.YAMLError as err:
        return {"ok": False, "messages": [f"not YAML: {err}"]}
    if not isinstance(config, dict):
        return {"ok": False, "messages": ["cloud-config is not a mapping"]}
    try:
        validate_cloudconfig_schema(config, schema, strict=True, log_deprecations=True)
    except SchemaValidationError as err:
        return {"ok": False, "messages": [str(err)]}
    return {"ok": True, "messages": []}


def main():
    schema = get_schema()
    results = [{"id": r["id"], **validate(r["content"], schema)} for r in json.load(sys.stdin)]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
