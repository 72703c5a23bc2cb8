#!/usr/bin/env bash
# Installs moto's S3 server (pinned in requirements.txt) into a venv of its own, so it never clashes with the
# system's or the other validators' Python packages. Prints the venv's bin dir on its last stdout line.
# Idempotent: a venv whose stamp matches requirements.txt is reused without touching pip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="${ROOTFS_CACHE_DIR:-$HOME/.cache/rootfs-operator}/venv-s3"
stamp="$venv/.requirements.sha256"
want="$(sha256sum "$here/requirements.txt" | cut -d' ' -f1)"

if [[ -x "$venv/bin/moto_server" && -f "$stamp" && "$(cat "$stamp")" == "$want" ]]; then
  echo "$venv/bin"
  exit 0
fi

python3 -m venv --clear "$venv" >&2 || {
  echo "Cannot create a Python venv at $venv: install python3-venv (apt-get install python3-venv)" >&2
  exit 1
}
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$here/requirements.txt" >&2
"$venv/bin/moto_server" --help >/dev/null
echo "$want" >"$stamp"
echo "$venv/bin"
