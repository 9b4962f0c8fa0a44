// edgebench: benchmark TFLite model variants on the device. Dispatches to one command per file.
#include <cstdio>

#include <cstring>
#include <string>
#include <vector>

#include "daemon/build_info.h"
#include "daemon/cli/commands.h"
#include "daemon/store/stored_text.h"

namespace eb::cli {

// Errors quote names from files and models: their control characters are escaped (stored_text.h), so a
// name cannot move the cursor, recolour the terminal or forge a second line.
void print_error(const std::string& message) {
  std::fprintf(stderr, "edgebench: %s\n", store::stored_text(message).c_str());
}

namespace {

constexpr const char* kUsage = R"(usage: edgebench COMMAND [ARGS]

Commands:
  inspect MODEL [--json] [--input-shape I:D0,D1,...] [--engine ref|auto|xnnpack|litert] [--isa PATH]
      Variant kind, inputs and outputs (dtype, shape, quantization), operator histogram, parameter
      count, multiply-accumulates per inference, file size, activation arena and its lower bound,
      the CPU's features, the kernel path (ISA) chosen and the kernel bound to every node.
  infer MODEL --input IN.npy [--input IN2.npy ...] --output-dir DIR [--input-shape I:D0,D1,...]
        [--engine ref|auto|xnnpack|litert] [--threads N] [--isa PATH]
      One inference. Inputs are NumPy .npy files in model input order and dtype; writes
      DIR/output_<j>.npy for each model output j.
  bench MODEL [--engine ref|auto|xnnpack|litert] [--threads N] [--isa PATH] [--warmup W] [--iterations K]
        [--input-shape I:D0,...] [--profile-ops] [--json]
      Load time, first inference, then K timed inferences after W warm-ups (min, mean, std, p50,
      p90, p99, max), peak resident memory and arena size; --profile-ops adds time per operator
      type and the slowest nodes. Nothing is stored.
  ops [--format table|markdown|json]
      The operators this build runs (builtin and custom) and the types each runs in.

  Engines: ref = reference kernels, one thread (the correctness baseline); auto (default for bench)
  = the fastest kernels this CPU runs, chosen once at load (AVX2, AVX-512, AVX-512 VNNI, NEON,
  NEON dot product); xnnpack = Debian's XNNPACK library, the engine inside TensorFlow Lite, as a
  yardstick; litert = TensorFlow Lite / LiteRT itself, the library a deployment uses, loaded at run
  time from EDGEBENCH_LITERT_LIB (e.g. .../site-packages/ai_edge_litert/libLiteRt.so of pip's
  ai-edge-litert) or else libLiteRt.so / libtensorflowlite_c.so, on its CPU accelerator (XNNPACK).
  --isa PATH or EDGEBENCH_ISA=PATH forces a kernel path of auto (ref, avx2, avx512,
  avx512vnni, neon, neon-dotprod); forcing one the CPU lacks is an error.

  run --config FILE [--group NAME] [--db FILE] [--profile-ops]
  run MODEL... (--images DIR [--labels CSV] [--label-names FILE] [--limit N] |
                --camera SPEC [--frames N] [--duration S])
        [--reference MODEL] [--input-range LO,HI] [--name GROUP] [--db FILE]
        [--engine E[,E...]] [--threads N[,N...]] [--warmup W] [--iterations K] [--cooldown S]
        [--max-memory MIB] [--cpu LIST] [--worker-timeout S] [--profile-ops]
        [--task classify|detect [--detect-labels DIR|FILE.json] [--detect-format yolov8|yolov5|ssd|auto]]
      Benchmarks every variant over the same images or camera frames: latency, memory, accuracy
      (labels from class folders or a CSV), agreement and drift against the reference (default: the
      first MODEL). Pixels map linearly from 0..255 to --input-range (default 0,1), then are quantized
      with each model's input parameters. Results go to the SQLite database (--db, default
      $XDG_DATA_HOME/edgebench/results.db). Every variant is measured with every engine x thread
      count, each in a fresh worker process (edgebench-worker) that loads only the runtime: memory
      is the model's (model MiB = the worker's peak over its baseline), and a variant that crashes,
      hangs past --worker-timeout (default 300 s per load or inference) or passes --max-memory is
      recorded as failed with the cause while the others are measured. --cpu pins the worker (Linux
      list: 2, 2-3, 0,2). Ctrl-C stops at the next image and marks the run interrupted (exit 130). --config runs
      the groups of a YAML file (config/edgebench.example.yaml documents every key). Not in
      runtime-only (cross) builds.
  query runs | compare | show RUN | export [--db FILE ...] [--model GROUP] [--variant V]
        [--since ISO8601] [--device NAME] [--last N] [--format table|markdown|csv|json]
      Reads the results database (read-only): the runs; the variants side by side (size,
      compression, latency, memory, accuracy, agreement and drift against the reference; several
      --db: one per device); one run in full; or everything as json or csv. Not in runtime-only
      (cross) builds; see edgebench query --help.
  report --html FILE [--db FILE ...] [--model GROUP] [--variant V] [--since ISO8601]
        [--device NAME] [--last N] [--run ID]
      One self-contained HTML page (no network needed): the compare table, latency distribution per
      variant, accuracy against latency, latency and temperature over time. Not in runtime-only
      (cross) builds; see edgebench report --help.
  quantize MODEL [--to float16,dynamic,int8] [--images DIR | --camera SPEC] [--calibration N] [--input-range LO,HI]
        [--calibration-engine auto|ref] [--threads N] [--io float|int8|uint8] [--per-tensor] [--out DIR]
      Makes the quantized variants of a float32 model on the device, as TFLite's converter does, and
      prints their sizes: float16 weights, dynamic-range (int8 weights) and full integer int8
      calibrated on the first N images of DIR or frames of SPEC (default 100; pixels mapped as run maps them).
      Writes MODEL's name with -float16/-dynamic/-int8 beside it or in --out. Not in runtime-only builds.
  daemon [--config FILE] [--db FILE] [--once] [--log journal|stderr]
      The systemd service: benchmarks models dropped into the watched directory once fully written,
      re-runs groups on schedule, notifies systemd (READY, STATUS, WATCHDOG), reloads on SIGHUP, stops
      cleanly on SIGTERM. Not in runtime-only (cross) builds; see edgebench daemon --help.

Options:
  --help       this text
  --version    version and git hash

Exit status: 0 success, 1 the command failed (message on stderr), 2 bad command line.
)";

}  // namespace
}  // namespace eb::cli

int main(int argc, char** argv) {
  using namespace eb::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "--help" || args[0] == "-h" || args[0] == "help") {
    std::fputs(kUsage, args.empty() ? stderr : stdout);
    return args.empty() ? kExitUsage : kExitOk;
  }
  if (args[0] == "--version") {
    std::printf("edgebench %s (%s)\n", EDGEBENCH_VERSION, EDGEBENCH_GIT_HASH);
    return kExitOk;
  }
  const std::string cmd = args[0];
  args.erase(args.begin());
  if (cmd == "inspect") return run_inspect(args);
  if (cmd == "infer") return run_infer(args);
  if (cmd == "bench") return run_bench(args);
  if (cmd == "ops") return run_ops(args);
#ifdef EDGEBENCH_FULL
  if (cmd == "run") return run_run(args);
  if (cmd == "query") return run_query(args);
  if (cmd == "report") return run_report(args);
  if (cmd == "daemon") return run_daemon(args);
  if (cmd == "quantize") return run_quantize(args);
#endif
  print_error("unknown command '" + cmd + "' (see edgebench --help)");
  return kExitUsage;
}
