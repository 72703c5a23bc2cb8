#!/usr/bin/env bash
# Installs the Debian packages in scripts/system-packages.txt that are missing; a no-op when all are there.
set -euo pipefail
list="$(dirname "$0")/system-packages.txt"
mapfile -t wanted < <(grep -Ev '^\s*(#|$)' "$list")
missing=()
for pkg in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "All ${#wanted[@]} system packages are installed."
  exit 0
fi
echo "Installing: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq "${missing[@]}"
