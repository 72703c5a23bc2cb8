#!/usr/bin/env bash
# Installs moto's S3 server (pinned in requirements.txt) into a venv of its own, so it never clashes with the
# system's or the other validators' Python packages. Prints the venv's bin dir on its last stdout line.
# Idempotent: a venv whose stamp matches requirements.txt is reused without touching pip.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$here/../../../scripts/setup/python-venv.sh" venv-s3 "$here/requirements.txt" moto_server --help
