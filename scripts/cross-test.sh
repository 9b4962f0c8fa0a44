#!/bin/sh
# Cross-builds the whole of edgebench (daemon included) for aarch64, runs the runtime's tests under
# qemu-aarch64 and builds the arm64 .deb, as CI does (scripts/test.sh calls this).
#
#   scripts/cross-test.sh [CTEST_ARGS...]     e.g. scripts/cross-test.sh -LE conformance
#
# Steps: 1. arm64 sysroot (scripts/make-sysroot.sh; a no-op when up to date)
#        2. configure build-aarch64-full (toolchains/aarch64-linux-gnu.cmake, WERROR)
#        3. ninja -j$JOBS edgebench eb_runtime_tests: the whole program (daemon included) and the test
#           program that runs under qemu; EDGEBENCH_CROSS_TARGETS=all also cross-compiles the daemon's
#           test programs (CI leaves them out: they run natively, and building them for arm64 would cost
#           CI minutes for nothing it runs)
#        4. the binaries are aarch64 ELF; `edgebench --version` and `edgebench inspect MODEL` run
#           under qemu-aarch64 -cpu cortex-a72 -L SYSROOT
#        5. the runtime's tests under qemu (every test binary runs through CMAKE_CROSSCOMPILING_EMULATOR):
#           ctest -L '^(runtime|conformance)$' (unit tests, TFLite conformance) and -R '^cli_contract$'.
#           Arguments, if any, replace that selection and go to one ctest run (-R, -L, -LE, ...).
#           The daemon's own tests (store, pipeline, service) run natively; under qemu they would
#           only add time (their Python drivers start the binary without the emulator).
#        5b. the ARMv8.2 dot-product (SDOT) path under qemu-aarch64 -cpu $DOTPROD_CPU (Pi 5's Cortex-A76;
#           the cortex-a72 of step 5 lacks dotprod, so those tests skip there): the neon_dotprod
#           instances of the fast-kernel tests (none may skip), `edgebench bench --isa neon-dotprod
#           --profile-ops` on an int8 model must report the SDOT kernel, and the conformance runner's
#           auto engine with EDGEBENCH_ISA=neon-dotprod (~1 min). Only with the default selection.
#        6. the arm64 .deb (cpack) checked by tests/package/check_deb.py --arch arm64, and the
#           packaged (stripped) binary itself runs `--version` and `inspect` under qemu
# Steps 4 to 6 all run even if one fails; the exit status is non-zero if any step failed.
#
# Environment: JOBS (default 2), EDGEBENCH_SYSROOT (default <repo>/build-aarch64-sysroot),
#   EDGEBENCH_CROSS_BUILD_DIR (default build-aarch64-full), EDGEBENCH_CROSS_TARGETS (ninja targets of
#   step 3, default "edgebench eb_runtime_tests"; "all" for every target), EDGEBENCH_SHARED_DIR (default ../shared),
#   EDGEBENCH_SMOKE_MODEL (model file name under $EDGEBENCH_SHARED_DIR/models for step 4,
#   default ad-toycar-int8.tflite), EDGEBENCH_DOTPROD_QEMU_CPU (qemu CPU with dotprod for step 5b,
#   default cortex-a76), EDGEBENCH_CTEST_TIMEOUT (seconds per test that sets no TIMEOUT
#   of its own, default 600).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
JOBS=${JOBS:-2}
SYSROOT=${EDGEBENCH_SYSROOT:-$ROOT/build-aarch64-sysroot}
case $SYSROOT in /*) ;; *) SYSROOT=$ROOT/$SYSROOT ;; esac
BUILD=${EDGEBENCH_CROSS_BUILD_DIR:-build-aarch64-full}
SHARED=${EDGEBENCH_SHARED_DIR:-$ROOT/../shared}
SMOKE_MODEL=${EDGEBENCH_SMOKE_MODEL:-ad-toycar-int8.tflite}
TEST_TIMEOUT=${EDGEBENCH_CTEST_TIMEOUT:-600}
DOTPROD_CPU=${EDGEBENCH_DOTPROD_QEMU_CPU:-cortex-a76}
TOOLCHAIN=$ROOT/toolchains/aarch64-linux-gnu.cmake

T0=$(date +%s)
SUMMARY=""
FAILED=0
step() { echo; echo "== cross-test: $* =="; STEP_NAME=$*; STEP_T=$(date +%s); }
# done_step STATUS: records the step's outcome and duration.
done_step() {
  d=$(( $(date +%s) - STEP_T ))
  if [ "$1" -eq 0 ]; then r=ok; x=""; else r=FAILED; x=" (exit $1)"; FAILED=1; fi
  SUMMARY="$SUMMARY$(printf '  %-6s %5ss  %s%s' "$r" "$d" "$STEP_NAME" "$x")
"
  echo "-- $r$x: $STEP_NAME (${d}s)"
}
finish() {
  echo
  echo "== cross-test summary (aarch64, sysroot $SYSROOT, build dir $BUILD) =="
  printf '%s' "$SUMMARY"
  echo "  total: $(( $(date +%s) - T0 ))s"
  if [ "$FAILED" -ne 0 ]; then echo "cross-test: FAILED"; exit 1; fi
  echo "cross-test: all passed"
  exit 0
}
# must STATUS: a step nothing after it can do without.
must() { done_step "$1"; [ "$1" -eq 0 ] || finish; }

# --- 1. sysroot -------------------------------------------------------------------------------------
step "sysroot $SYSROOT"
rc=0; scripts/make-sysroot.sh "$SYSROOT" || rc=$?
must $rc

# --- 2. configure -----------------------------------------------------------------------------------
step "configure $BUILD (aarch64 toolchain, full program, WERROR)"
cache_get() { sed -n "s/^$1:[A-Z]*=//p" "$BUILD/CMakeCache.txt"; }
FRESH=""
if [ -f "$BUILD/CMakeCache.txt" ]; then
  # A build dir made natively or with another sysroot: start its cache afresh (objects are kept;
  # ninja rebuilds only what changed).
  if [ "$(cache_get CMAKE_TOOLCHAIN_FILE)" != "$TOOLCHAIN" ] || [ "$(cache_get EDGEBENCH_SYSROOT)" != "$SYSROOT" ]; then
    echo "cross-test: $BUILD was configured with another toolchain or sysroot: reconfiguring with --fresh"
    FRESH=--fresh
  fi
fi
rc=0
# shellcheck disable=SC2086
cmake $FRESH -S . -B "$BUILD" -G Ninja \
  -DCMAKE_TOOLCHAIN_FILE="$TOOLCHAIN" -DEDGEBENCH_SYSROOT="$SYSROOT" \
  -DEDGEBENCH_SHARED_DIR="$SHARED" \
  -DEDGEBENCH_RUNTIME_ONLY=OFF -DEDGEBENCH_WERROR=ON -DCMAKE_SKIP_INSTALL_ALL_DEPENDENCY=ON || rc=$?
must $rc
# What the toolchain file chose (CMAKE_CROSSCOMPILING_EMULATOR is qemu -cpu CPU -L SYSROOT).
EMULATOR="$(cache_get EDGEBENCH_QEMU_AARCH64) -cpu $(cache_get EDGEBENCH_QEMU_CPU) -L $(cache_get EDGEBENCH_SYSROOT)"
echo "cross-test: compiler $(sed -n 's/^set(CMAKE_CXX_COMPILER "\(.*\)")$/\1/p' "$BUILD"/CMakeFiles/*/CMakeCXXCompiler.cmake | head -n1)," \
     "CMAKE_CXX_FLAGS '$(cache_get CMAKE_CXX_FLAGS)', build type $(cache_get CMAKE_BUILD_TYPE)"
