#!/bin/sh
# Builds edgebench from source and installs it with its systemd service, without enabling anything.
#
#   sudo scripts/install.sh [--prefix DIR] [--build-dir DIR] [--no-build] [--destdir DIR]
#
#   --prefix DIR     install prefix (default /usr/local): DIR/bin/edgebench, DIR/lib/systemd/system/
#                    edgebench.service (systemd searches /usr/local/lib/systemd/system; with --prefix
#                    /usr the unit goes to /lib/systemd/system like the .deb's), DIR/lib/sysusers.d,
#                    DIR/lib/tmpfiles.d, DIR/share/doc/edgebench. The config is always
#                    /etc/edgebench/edgebench.yaml (the unit's ConfigurationDirectory=); an existing one
#                    is kept, the new example goes next to it as edgebench.yaml.new.
#   --build-dir DIR  build directory (default build-release), configured Release if new
#   --no-build       install what DIR already holds (no configure, no ninja)
#   --destdir DIR    stage into DIR (packaging, tests): nothing outside DIR is touched, no user is
#                    created and systemd is not told
#
# Then, unless --destdir: creates the edgebench system user and /var/lib/edgebench/models
# (systemd-sysusers, systemd-tmpfiles) and runs `systemctl daemon-reload`. It enables and starts
# nothing: `systemctl enable --now edgebench` does. Dependencies: scripts/install-deps.sh --no-cross.
set -eu
cd "$(dirname "$0")/.."
PREFIX=/usr/local
BUILD=build-release
DO_BUILD=1
DESTDIR_ARG=""
JOBS=${JOBS:-$(nproc)}
while [ $# -gt 0 ]; do
  case $1 in
    --prefix) PREFIX=$2; shift 2 ;;
    --build-dir) BUILD=$2; shift 2 ;;
    --no-build) DO_BUILD=0; shift ;;
    --destdir) DESTDIR_ARG=$2; shift 2 ;;
    -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
    *) echo "install.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
case $PREFIX in /*) ;; *) echo "install.sh: --prefix must be absolute, got '$PREFIX'" >&2; exit 2 ;; esac
if [ -n "$DESTDIR_ARG" ]; then
  case $DESTDIR_ARG in /*) ;; *) DESTDIR_ARG=$(pwd)/$DESTDIR_ARG ;; esac
elif [ "$(id -u)" -ne 0 ]; then
  echo "install.sh: installing into the system needs root (or use --destdir DIR)" >&2
  exit 1
fi

if [ "$DO_BUILD" = 1 ]; then
  echo "== configure + build $BUILD =="
  if [ ! -f "$BUILD/CMakeCache.txt" ]; then
    cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=Release -DEDGEBENCH_TESTS=OFF
  fi
  # The man page target exists only where help2man was found at configure time.
  if ninja -C "$BUILD" -t targets all | grep -q '^edgebench_man:'; then MAN=edgebench_man; else MAN=""; fi
  ninja -C "$BUILD" -j "$JOBS" edgebench $MAN
elif [ ! -f "$BUILD/cmake_install.cmake" ]; then
  echo "install.sh: $BUILD is not a configured build directory" >&2
  exit 1
fi

CONF=/etc/edgebench/edgebench.yaml
KEEP=""
# A config the administrator already has wins over the example (as dpkg does with a conffile).
if [ -z "$DESTDIR_ARG" ] && [ -f "$CONF" ]; then
  KEEP=$(mktemp)
  cp -p "$CONF" "$KEEP"
fi

echo "== install into ${DESTDIR_ARG}$PREFIX =="
DESTDIR=$DESTDIR_ARG cmake --install "$BUILD" --prefix "$PREFIX" --strip

if [ -n "$KEEP" ]; then
  if ! cmp -s "$KEEP" "$CONF"; then
    mv "$CONF" "$CONF.new"
    echo "install.sh: kept your $CONF; the new example is $CONF.new"
  fi
  cp -p "$KEEP" "$CONF"
  rm -f "$KEEP"
fi

if [ -n "$DESTDIR_ARG" ]; then
  echo "install.sh: staged into $DESTDIR_ARG (no user created, systemd not told)"
  exit 0
fi

echo "== system user, state directory, systemd =="
if command -v systemd-sysusers >/dev/null; then
  systemd-sysusers "$PREFIX/lib/sysusers.d/edgebench.conf"
fi
if command -v systemd-tmpfiles >/dev/null; then
  systemd-tmpfiles --create "$PREFIX/lib/tmpfiles.d/edgebench.conf"
fi
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload
fi
cat <<EOF
install.sh: installed $PREFIX/bin/edgebench and edgebench.service; nothing is enabled or started.
  edit /etc/edgebench/edgebench.yaml, copy models into /var/lib/edgebench/models, then:
    sudo systemctl enable --now edgebench
    journalctl -u edgebench -f
  let a user drop models and read results: sudo adduser USER edgebench
EOF
