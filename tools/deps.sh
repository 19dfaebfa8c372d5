#!/bin/sh
# deps.sh - install the system packages strata needs, only those missing.
# Uses apt-get (as root, or through sudo when available). Safe to re-run.
set -eu

PKGS="gcc make libc6-dev libpq-dev libpg-query-dev libcmocka-dev libjansson-dev
libmicrohttpd-dev postgresql postgresql-contrib ca-certificates curl"
# studio tests: jq for the API test, Debian's Chromium for the browser tests
PKGS="$PKGS jq chromium"
# optional extras for `make test` when STRATA_DEPS_EXTRA is set by later steps
PKGS="$PKGS ${STRATA_DEPS_EXTRA:-}"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "strata: installing missing packages:$missing"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
	if command -v sudo >/dev/null 2>&1; then
		SUDO="sudo -n"
	else
		echo "strata: error: not root and no sudo; install these yourself:$missing" >&2
		exit 1
	fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
echo "strata: packages installed"
