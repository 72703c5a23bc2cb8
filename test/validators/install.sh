#!/usr/bin/env bash
# Installs the real answer-file validators the installer unit tests run:
#   pykickstart (PyPI, pinned in requirements.txt) for kickstarts, into the venv
#   $ROOTFS_CACHE_DIR/venv-validators, where test/unit/installers/repo-paths.ts (validatorPython) finds it.
# debconf-set-selections (debconf) and cloud-init (not on PyPI) are Debian packages, listed with the
# others in scripts/system-packages.txt.
# subiquity's autoinstall schema is read from ../shared/fixtures/schemas and checked with ajv (npm).
# Prints the venv's bin dir on its last stdout line; a no-op when the venv is current.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../../scripts/setup/python-venv.sh" venv-validators "$here/requirements.txt" python -c "import pykickstart"