echo "cross-test: emulator '$EMULATOR'"

# --- 3. build ---------------------------------------------------------------------------------------
TARGETS=${EDGEBENCH_CROSS_TARGETS:-edgebench eb_runtime_tests}
# The man page of the package (help2man runs the binary under qemu), when help2man is there.
if [ -z "${EDGEBENCH_CROSS_TARGETS:-}" ] && command -v help2man >/dev/null; then TARGETS="$TARGETS edgebench_man"; fi
[ "$TARGETS" = all ] && TARGETS=""
step "build: ninja -C $BUILD -j$JOBS $TARGETS"
# cpack (step 6) installs edgebench only: CMAKE_SKIP_INSTALL_ALL_DEPENDENCY keeps it from building all.
# shellcheck disable=SC2086
rc=0; ninja -C "$BUILD" -j "$JOBS" $TARGETS || rc=$?
must $rc

# --- 4. the binaries are aarch64 and run under qemu -------------------------------------------------
step "aarch64 ELF check, qemu smoke run (inspect $SMOKE_MODEL)"
rc=0
for bin in "$BUILD/daemon/edgebench" "$BUILD/tests/eb_runtime_tests"; do
  [ -f "$bin" ] || { echo "cross-test: $bin missing"; rc=1; continue; }
  # ELF header: EI_CLASS (byte 4) 2 = 64-bit, e_machine (bytes 18-19, little endian) 0xb7 = AArch64.
  hdr=$(od -An -tx1 -j4 -N1 "$bin" | tr -d ' ')/$(od -An -tx1 -j18 -N2 "$bin" | tr -d ' ')
  if command -v file >/dev/null; then file "$bin"; fi
  if [ "$hdr" = "02/b700" ]; then echo "cross-test: $bin is a 64-bit AArch64 ELF"
  else echo "cross-test: $bin is not an AArch64 ELF (class/machine $hdr)"; rc=1; fi
done
run() { echo "\$ $*"; "$@"; }
# smoke BINARY: --version and inspect MODEL under qemu; returns non-zero if either fails.
smoke() {
  # shellcheck disable=SC2086
  run $EMULATOR "$1" --version || return 1
  if [ -f "$SHARED/models/$SMOKE_MODEL" ]; then
    # shellcheck disable=SC2086
    run $EMULATOR "$1" inspect "$SHARED/models/$SMOKE_MODEL" >/dev/null || return 1
    echo "(inspect output omitted)"
  else
    echo "cross-test: $SHARED/models/$SMOKE_MODEL absent: inspect smoke test skipped"
  fi
}
smoke "$BUILD/daemon/edgebench" || rc=1
done_step $rc

