#!/usr/bin/env python3
"""Writes the index of a flat test mirror: dists/<suite>/main/{binary-amd64,debian-installer/binary-amd64}/
Packages(.gz) and a per-component Release (debian-installer refuses a mirror without one, saying
"Architecture not supported"), and dists/<suite>/Release with their checksums. Unsigned.

Usage: mirror-index.py MIRROR_ROOT SUITE DEBS_PACKAGES UDEBS_PACKAGES < selection
Each selected package whose file is in MIRROR_ROOT/pool/main gets its archive stanza with Filename
pointing there; the names of the others (not downloadable) are printed on stdout.
"""
import email.utils
import gzip
import hashlib
import os
import sys

root, suite, debs_path, udebs_path = sys.argv[1:]


def stanzas(path):
    with open(path, encoding="utf-8") as f:
        for block in f.read().split("\n\n"):
            name = next((l.split(":", 1)[1].strip() for l in block.splitlines() if l.startswith("Package:")), None)
            if name:
                yield name, block.strip("\n")


wanted = {"deb": {}, "udeb": {}}
for line in sys.stdin.read().splitlines():
    kind, name, version = line.split()
    wanted[kind][name] = version

components = {"deb": ("main/binary-amd64", debs_path), "udeb": ("main/debian-installer/binary-amd64", udebs_path)}
written = []
for kind, (directory, source) in components.items():
    out = []
    for name, block in stanzas(source):
        if wanted[kind].pop(name, None) is None:
            continue
        lines = block.splitlines()
        filename = next(l.split(":", 1)[1].strip() for l in lines if l.startswith("Filename:"))
        local = f"pool/main/{os.path.basename(filename)}"
        if not os.path.exists(os.path.join(root, local)):
            print(name)
            continue
        out.append("\n".join(f"Filename: {local}" if l.startswith("Filename:") else l for l in lines))
    for name in wanted[kind]:
        print(name)
    target = os.path.join(root, "dists", suite, directory)
    os.makedirs(target, exist_ok=True)
    # Every stanza ends in a blank line, the last one too: debootstrap reads a stanza only at its end.
    text = "".join(f"{stanza}\n\n" for stanza in out).encode()
    with open(os.path.join(target, "Packages"), "wb") as f:
        f.write(text)
    with gzip.GzipFile(os.path.join(target, "Packages.gz"), "wb", mtime=0) as f:
        f.write(text)
    with open(os.path.join(target, "Release"), "w") as f:
        f.write(f"Archive: {suite}\nSuite: {suite}\nComponent: main\nOrigin: Debian\nLabel: Debian\nArchitecture: amd64\n")
    written += [f"{directory}/{n}" for n in ("Packages", "Packages.gz", "Release")]

dists = os.path.join(root, "dists", suite)
sums = {"MD5Sum": hashlib.md5, "SHA256": hashlib.sha256}
with open(os.path.join(dists, "Release"), "w") as f:
    f.write(
        f"Origin: Debian\nLabel: Debian\nSuite: {suite}\nCodename: {suite}\n"
        f"Date: {email.utils.formatdate(usegmt=True)}\nArchitectures: amd64\nComponents: main\n"
        "Description: rootfs-operator test mirror (unsigned)\n"
    )
    for field, algorithm in sums.items():
        f.write(f"{field}:\n")
        for rel in written:
            data = open(os.path.join(dists, rel), "rb").read()
            f.write(f" {algorithm(data).hexdigest()} {len(data):>9} {rel}\n")
