#!/bin/sh
# Creates the Debian bookworm arm64 sysroot used to cross-build edgebench for aarch64 (see
# toolchains/aarch64-linux-gnu.cmake) and to run the result under qemu-aarch64 -L SYSROOT.
#
#   scripts/make-sysroot.sh [DIR]        DIR defaults to $EDGEBENCH_SYSROOT, else <repo>/build-aarch64-sysroot
#
# Idempotent: DIR/.edgebench-sysroot-stamp records the suite, mirrors and package list; when they
# match, nothing is done. Otherwise the sysroot is rebuilt next to DIR and swapped in atomically, so an
# interrupted run never leaves a half-made sysroot that looks complete.
#
# The packages come from the host's configured apt mirror (the URIs of /etc/apt/sources.list and
# /etc/apt/sources.list.d/* serving "bookworm" and "bookworm-security"); EDGEBENCH_MIRROR and
# EDGEBENCH_SECURITY_MIRROR override them. mmdebstrap --variant=extract only unpacks the listed
# packages and their dependencies (no maintainer scripts, no Essential set): several
# hundred packages, 1.1 GB (OpenCV pulls in most of them), 1.5 to 4 minutes to download and unpack.
# Needs mmdebstrap (scripts/install-deps.sh). Runs as root, or unprivileged via mmdebstrap's
# unshare/fakechroot modes.
set -eu

# Hidden mode, run by mmdebstrap as --extract-hook with the new root as $2: keeps every extracted
# package's shlibs control file in ROOT/var/lib/edgebench-shlibs/PACKAGE.shlibs. --variant=extract
# fills no dpkg database, so dpkg-shlibdeps cannot compute an arm64 package's Depends from the
# sysroot; scripts/cpack-depends.cmake reads these files instead (soname -> "package (>= version)").
if [ "${1:-}" = --collect-shlibs ]; then
  out="$2/var/lib/edgebench-shlibs"
  mkdir -p "$out"
  tmp=$(mktemp -d)
  for deb in "$2"/var/cache/apt/archives/*.deb; do
    [ -f "$deb" ] || continue
    rm -rf "$tmp/c"
    dpkg-deb --control "$deb" "$tmp/c"
    [ ! -f "$tmp/c/shlibs" ] || cp "$tmp/c/shlibs" "$out/$(dpkg-deb --field "$deb" Package).shlibs"
  done
  rm -rf "$tmp"
  echo "make-sysroot: kept $(ls "$out" | wc -l) shlibs files in $out"
  exit 0
fi

SUITE=bookworm
ARCH=arm64
# What the full build links against: the C/C++ runtime, flatbuffers headers, gtest (the runtime),
# then the daemon's libraries (SQLite, yaml-cpp, spdlog, libsystemd, OpenCV), XNNPACK for the peer
# engine and google-benchmark for bench/. Their dependencies are pulled in by apt. libopencv-dev is
# the heavy one (it depends on every OpenCV module, VTK and Qt among their dependencies), but only it
# ships OpenCVConfig.cmake, whose imported targets check that every module's library exists.
PACKAGES="libc6-dev libstdc++-12-dev libgcc-12-dev libflatbuffers-dev libgtest-dev libgmock-dev
 libsqlite3-dev libyaml-cpp-dev libspdlog-dev libsystemd-dev libopencv-dev libxnnpack-dev libpthreadpool-dev libbenchmark-dev"
PACKAGES=$(echo $PACKAGES)   # one line: the stamp and the log show it as one list

ROOT=$(cd "$(dirname "$0")/.." && pwd)
DIR=${1:-${EDGEBENCH_SYSROOT:-$ROOT/build-aarch64-sysroot}}
STAMP_NAME=.edgebench-sysroot-stamp

# --- mirrors: from the host's apt sources (one-line .list and deb822 .sources) -----------------------
# Prints "URI SUITE" for every (enabled, Types: deb) source entry.
apt_source_entries() {
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [opts] URI SUITE COMPONENTS...
    sed -e 's/#.*//' -e 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && NF >= 3 { print $2, $3 }'
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # deb822 stanzas separated by blank lines; emit every URI x suite pair of enabled deb stanzas.
    awk '
      function flush(   i, j, nu, ns, u, s) {
        if (types ~ /(^| )deb( |$)/ && enabled != "no") {
          nu = split(uris, u, " "); ns = split(suites, s, " ")
          for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++) print u[i], s[j]
        }
        types = ""; uris = ""; suites = ""; enabled = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      { line = $0; key = tolower(line); sub(/:.*/, "", key); val = line; sub(/^[^:]*:[ \t]*/, "", val) }
      key == "types" { types = val } key == "uris" { uris = val } key == "suites" { suites = val }
      key == "enabled" { enabled = tolower(val) }
      END { flush() }' "$f"
  done
}
first_uri_for_suite() { apt_source_entries | awk -v s="$1" '$2 == s { print $1; exit }'; }

