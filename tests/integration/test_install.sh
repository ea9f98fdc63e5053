#!/usr/bin/env bash
# test_install.sh - `cmake --install` into a scratch prefix, then use
# only what is there, as a user would, with the build tree off every
# path: the files and their sonames, RUNPATHs that point into the prefix
# (never the build tree), man pages that render, the wrappers' -show, C
# and Fortran programs built with pvmcc/pvmfort, pkg-config and
# find_package(pvmx), run by the installed pvmrun on a daemon the
# installed console started (found through the prefix); then the prefix
# is moved and used again from its new place.
source "$PVMX_SRC/tests/integration/lib.sh"
san_unsupported "an installed sanitized build is not one a user installs: every program" \
	"linked against it would need the sanitizer's runtime (the Release build's install is tested)"

P=$TEST_TMP/prefix
if ! cmake --install "$PVMX_BUILD" --prefix "$P" >"$TEST_TMP/install.log" 2>&1; then
	echo "FAIL: cmake --install failed:"
	cat "$TEST_TMP/install.log"
	exit 1
fi
pass "cmake --install --prefix $P"
if ! command -v gfortran >/dev/null; then
	echo "FAIL: no gfortran: the Fortran half of this test needs it (scripts/install-deps.sh)"
	exit 1
fi

for f in bin/pvmd bin/pvm bin/pvmrun bin/pvmtrace bin/srun-rsh bin/pvmcc bin/pvmfort \
	bin/pvmf77 bin/pvmf90 \
	lib/libpvm3.so.3 lib/libgpvm3.so.3 lib/libfpvm3.so.3 lib/libfpvm3.a \
	lib/libpvm3.so lib/libfpvm3.so include/pvm3.h include/pvmtev.h include/pvmx.h \
	include/fpvm3.h lib/pkgconfig/pvm3.pc lib/pkgconfig/fpvm3.pc \
	lib/cmake/pvmx/pvmxConfig.cmake lib/cmake/pvmx/pvmxConfigVersion.cmake \
	share/man/man1/pvmd.1 share/man/man1/pvm.1 share/man/man1/pvmrun.1 \
	share/man/man1/srun-rsh.1 share/man/man1/pvmtrace.1; do
	[ -e "$P/$f" ] || fail "not installed: $f"
done
pass "programs, libraries, headers, pkg-config files, CMake package, man pages installed"
for l in pvm3 gpvm3 fpvm3; do
	expect_eq "lib$l.so.3: soname" "lib$l.so.3" \
		"$(readelf -d "$P/lib/lib$l.so.3" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')"
done
for f in "$P"/bin/pvmd "$P"/bin/pvm "$P"/bin/pvmrun "$P"/lib/lib*.so.3; do
	rp=$(readelf -d "$f" | sed -n 's/.*\(RUNPATH\|RPATH\).*\[\(.*\)\]/\2/p')
	expect_eq "$(basename "$f"): RUNPATH" '$ORIGIN/../lib' "$rp"
