#!/usr/bin/env bash
# Usage: scripts/setup/python-venv.sh NAME REQUIREMENTS CHECK...
# Makes (or reuses) the venv $ROOTFS_CACHE_DIR/NAME with the pinned REQUIREMENTS, runs CHECK (a command,
# relative to the venv's bin dir) once it is installed, and prints the venv's bin dir on its last stdout line.
# A venv of its own never clashes with the system's Python (which Debian keeps from pip: PEP 668) or with
# another venv's packages. Idempotent: a venv whose stamp matches REQUIREMENTS is reused without pip.
set -euo pipefail
name="$1" requirements="$2"
shift 2
venv="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/$name"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$requirements" | cut -d' ' -f1)"

if [[ -x "$venv/bin/python" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv/bin"
  exit 0
fi

python3 -m venv --clear "$venv" >&2 || {
  echo "Cannot create a Python venv at $venv: install python3-venv (apt-get install python3-venv)" >&2
  exit 1
}
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements" >&2
"$venv/bin/$1" "${@:2}" >/dev/null
echo "$want" >"$stamp"
echo "$venv/bin"
