#!/usr/bin/env bash
# Ping-pong between two hosts (network namespaces), pvmx's daemon route
# beside PVM 3.4.6 (default route and PvmRouteDirect) and Open MPI (tcp):
# now one part of bench/run-direct.sh, which measures these and more.
# Usage: [PVMX_BUILD=build] bench/run-pingpong.sh [RUNS]   (as root, after `make`)
# Prints run-direct.sh's tables and DIRECT-MEDIAN lines for these systems.
exec env RUNS="${1:-3}" SCENARIOS=twohost \
	SYSTEMS="pvmx-dontroute pvm346 pvm346-direct openmpi" \
	"$(dirname "$0")/run-direct.sh"