done
# debug information (a RelWithDebInfo build, `make install`'s) names the
# directory the compiler ran in: that is for a debugger, not a reference
# the programs follow, so an ELF file is read without it
: >"$TEST_TMP/refs"
grep -rlaF "$PVMX_BUILD" "$P" | while read -r f; do
	if head -c 4 "$f" | grep -q 'ELF' &&
		objcopy --strip-debug "$f" "$TEST_TMP/nodebug" 2>/dev/null; then
		grep -qaF "$PVMX_BUILD" "$TEST_TMP/nodebug" && echo "$f"
		rm -f "$TEST_TMP/nodebug"
	elif case $f in *.a) true ;; *) false ;; esac; then
		# an archive: each member without its debug information
		rm -rf "$TEST_TMP/ar" && mkdir "$TEST_TMP/ar" &&
			(cd "$TEST_TMP/ar" && ar x "$f" && objcopy --strip-debug ./*.o) &&
			grep -rqaF "$PVMX_BUILD" "$TEST_TMP/ar" && echo "$f"
		rm -rf "$TEST_TMP/ar"
	else
		echo "$f"
	fi
done >"$TEST_TMP/refs"
if [ -s "$TEST_TMP/refs" ]; then
	fail "installed files name the build tree: $(tr '\n' ' ' <"$TEST_TMP/refs")"
else
	pass "no installed file names the build tree (but in debug information)"
fi
for m in pvmd pvm pvmrun; do
	warn=$(groff -man -Tutf8 -ww -z "$P/share/man/man1/$m.1" 2>&1)
	expect_eq "man page $m.1 renders without warnings" "" "$warn"
done

# from here on, only the prefix: no build tree on any path
export PATH=$P/bin:/usr/bin:/bin
unset LD_LIBRARY_PATH PVMX_PVMD PKG_CONFIG_PATH CMAKE_PREFIX_PATH
W=$TEST_TMP/work
mkdir -p "$W"
cd "$W" || exit 1
ex=$PVMX_SRC/examples

show=$(pvmcc -show -o ring "$ex/ring.c")
expect_match "pvmcc -show: include path, libpvm3 with an rpath" \
	"^[^ ]+ -I$P/include -o ring $ex/ring.c -L$P/lib -Wl,-rpath,$P/lib -lpvm3$" "$show"
show=$(pvmf90 -show -c x.f90)
expect_match "pvmf90 -show -c: include path, no libraries" "^[^ ]+ -I$P/include .*-c x.f90$" "$show"
show=$(pvmf77 -show -o x x.f)
expect_match "pvmf77 -show: libfpvm3 and libpvm3 with an rpath" \
	"-o x x.f -L$P/lib -Wl,-rpath,$P/lib -lfpvm3 -lpvm3$" "$show"

build() { # build WHAT CMD...: runs CMD, failing the test with its output
	local what=$1
	shift
	if "$@" >"$TEST_TMP/build.log" 2>&1; then pass "$what"; else
		fail "$what:"
		sed 's/^/    /' "$TEST_TMP/build.log"
	fi
}
build "pvmcc builds ring.c" pvmcc -o ring "$ex/ring.c"
build "pvmfort builds fring.f90" pvmfort -o fring "$ex/fring.f90"
export PKG_CONFIG_PATH=$P/lib/pkgconfig
build "pkg-config pvm3 builds hello.c and hello_other.c" \
	sh -c "cc -o hello $ex/hello.c \$(pkg-config --cflags --libs pvm3) &&
	       cc -o hello_other $ex/hello_other.c \$(pkg-config --cflags --libs pvm3)"
build "pkg-config fpvm3 builds fgsum.f90" \
	sh -c "gfortran -fallow-argument-mismatch -w -o fgsum $ex/fgsum.f90 \$(pkg-config --cflags --libs fpvm3)"
unset PKG_CONFIG_PATH
build "find_package(pvmx) configures a C and Fortran project" \
	cmake -S "$PVMX_SRC/tests/install" -B "$W/cm" -DCMAKE_PREFIX_PATH="$P" \
	-DPVMX_EXAMPLES="$ex" -DCMAKE_BUILD_TYPE=Release
build "find_package(pvmx) builds it (pvmx::pvm3, pvmx::fpvm3)" cmake --build "$W/cm"
for t in pvmx::pvm3 pvmx::gpvm3 pvmx::fpvm3; do
	if grep -q "add_library($t SHARED IMPORTED)" "$P/lib/cmake/pvmx/pvmxTargets.cmake"; then
		pass "CMake package: $t"
	else
		fail "CMake package has no $t"
	fi
done
for prog in ring fring hello fgsum cm/cm_master cm/worker cm/cm_fmaster cm/fworker; do
	lib=$(ldd "$W/$prog" 2>&1 | awk '$1 == "libpvm3.so.3" { print $3 }')
	expect_eq "$prog loads the installed libpvm3" "$P/lib/libpvm3.so.3.4.6" "$(readlink -f "$lib")"
done

# the installed console starts the daemon it finds through the prefix
export PATH=$W:$W/cm:$PATH
out=$(echo conf | tmo 30 pvm 2>&1)
expect_match "the installed console starts a daemon" '1 host' "$out"
pvmd_pid=$(vm_procs pvmd)
expect_eq "that daemon is the installed pvmd" "$P/bin/pvmd" "$(readlink "/proc/$pvmd_pid/exe")"
out=$(tmo 60 pvmrun -np 3 ring 2 2>&1)
expect_match "pvmrun -np 3 ring 2 (pvmcc)" 'token = 6 after 2 laps of 3 instances' "$out"
out=$(tmo 60 pvmrun -np 3 fring 2 2>&1)
expect_match "pvmrun -np 3 fring 2 (pvmfort)" 'token = 6 after 2 laps of 3 instances: OK' "$out"
out=$(tmo 60 pvmrun hello 2>&1)
expect_match "pvmrun hello (pkg-config)" 'hello, world from' "$out"
out=$(tmo 60 pvmrun -np 3 fgsum 2>&1)
expect_match "pvmrun -np 3 fgsum (pkg-config)" 'fgsum: 3 members: sum 6, sum of squares 14' "$out"
out=$(tmo 60 pvmrun cm_master 3 2>&1)
expect_match "pvmrun cm_master 3 (find_package)" 'total sum of squares = 83208375\.0 ' "$out"
out=$(tmo 60 pvmrun cm_fmaster 3 2>&1)
expect_match "pvmrun cm_fmaster 3 (find_package)" 'fmaster: results match' "$out"
echo halt | tmo 30 pvm >/dev/null 2>&1
if wait_until 10 sh -c "! kill -0 $pvmd_pid 2>/dev/null"; then
	pass "halt stops the daemon"
else
	fail "the daemon is still running after halt"
fi

# moved elsewhere, the prefix still works: its pvmcc builds against the
# new place, its pvmrun starts its own pvmd (none runs now) and halts it
M=$TEST_TMP/moved
mv "$P" "$M"
export PATH=$M/bin:$W:/usr/bin:/bin
build "the moved pvmcc builds ring.c" pvmcc -o "$W/ring" "$ex/ring.c"
expect_eq "ring now loads the moved libpvm3" "$M/lib/libpvm3.so.3.4.6" \
	"$(readlink -f "$(ldd "$W/ring" | awk '$1 == "libpvm3.so.3" { print $3 }')")"
out=$(tmo 60 pvmrun -np 2 ring 1 2>&1)
expect_match "the moved pvmrun runs ring on a pvmd of its own" \
	'token = 2 after 1 laps of 2 instances' "$out"
finish
