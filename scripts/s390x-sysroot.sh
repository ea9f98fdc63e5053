#!/usr/bin/env bash
# s390x-sysroot.sh DIR - the s390x libraries pvmd and libpvm3 link
# (libevent, protobuf-c, OpenSSL; headers and shared objects), unpacked
# from Debian's s390x packages into DIR for the cross build
# (cmake/s390x.cmake) and for running under qemu-s390x-static.
# Needs `dpkg --add-architecture s390x && apt-get update` once.  The
# packages are unpacked, not installed: Multi-Arch: same would require the
# amd64 copies to be of the very same version, and this machine's amd64
# libevent/libssl3 come from bookworm-security, which has no s390x index
# on this mirror.  Does nothing when DIR already has them.
set -euo pipefail
dir=${1:?usage: s390x-sysroot.sh DIR}
pkgs=(libevent-dev libevent-2.1-7 libevent-core-2.1-7 libevent-extra-2.1-7
	libevent-pthreads-2.1-7 libevent-openssl-2.1-7
	libprotobuf-c-dev libprotobuf-c1 libssl-dev libssl3)
[ -f "$dir/.complete" ] && exit 0
dl=$(mktemp -d)
trap 'rm -rf "$dl"' EXIT
chmod 755 "$dl"
(cd "$dl" && apt-get -o APT::Sandbox::User=root download -q "${pkgs[@]/%/:s390x}" >/dev/null)
mkdir -p "$dir"
for deb in "$dl"/*.deb; do
	dpkg-deb -x "$deb" "$dir"
done
# the -dev symlinks are absolute in a few packages; make them relative
lib=$dir/usr/lib/s390x-linux-gnu
for l in "$lib"/*.so; do
	t=$(readlink "$l") || continue
	case $t in /*) ln -sf "$(basename "$t")" "$l" ;; esac
done
touch "$dir/.complete"
