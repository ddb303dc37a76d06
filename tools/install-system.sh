#!/bin/sh
# The install step's system half (npm ci runs it as postinstall, so ./run-test.sh and `npm cit` both
# do it on first use): installs the Debian packages of tools/system-packages.txt that are missing,
# with apt-get when run as root; otherwise prints the exact command and carries on, and the checks
# that need a missing package report skip with that reason. SSE_SKIP_SYSTEM_PACKAGES=1 skips it.
set -eu
cd "$(dirname "$0")"
[ "${SSE_SKIP_SYSTEM_PACKAGES:-0}" = 1 ] && exit 0
command -v dpkg-query >/dev/null 2>&1 || { echo "install-system: not a Debian system: install the packages of tools/system-packages.txt by hand" >&2; exit 0; }
missing=""
for pkg in $(grep -v '^#' system-packages.txt); do
  status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
  case "$status" in *"install ok installed"*) ;; *) missing="$missing $pkg" ;; esac
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "install-system: missing Debian packages:$missing" >&2
  echo "install-system: install them with: sudo apt-get update && sudo apt-get install -y$missing" >&2
  echo "install-system: until then the checks that need them report skip" >&2
  exit 0
fi
echo "install-system: apt-get install -y$missing" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
# shellcheck disable=SC2086
apt-get install -y -qq $missing >&2