# --- 5. tests under qemu ----------------------------------------------------------------------------
# --timeout: the default for tests without a TIMEOUT property (the gtest cases; the project does not
# include(CTest), so they would otherwise have none and a hung case under qemu would stall CI).
rc=0
if [ $# -gt 0 ]; then
  step "tests under qemu: ctest --test-dir $BUILD -j$JOBS $*"
  ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout "$TEST_TIMEOUT" "$@" || rc=$?
else
  # The XNNPACK conformance runner is left to the native stage (it checks Debian's library, not our
  # kernels, and takes ~3 of the ~8 minutes under qemu); ref and auto (the NEON kernels) run here.
  step "tests under qemu: the runtime's (labels runtime, conformance except xnnpack; cli_contract)"
  ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout "$TEST_TIMEOUT" -L '^(runtime|conformance)$' \
    -LE '^xnnpack$' || rc=$?
  ctest --test-dir "$BUILD" --output-on-failure -j "$JOBS" --timeout "$TEST_TIMEOUT" -R '^cli_contract$' || rc=$?
fi
done_step $rc

# --- 5b. the SDOT path under a qemu CPU that has dotprod ----------------------------------------------
if [ $# -eq 0 ]; then
  step "SDOT path under qemu -cpu $DOTPROD_CPU (neon_dotprod tests, bench, conformance auto)"
  rc=0
  DOT_EMU="$(cache_get EDGEBENCH_QEMU_AARCH64) -cpu $DOTPROD_CPU -L $(cache_get EDGEBENCH_SYSROOT)"
  DOT_LOG=$BUILD/dotprod-tests.log
  # Every neon_dotprod instance, plus the kernel table check; a skip would mean the CPU lacks dotprod.
  # shellcheck disable=SC2086
  run $DOT_EMU "$BUILD/tests/eb_runtime_tests" --gtest_filter='*/neon_dotprod:Q8GemmFastKernels.*' \
    >"$DOT_LOG" 2>&1 || rc=1
  tail -n 3 "$DOT_LOG"
  if grep -q '^\[  SKIPPED \]' "$DOT_LOG"; then
    echo "cross-test: neon_dotprod tests skipped under $DOTPROD_CPU"; rc=1
  fi
  if ! grep -q '^\[       OK \] .*/neon_dotprod' "$DOT_LOG"; then echo "cross-test: no neon_dotprod test ran"; rc=1; fi
  DOT_MODEL=$SHARED/models/ic-resnet8-int8.tflite
  if [ -f "$DOT_MODEL" ]; then
    # shellcheck disable=SC2086
    out=$(run $DOT_EMU "$BUILD/daemon/edgebench" bench "$DOT_MODEL" --isa neon-dotprod --warmup 0 --iterations 1 \
          --profile-ops 2>&1) || rc=1
    if printf '%s\n' "$out" | grep -q 'qs8_igemm_4x16c4_neondot'; then echo "cross-test: bench ran the SDOT kernel"
    else printf '%s\n' "$out"; echo "cross-test: bench did not report the SDOT kernel"; rc=1; fi
    # shellcheck disable=SC2086
    run env EDGEBENCH_ISA=neon-dotprod "$(cache_get EB_PYTHON3)" tests/conformance/run_conformance.py \
      --edgebench "$BUILD/daemon/edgebench" --shared "$SHARED" --engine auto --threads 2 --jobs "$JOBS" \
      --wrapper "$DOT_EMU" || rc=1
  else
    echo "cross-test: $DOT_MODEL absent: SDOT bench and conformance skipped"
  fi
  done_step $rc
fi

# --- 6. the arm64 .deb --------------------------------------------------------------------------------
step "arm64 .deb: cpack, tests/package/check_deb.py --arch arm64, packaged binary under qemu"
rc=0
PKG_DIR=$BUILD/package
rm -rf "$PKG_DIR"
cpack --config "$BUILD/CPackConfig.cmake" -G DEB -B "$PKG_DIR" || rc=$?
DEB=$(ls "$PKG_DIR"/edgebench_*_arm64.deb 2>/dev/null | head -n1 || true)
if [ "$rc" -eq 0 ] && [ -n "$DEB" ]; then
  EXPECT_MAN=""; if command -v help2man >/dev/null; then EXPECT_MAN=--expect-man; fi
  python3 tests/package/check_deb.py --deb "$DEB" --arch arm64 $EXPECT_MAN || rc=1
  rm -rf "$PKG_DIR/root"
  dpkg-deb --extract "$DEB" "$PKG_DIR/root"
  smoke "$PKG_DIR/root/usr/bin/edgebench" || rc=1
  echo "cross-test: $DEB ($(du -k "$DEB" | cut -f1) kB)"
else
  echo "cross-test: cpack made no edgebench_*_arm64.deb in $PKG_DIR"; rc=1
fi
done_step $rc

finish
