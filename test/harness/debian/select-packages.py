#!/usr/bin/env python3
"""Prints the packages of the local test mirror, one "kind name version" line each (kind: deb or udeb).

debs: priority required and important, the names given on the command line, and their dependencies
(Depends and Pre-Depends; of alternatives the first one that exists, as debootstrap picks).
udebs: priority standard and up, kernel udebs only for the kernel ABI linux-image-amd64 depends on,
and their dependencies.
"""
import re
import sys


def stanzas(path):
    with open(path, encoding="utf-8") as f:
        for block in f.read().split("\n\n"):
            fields = {}
            key = None
            for line in block.splitlines():
                if line.startswith((" ", "\t")) and key:
                    fields[key] += "\n" + line
                elif ":" in line:
                    key, value = line.split(":", 1)
                    fields[key] = value.strip()
            if "Package" in fields:
                yield fields


def index(path, abi=None):
    """Packages by name, and a provider for each virtual package (a kernel udeb only of the ABI)."""
    packages, providers = {}, {}
    for fields in stanzas(path):
        packages.setdefault(fields["Package"], fields)
        if fields.get("Kernel-Version", abi) != abi:
            continue
        for provided in re.split(r"\s*,\s*", fields.get("Provides", "")):
            name = provided.split(" ")[0]
            if name:
                providers.setdefault(name, fields["Package"])
    return packages, providers


def dependencies(fields):
    text = ", ".join(fields.get(k, "") for k in ("Pre-Depends", "Depends"))
    for group in re.split(r"\s*,\s*", text):
        if group.strip():
            yield [re.sub(r"[\s(:].*", "", alt.strip()) for alt in group.split("|")]


def closure(start, packages, providers):
    chosen, todo = set(), list(start)
    while todo:
        name = todo.pop()
        if name in chosen:
            continue
        chosen.add(name)
        for alternatives in dependencies(packages[name]):
            pick = next((a for a in alternatives if a in packages), None)
            pick = pick or next((providers[a] for a in alternatives if a in providers), None)
            if pick and pick not in chosen:
                todo.append(pick)
    return chosen


def main():
    debs_path, udebs_path, *extra = sys.argv[1:]
    debs, deb_providers = index(debs_path)
    missing = [name for name in extra if name not in debs]
    if missing:
        sys.exit(f"select-packages: not in {debs_path}: {' '.join(missing)}")
    kernel = next(d[0] for d in dependencies(debs["linux-image-amd64"]) if d[0].startswith("linux-image-"))
    abi = kernel.removeprefix("linux-image-")
    udebs, udeb_providers = index(udebs_path, abi)
    deb_start = [n for n, f in debs.items() if f.get("Priority") in ("required", "important")] + extra
    udeb_start = [
        n
        for n, f in udebs.items()
        if f.get("Priority") in ("required", "important", "standard")
        and f.get("Kernel-Version", abi) == abi
    ]
    for kind, names, packages in (
        ("deb", closure(deb_start, debs, deb_providers), debs),
        ("udeb", closure(udeb_start, udebs, udeb_providers), udebs),
    ):
        for name in sorted(names):
            print(kind, name, packages[name]["Version"])


main()
