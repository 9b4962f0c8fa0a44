#!/bin/sh
# The whole test suite, as CI runs it (.ci/run calls exactly this):
#  1. install dependencies (scripts/install-deps.sh);
#  2. native build with warnings as errors; every CTest test (unit tests, CLI contract, TFLite
#     conformance with the reference and the fast kernels, pipeline, store, config, report rendered in
#     headless Chromium, the daemon under a fake systemd notify socket, fault tests, packages, fuzz
#     regression replays);
#  3. the same suite under AddressSanitizer + UndefinedBehaviorSanitizer (clang), the thread pool and
#     the fast-kernel testers (ops on 1 to 3 threads) under ThreadSanitizer, then every libFuzzer target
#     for EDGEBENCH_FUZZ_SECONDS (default 30) each: a smoke run inside CI's 45 minutes (the long runs
#     are recorded in tests/fuzz/RESULTS.md);
#  4. the aarch64 cross build: runtime tests and conformance under qemu-aarch64, the arm64 .deb.
# Each stage prints its duration; the summary at the end lists them.
#   EDGEBENCH_SKIP_CROSS=1 / EDGEBENCH_SKIP_SANITIZERS=1 scripts/test.sh   leave a stage out (local use)
set -eu
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
export JOBS
T0=$(date +%s)
TIMES=""
stage_done() { TIMES="$TIMES$(printf '  %-44s %5ss' "$1" "$(( $(date +%s) - $2 ))")
"; }

t=$(date +%s)
scripts/install-deps.sh
stage_done "dependencies" "$t"

t=$(date +%s)
echo "== native build (build-ci) =="
cmake -S . -B build-ci -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGEBENCH_WERROR=ON >/dev/null
ninja -C build-ci -j "$JOBS"
stage_done "native build" "$t"
t=$(date +%s)
echo "== native tests =="
ctest --test-dir build-ci --output-on-failure -j "$JOBS" --timeout 900
stage_done "native tests" "$t"

if [ "${EDGEBENCH_SKIP_SANITIZERS:-0}" != 1 ]; then
  t=$(date +%s)
  echo "== sanitizers: ASan+UBSan suite, TSan thread pool and kernels on threads =="
  scripts/sanitize-test.sh
  stage_done "sanitizers (ASan+UBSan suite, TSan)" "$t"
  t=$(date +%s)
  echo "== fuzz targets, ${EDGEBENCH_FUZZ_SECONDS:-30} s each (same build as ASan) =="
  scripts/fuzz.sh all "${EDGEBENCH_FUZZ_SECONDS:-30}"
  stage_done "fuzzing" "$t"
fi

if [ "${EDGEBENCH_SKIP_CROSS:-0}" != 1 ]; then
  t=$(date +%s)
  echo "== aarch64 cross build + tests under qemu + arm64 .deb =="
  scripts/cross-test.sh
  stage_done "aarch64 (cross build, qemu tests, .deb)" "$t"
fi
echo
echo "== stage times =="
printf '%s' "$TIMES"
echo "  total: $(( $(date +%s) - T0 ))s"
echo "== all tests passed =="
