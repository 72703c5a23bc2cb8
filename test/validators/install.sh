#!/usr/bin/env bash
# Installs the real answer-file validators the installer unit tests run:
#   pykickstart (PyPI, pinned in requirements.txt) for kickstarts, into a venv of its own (Debian's python3
#   refuses pip installs into the system: PEP 668), which the tests find by repo-paths.ts's validatorPython.
# debconf-set-selections (debconf) and cloud-init (not on PyPI) are Debian packages, listed with the
# others in scripts/system-packages.txt.
# subiquity's autoinstall schema is read from ../shared/fixtures/schemas and checked with ajv (npm).
# Idempotent: a venv whose stamp matches requirements.txt is reused without touching pip. Prints the venv's
# bin dir on its last stdout line.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/venv-validators"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv/bin"
  exit 0
fi

python3 -m venv --clear "$venv" >&2 || {
  echo "Cannot create a Python venv at $venv: install python3-venv (apt-get install python3-venv)" >&2
  exit 1
}
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
"$venv/bin/python" -c 'import pykickstart' >&2
echo "$want" >"$stamp"
echo "$venv/bin"
