#!/bin/sh
# Installs every Debian package edgebench needs to build, test, cross-build and benchmark.
# Idempotent; needs root (or sudo). Usage: scripts/install-deps.sh [--no-cross]
set -eu
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

# systemd: systemd-analyze (tests/package checks the unit); dpkg-dev: dpkg-shlibdeps (cpack's Depends);
# help2man: the man page made from `edgebench --help`; libhdf5/libzip/nlohmann-json: the Keras module
# (kernels/keras/, edgebench-keras.so; without them it is not built).
BUILD="build-essential cmake ninja-build pkg-config git
  flatbuffers-compiler libflatbuffers-dev
  libsystemd-dev libsqlite3-dev sqlite3 libyaml-cpp-dev libspdlog-dev libfmt-dev
  libopencv-dev libxnnpack-dev libpthreadpool-dev
  libhdf5-dev libzip-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  python3 python3-numpy dataset-fashion-mnist
  systemd dpkg-dev help2man
  chromium"
# What only the test suite needs (scripts/test.sh): the aarch64 cross toolchain and qemu, and clang with
# its sanitizer/libFuzzer runtimes (scripts/sanitize-test.sh, scripts/fuzz.sh). --no-cross skips them.
CROSS="g++-aarch64-linux-gnu qemu-user mmdebstrap clang-14 libclang-rt-14-dev"

PKGS="$BUILD"
[ "${1:-}" = "--no-cross" ] || PKGS="$PKGS $CROSS"

missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  $SUDO apt-get update -qq
  # shellcheck disable=SC2086
  $SUDO apt-get install -y -qq --no-install-recommends $missing
fi
echo "dependencies ready"
