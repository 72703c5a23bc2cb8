#!/usr/bin/env bash
# Installs the real answer-file validators the installer unit tests run:
#   pykickstart (PyPI, pinned in requirements.txt) for kickstarts,
# debconf-set-selections (debconf) and cloud-init (not on PyPI) are Debian packages, listed with the
# others in scripts/system-packages.txt.
# subiquity's autoinstall schema is read from ../shared/fixtures/schemas and checked with ajv (npm).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

python3 -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt"
