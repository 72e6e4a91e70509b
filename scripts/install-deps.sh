#!/bin/sh
# Installs, with apt-get, the Debian packages goosec needs that are missing; does nothing when
# all are present. Idempotent; needs root (or sudo) only when something is missing.
set -eu

# prometheus: promtool checks and a real server for the emitted rules in tests; curl: test HTTP probes;
# openssl, zstd: independent signature checks and the snapshot benchmark baseline;
# nginx: the stages and load-test target in end-to-end tests; wrk: the load-engine benchmark;
# jq: reading JSON reports in end-to-end tests; chromium: the load-test HTML report rendered headless;
# tzdata: the time zones of goose-run's off-peak windows
PACKAGES="build-essential pkg-config libfyaml-dev libjansson-dev libpcre2-dev libssl-dev libzstd-dev check prometheus curl openssl zstd nginx wrk jq chromium tzdata"

missing=""
for package in $PACKAGES; do
	if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
		missing="$missing $package"
	fi
done

if [ -z "$missing" ]; then
	exit 0
fi

echo "install-deps: installing:$missing"
if [ "$(id -u)" -eq 0 ]; then
	SUDO=""
else
	SUDO="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