MIRROR=${EDGEBENCH_MIRROR:-$(first_uri_for_suite "$SUITE")}
SECURITY_MIRROR=${EDGEBENCH_SECURITY_MIRROR:-$(first_uri_for_suite "$SUITE-security")}
if [ -z "$MIRROR" ]; then
  echo "make-sysroot: no apt source for suite '$SUITE' in /etc/apt/sources.list*; set EDGEBENCH_MIRROR" >&2
  exit 1
fi
MIRROR=${MIRROR%/}
SECURITY_MIRROR=${SECURITY_MIRROR%/}
# Same suites as the host, so the sysroot's libraries match the host's (security) updates.
set -- "deb $MIRROR $SUITE main" "deb $MIRROR $SUITE-updates main"
[ -z "$SECURITY_MIRROR" ] || set -- "$@" "deb $SECURITY_MIRROR $SUITE-security main"

STAMP_CONTENT="suite=$SUITE arch=$ARCH
packages=$PACKAGES
shlibs=var/lib/edgebench-shlibs alternatives=libblas.so.3,liblapack.so.3
$(for m in "$@"; do echo "source=$m"; done)"

if [ -f "$DIR/$STAMP_NAME" ] && [ "$(cat "$DIR/$STAMP_NAME")" = "$STAMP_CONTENT" ]; then
  echo "make-sysroot: $DIR is up to date ($SUITE/$ARCH: $PACKAGES)"
  exit 0
fi

# Only ever replace an empty directory or a sysroot this script made (never, say, a mistyped $HOME).
if [ -e "$DIR" ] && [ ! -f "$DIR/$STAMP_NAME" ] && [ -n "$(ls -A "$DIR" 2>/dev/null || echo x)" ]; then
  echo "make-sysroot: $DIR exists, is not empty and has no $STAMP_NAME: not touching it" >&2
  exit 1
fi
command -v mmdebstrap >/dev/null || { echo "make-sysroot: mmdebstrap missing (scripts/install-deps.sh)" >&2; exit 1; }

echo "make-sysroot: creating $SUITE/$ARCH sysroot in $DIR"
echo "make-sysroot:   packages: $PACKAGES"
for m in "$@"; do echo "make-sysroot:   source:   $m"; done
START=$(date +%s)

mkdir -p "$(dirname "$DIR")"
NEW="$DIR.new.$$"
OLD="$DIR.old.$$"
cleanup() { rm -rf "$NEW" "$OLD"; }
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# --skip=cleanup/apt/lists keeps nothing big: the downloaded .debs are removed by mmdebstrap anyway.
SELF=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
mmdebstrap --quiet --variant=extract --arch="$ARCH" \
  --include="$(echo "$PACKAGES" | tr ' ' ',')" \
  --extract-hook="\"$SELF\" --collect-shlibs \"\$1\"" \
  "$SUITE" "$NEW" "$@"

# Debian picks the BLAS/LAPACK implementation with update-alternatives in their postinst, which
# --variant=extract never runs: without these links ld cannot resolve OpenCV's indirect libblas.so.3 /
# liblapack.so.3 (via GDAL, Armadillo) and the binary does not start under qemu. Point them at the
# reference implementations, as a fresh install would.
for lib in blas/libblas.so.3 lapack/liblapack.so.3; do
  d="$NEW/usr/lib/aarch64-linux-gnu"
  if [ -e "$d/$lib" ] && [ ! -e "$d/$(basename "$lib")" ]; then ln -s "$lib" "$d/$(basename "$lib")"; fi
done

# Sanity: what the toolchain file and qemu rely on.
for f in usr/include/stdio.h usr/include/flatbuffers/flatbuffers.h usr/include/gtest/gtest.h \
         usr/lib/aarch64-linux-gnu/libgtest.a usr/lib/aarch64-linux-gnu/cmake/GTest/GTestConfig.cmake \
         lib/ld-linux-aarch64.so.1 usr/include/sqlite3.h usr/include/yaml-cpp/yaml.h \
         usr/include/spdlog/spdlog.h usr/include/systemd/sd-daemon.h \
         usr/lib/aarch64-linux-gnu/pkgconfig/libsystemd.pc \
         usr/lib/aarch64-linux-gnu/cmake/opencv4/OpenCVConfig.cmake usr/include/xnnpack.h \
         usr/include/benchmark/benchmark.h var/lib/edgebench-shlibs/libc6.shlibs \
         usr/lib/aarch64-linux-gnu/libblas.so.3 usr/lib/aarch64-linux-gnu/liblapack.so.3; do
  [ -e "$NEW/$f" ] || [ -L "$NEW/$f" ] || { echo "make-sysroot: $NEW/$f missing after mmdebstrap" >&2; exit 1; }
done

printf '%s\n' "$STAMP_CONTENT" > "$NEW/$STAMP_NAME"
[ ! -e "$DIR" ] || mv "$DIR" "$OLD"
mv "$NEW" "$DIR"
rm -rf "$OLD"
echo "make-sysroot: done in $(( $(date +%s) - START ))s ($(du -sh "$DIR" | cut -f1))"
