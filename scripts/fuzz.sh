#!/bin/sh
# Builds the libFuzzer targets (tests/fuzz/) with clang-14 + ASan + UBSan into build-fuzz and runs each
# for SECONDS. Any finding (crash, sanitizer report, FUZZ_CHECK, timeout, out-of-memory) is copied into
# tests/fuzz/regressions/<target>/ -- from there the CTest test fuzz_<target>_replay replays it on every
# build -- and the script fails.
#   scripts/fuzz.sh TARGET|all SECONDS      TARGET: model | npy | image | config | labels (or fuzz_model, ...),
#                                           or a comma-separated list of them (model,npy)
# Environment: PARALLEL=2 runs two targets at a time (default 1); NICE (default 10) is the nice level;
# JOBS (default 2) the build parallelism; FUZZ_ARGS extra libFuzzer flags (e.g. -jobs, -dict).
# The working corpus (build-fuzz/corpus/<target>) is kept between runs, so repeated runs go deeper;
# logs are in build-fuzz/logs/<target>.log (last lines: libFuzzer's cov:, ft:, exec/s and corpus size).
set -eu
cd "$(dirname "$0")/.."
ROOT=$(pwd)
if [ $# -ne 2 ]; then
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS" >&2
  exit 2
fi
WHAT=$1
SECONDS_EACH=$2
BUILD=$ROOT/build-fuzz
SHARED=${EDGEBENCH_SHARED_DIR:-$ROOT/../shared}

command -v clang++-14 >/dev/null || { echo "fuzz.sh: clang++-14 is not installed (apt-get install clang-14 libclang-rt-14-dev)" >&2; exit 2; }

ALL="model npy image config labels"
if [ "$WHAT" = all ]; then TARGETS=$ALL; else TARGETS=$(echo "$WHAT" | tr ',' ' ' | sed 's/fuzz_//g'); fi

cmake -S "$ROOT" -B "$BUILD" -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DEDGEBENCH_FUZZ=ON -DEDGEBENCH_SANITIZE=address,undefined -DEDGEBENCH_SHARED_DIR="$SHARED" >/dev/null
# fuzz_config exists only once the config loader (daemon/config) is in the tree.
BUILT=""
for t in $TARGETS; do
  if ninja -C "$BUILD" -t targets all 2>/dev/null | grep -q "^fuzz_$t:"; then
    BUILT="$BUILT $t"
  elif [ "$WHAT" = all ]; then
    echo "fuzz.sh: fuzz_$t is not part of this tree yet, skipped"
  else
    echo "fuzz.sh: unknown fuzz target '$t' (available: $ALL, or all)" >&2
    exit 2
  fi
done
[ -n "$BUILT" ] || { echo "fuzz.sh: nothing to run" >&2; exit 2; }
ninja -C "$BUILD" -j "${JOBS:-2}" $(for t in $BUILT; do printf 'fuzz_%s ' "$t"; done)

python3 "$ROOT/tests/fuzz/make_seeds.py" --out "$BUILD/fuzz-seeds" --flatc "$(command -v flatc)" \
  --schema "$ROOT/kernels/model/tflite_schema.fbs" --shared "$SHARED" --repo "$ROOT"

max_len() {
  case $1 in
    model) echo 1300000 ;;  # the shared seed models go up to 1.2 MB and must not be truncated
    image) echo 300000 ;;
    npy) echo 65536 ;;
    *) echo 16384 ;;
  esac
}

# Runs one target; returns non-zero on a finding, after copying it into the regressions.
run_one() {
  t=$1
  corpus=$BUILD/corpus/$t
  artifacts=$BUILD/artifacts/$t
  log=$BUILD/logs/$t.log
  mkdir -p "$corpus" "$artifacts" "$BUILD/logs" "$ROOT/tests/fuzz/regressions/$t"
  extra=""
  [ -d "$ROOT/tests/fuzz/seeds/$t" ] && extra="$ROOT/tests/fuzz/seeds/$t"
  echo "fuzz.sh: fuzz_$t for ${SECONDS_EACH}s (log: $log)"
  status=0
  # shellcheck disable=SC2086
  # UBSan is built recoverable here only so that the known-findings file can hold back an open finding
  # already saved in the regressions; halt_on_error keeps every other report fatal.
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1:suppressions=$ROOT/tests/fuzz/ubsan_known_findings.supp} \
    nice -n "${NICE:-10}" "$BUILD/tests/fuzz/fuzz_$t" -max_total_time="$SECONDS_EACH" -max_len="$(max_len "$t")" \
    -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" ${FUZZ_ARGS:-} \
    "$corpus" "$BUILD/fuzz-seeds/$t" "$ROOT/tests/fuzz/regressions/$t" $extra >"$log" 2>&1 || status=$?
  { grep -E "^#[0-9]+" "$log" | tail -n 1
    grep -E "^stat::number_of_executed_units|^stat::average_exec_per_sec|^stat::peak_rss_mb" "$log"; } | sed "s/^/  fuzz_$t: /" || true
  found=0
  # Inputs slower than 10 s (-report_slow_units) are kept aside for a look, not counted as findings:
  # -timeout=10 is the hard limit, and a run that hits it fails with a timeout-* artifact.
  mkdir -p "$BUILD/slow-units/$t"
  for f in "$artifacts"/slow-unit-*; do
    [ -f "$f" ] || continue
    mv "$f" "$BUILD/slow-units/$t/"
    echo "fuzz.sh: fuzz_$t: slow input kept in build-fuzz/slow-units/$t/$(basename "$f")"
  done
  for f in "$artifacts"/*; do
    [ -f "$f" ] || continue
    cp "$f" "$ROOT/tests/fuzz/regressions/$t/"
    echo "fuzz.sh: FINDING in fuzz_$t: tests/fuzz/regressions/$t/$(basename "$f")" >&2
    rm -f "$f"
    found=1
  done
  if [ "$status" -ne 0 ] || [ "$found" -ne 0 ]; then
    echo "fuzz.sh: fuzz_$t failed (exit $status); the end of $log:" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
  return 0
}

FAILED=""
if [ "${PARALLEL:-1}" -ge 2 ]; then
  set -- $BUILT
  while [ $# -gt 0 ]; do
    a=$1; shift
    b=""
    if [ $# -gt 0 ]; then b=$1; shift; fi
    run_one "$a" & pa=$!
    pb=""
    if [ -n "$b" ]; then run_one "$b" & pb=$!; fi
    wait "$pa" || FAILED="$FAILED $a"
    if [ -n "$pb" ]; then wait "$pb" || FAILED="$FAILED $b"; fi
  done
else
  for t in $BUILT; do run_one "$t" || FAILED="$FAILED $t"; done
fi
if [ -n "$FAILED" ]; then
  echo "fuzz.sh: findings in:$FAILED (inputs saved under tests/fuzz/regressions/)" >&2
  exit 1
fi
echo "fuzz.sh: no finding in$(for t in $BUILT; do printf ' fuzz_%s' "$t"; done) (${SECONDS_EACH}s each)"
