#!/usr/bin/env bash
# Installs the Debian 12 packages pvmx needs to build, test and compare
# itself against PVM 3.4.6.  Does nothing when they are all present.
set -euo pipefail

packages=(
	build-essential cmake pkg-config
	libevent-dev libprotobuf-c-dev protobuf-c-compiler
	libfabric-dev libhwloc-dev libssl-dev
	pvm pvm-dev            # the reference PVM 3.4.6, for compatibility tests
	openmpi-bin libopenmpi-dev  # Open MPI, for the side-by-side benchmarks in bench/
	iproute2 procps
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
		missing+=("$p")
	fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "install-deps: installing ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install ${missing[*]}" >&2; exit 1; }
	sudo=sudo
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
