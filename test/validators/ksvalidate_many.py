#!/usr/bin/env python3
"""Validate many kickstarts in one process, the way `ksvalidator -v VERSION FILE` does for one.

stdin:  JSON list of {"id": str, "version": "RHEL9", "content": str}
stdout: JSON list of {"id": str, "version": str, "ok": bool, "messages": [str]}

Identical kickstarts (ignoring comment lines) for the same handler are parsed once, on all CPUs.

Like ksvalidator: parse warnings (deprecated commands and options included) count as errors, errors do not
stop the parse, and %ksappend is preprocessed. Exits 0 whenever it could answer; "ok" carries the verdict.
"""
import contextlib
import io
import json
import multiprocessing
import os
import sys
import tempfile
import warnings

from pykickstart.errors import KickstartDeprecationWarning, KickstartError, KickstartParseWarning
from pykickstart.parser import KickstartParser, preprocessKickstart
from pykickstart.version import makeVersion


def validate(version, content, workdir):
    path = os.path.join(workdir, "ks.cfg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(content)
    messages = []
    errors = 0
    captured = io.StringIO()
    with warnings.catch_warnings(), contextlib.redirect_stdout(captured), contextlib.redirect_stderr(captured):
        warnings.filterwarnings(action="error", category=KickstartParseWarning)
        parser = KickstartParser(makeVersion(version), followIncludes=False, errorsAreFatal=False)
        try:
            processed = preprocessKickstart(path)
            if processed is None:
                raise RuntimeError("Empty file")
            parser.readKickstart(processed)
            errors += parser.errorsCount
        except KickstartDeprecationWarning as err:
            errors += 1
            messages.append(f"File uses a deprecated option or command.\n{err}")
        except KickstartError as err:
            errors += 1
            messages.append(str(err))
        except Exception as err:  # pylint: disable=broad-except
            errors += 1
            messages.append(f"General error in input file: {err}")
    printed = " ".join(captured.getvalue().split())
    messages = ([printed] if printed else []) + [" ".join(m.split()) for m in messages]
    return {"ok": errors == 0, "messages": messages}


def validate_request(request):
    with tempfile.TemporaryDirectory(prefix="ksvalidate-") as workdir:
        return validate(request["version"], request["content"], workdir)


def dedupe_key(request):
    # Comment lines never change a verdict; without them, releases sharing a handler share one parse.
    lines = (line for line in request["content"].splitlines() if not line.lstrip().startswith("#"))
    return request["version"], "\n".join(lines)


def main():
    requests = json.load(sys.stdin)
    unique = {}
    for request in requests:
        unique.setdefault(dedupe_key(request), request)
    keys = sorted(unique)  # by handler, so each worker's chunk reuses few handler versions
    workers = min(os.cpu_count() or 1, max(1, len(keys) // 20))
    if workers > 1:
        with multiprocessing.Pool(workers) as pool:
            verdicts = pool.map(validate_request, [unique[k] for k in keys], chunksize=8)
    else:
        verdicts = [validate_request(unique[k]) for k in keys]
    by_key = dict(zip(keys, verdicts))
    results = [{"id": r["id"], "version": r["version"], **by_key[dedupe_key(r)]} for r in requests]
    json.dump(results, sys.stdout)


if __name__ == "__main__":
    main()
