#!/usr/bin/env bash
# A user's build (no options) reports warnings but does not fail on them:
# -Werror comes only with PVMX_WERROR=ON, which make check and CI set.
# Configures the source tree afresh in a scratch directory both ways and
# reads the compile flags CMake generated.
set -euo pipefail
src=${PVMX_SRC:?PVMX_SRC: the source tree}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

configure() { # configure [cmake args...]
	if ! cmake -S "$src" -B "$dir" "$@" >"$dir/configure.log" 2>&1; then
		echo "FAIL: cmake -S $src $* did not configure:"
		cat "$dir/configure.log"
		exit 1
	fi
}
# the flags.make files that pass -Werror (not -Wno-error)
werror_flags() {
	find "$dir" -name flags.make -exec grep -l -e '-Werror\b' {} + || true
}

configure
grep -qx 'PVMX_WERROR:BOOL=OFF' "$dir/CMakeCache.txt" || {
	echo "FAIL: PVMX_WERROR does not default to OFF:"
	grep PVMX_WERROR "$dir/CMakeCache.txt"
	exit 1
}
with=$(werror_flags)
if [ -n "$with" ]; then
	echo "FAIL: the default build compiles with -Werror in:"
	echo "$with"
	exit 1
fi
echo "ok: the default build has no -Werror"

configure -DPVMX_WERROR=ON
if [ -z "$(werror_flags)" ]; then
	echo "FAIL: -DPVMX_WERROR=ON adds no -Werror"
	exit 1
fi
echo "ok: -DPVMX_WERROR=ON compiles with -Werror"
