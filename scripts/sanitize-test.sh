#!/bin/sh
# The sanitizer jobs of CI (issue #6):
#   1. ASan + UBSan: the whole project built with clang-14 -fsanitize=address,undefined into build-fuzz
#      (the same build scripts/fuzz.sh uses, libFuzzer targets included), and the whole CTest suite run
#      there -- unit tests, CLI, pipeline and daemon end-to-end tests, fuzz corpus replays. The daemon's
#      end-to-end tests stretch their deadlines and shrink their runs under EDGEBENCH_SANITIZE (see
#      tests/service/CMakeLists.txt). The TFLite conformance cases (label "conformance") run as a subset
#      under ASan: see ASAN_CONFORMANCE.
#   2. TSan: eb_tsan_tests (tests/CMakeLists.txt) built with -fsanitize=thread into build-tsan: the
#      thread pool's tests and the fast-kernel testers, which run every op on 1 to 3 threads.
#   scripts/sanitize-test.sh            both
#   scripts/sanitize-test.sh asan|tsan  one of them
# Warnings are not errors in either build (EDGEBENCH_WERROR stays OFF): the plain -Werror build of
# scripts/test.sh owns warnings, and gcc's -Wmaybe-uninitialized misfires under -fsanitize (it stopped
# the TSan build on AVX-512 intrinsics that compile cleanly without it).
# Environment: JOBS (default: nproc), ASAN_CONFORMANCE=full to run every conformance case under ASan
# (default: skip the "conformance" label; the native job runs them all, see README).
set -eu
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
WHAT=${1:-all}
SHARED=${EDGEBENCH_SHARED_DIR:-$(pwd)/../shared}

# Any report fails the test that produced it, with a stack trace in its log.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:check_initialization_order=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}

elapsed() { echo "$(( $(date +%s) - $1 ))s"; }

if [ "$WHAT" = all ] || [ "$WHAT" = asan ]; then
  start=$(date +%s)
  # One clang ASan+UBSan build serves both this suite and scripts/fuzz.sh (the same directory and
  # configuration, so the fuzz run after it builds nothing more): CI pays for one sanitized build.
  echo "== ASan + UBSan build (build-fuzz: clang-14, libFuzzer targets included) =="
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DEDGEBENCH_FUZZ=ON -DEDGEBENCH_SANITIZE=address,undefined -DEDGEBENCH_SHARED_DIR="$SHARED" >/dev/null
  ninja -C build-fuzz -j "$JOBS"
  echo "   built in $(elapsed "$start")"
  echo "== ASan + UBSan tests =="
  start=$(date +%s)
  if [ "${ASAN_CONFORMANCE:-subset}" = full ]; then
    ctest --test-dir build-fuzz --output-on-failure -j "$JOBS" --timeout 1800
  else
    ctest --test-dir build-fuzz --output-on-failure -j "$JOBS" --timeout 1800 -LE conformance
  fi
  echo "   tests ran in $(elapsed "$start")"
fi

if [ "$WHAT" = all ] || [ "$WHAT" = tsan ]; then
  start=$(date +%s)
  echo "== TSan build of eb_tsan_tests (build-tsan) =="
  cmake -S . -B build-tsan -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DEDGEBENCH_WERROR=OFF \
    -DEDGEBENCH_SANITIZE=thread -DEDGEBENCH_SHARED_DIR="$SHARED" >/dev/null
  ninja -C build-tsan -j "$JOBS" eb_tsan_tests
  echo "== TSan: the thread pool's tests and the fast-kernel testers on 1 to 3 threads (label tsan) =="
  ctest --test-dir build-tsan --output-on-failure -j "$JOBS" -L '^tsan$' --no-tests=error
  echo "   TSan job took $(elapsed "$start")"
fi
echo "== sanitizer jobs passed =="
