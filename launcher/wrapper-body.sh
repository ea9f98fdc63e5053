# (the part pvmcc.in and pvmfort.in share, pasted in by cmake/install.cmake)
# -show is ours; -c, -S, -E, -M and -MM compile only: no libraries then
show=0 link=1 nargs=$#
for arg; do
	shift
	case $arg in
	-show) show=1; continue ;;
	-c | -S | -E | -M | -MM) link=0 ;;
	esac
	set -- "$@" "$arg"
done
if [ "$nargs" -eq 0 ]; then
	echo "usage: $(basename "$0") [-show] compiler-arguments..." >&2
	exit 2
fi
if [ "$link" -eq 1 ]; then
	# shellcheck disable=SC2086 # flags and libs are lists of words
	set -- "-I$includedir" $flags "$@" "-L$libdir" "-Wl,-rpath,$libdir" $libs
else
	# shellcheck disable=SC2086
	set -- "-I$includedir" $flags "$@"
fi
if [ "$show" -eq 1 ]; then
	echo "$compiler $*"
	exit 0
fi
exec "$compiler" "$@"
