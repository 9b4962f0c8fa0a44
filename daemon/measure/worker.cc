#include "daemon/measure/worker.h"

#include <sched.h>
#include <signal.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <fstream>

#include <malloc.h>

#include "daemon/measure/cpu_list.h"
#include "daemon/measure/process_memory.h"
#include "daemon/measure/worker_protocol.h"
#include "kernels/engine/create_engine.h"
#include "kernels/model/model_writer.h"

namespace eb::worker {
namespace {

using Clock = std::chrono::steady_clock;
constexpr const char* kParent = "the parent (edgebench run)";

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// Output j as floats: dequantized with its own parameters when quantized (what accuracy and drift use).
void read_output(const Engine& it, int j, std::vector<float>& out) {
  const Tensor& t = it.output(j);
  const size_t n = static_cast<size_t>(t.elements());
  out.resize(n);
  const uint8_t* data = it.output_data(j);
  const float scale = t.quant.present() ? t.quant.scale0() : 1.0f;
  const int32_t zp = t.quant.present() ? t.quant.zp0() : 0;
  switch (t.dtype) {
    case DType::kFloat32: std::copy_n(reinterpret_cast<const float*>(data), n, out.data()); break;
    case DType::kInt8:
      for (size_t i = 0; i < n; ++i) out[i] = scale * static_cast<float>(reinterpret_cast<const int8_t*>(data)[i] - zp);
      break;
    case DType::kUInt8:
      for (size_t i = 0; i < n; ++i) out[i] = scale * static_cast<float>(data[i] - zp);
      break;
    default: std::fill(out.begin(), out.end(), 0.0f);
  }
}

// Node times accumulated since `base` was taken (nodes matched by index).
std::vector<NodeTime> timed_only(std::vector<NodeTime> now, const std::vector<NodeTime>& base) {
  for (NodeTime& n : now) {
    for (const NodeTime& b : base) {
      if (b.node != n.node) continue;
      n.total_ms -= b.total_ms;
      n.invocations -= b.invocations;
      break;
    }
  }
  return now;
}

struct Faults {
  int64_t minor = 0, major = 0;
};
Faults faults_now() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return {u.ru_minflt, u.ru_majflt};
}

// Makes this worker the first the kernel's out-of-memory killer picks, before the run or the daemon.
void volunteer_for_oom_killer() {
  std::ofstream f("/proc/self/oom_score_adj");
  f << "1000";
}

// Loads and runs a built-in one-node model (a float32 ADD of two 8-element vectors) on `options`'
// engine, then frees it. The worker's baseline is read after this: the code every model runs -- the
// loader and its verifier, the planner, the interpreter, the engine's set-up and thread pool, a peer
// engine's library -- is then resident and counted as the runtime's, so a model's figure (peak over
// baseline) is what that model adds: its bytes, packed weights, arena and the code of its own kernels.
// Without it a 235 kB model measured 1.4 MiB, half of it code pages every model maps (bench/RESULTS.md).
// A failure here is ignored: loading the real model reports it with the model's name.
void warm_up_runtime(const EngineOptions& options) {
  ModelSpec spec;
  for (const char* name : {"a", "b", "sum"}) spec.tensors.push_back({name, DType::kFloat32, {1, 8}, {}, {}, {}, {}, 0});
  OpSpec add;
  add.builtin = 0;  // ADD
  add.inputs = {0, 1};
  add.outputs = {2};
  spec.ops.push_back(add);
  spec.inputs = {0, 1};
  spec.outputs = {2};
  {
    const std::vector<uint8_t> bytes = write_model(spec);
    auto model = Model::load_bytes(bytes.data(), bytes.size());
    if (!model.ok()) return;
    auto engine = create_engine(std::move(model.value()), options);
    if (engine.ok()) (void)engine.value()->invoke();
  }
  // Gives the freed heap back, so the model's own allocations are counted when it makes them, and
  // starts the peak (VmHWM) afresh: the warm-up's transient allocations are not the model's.
  malloc_trim(0);
  (void)reset_peak_rss();
}

// Calls the routines of the C math library that preparing almost any model calls: frexp and round for
// every quantized multiplier, exp for softmax and logistic tables. libm is mapped by every process on
// the device and its pages are shared; that a model happens to touch them first is not the model's
// memory. Read before the baseline, like warm_up_runtime's code. Measured (Release): fmnist-cnn-int8's
// model memory 0.97-1.10 -> 0.84-0.91 MiB, the baseline 3.6 -> 3.8 MiB. Touching every libm routine the
// kernels use moved 0.6 MiB of libm into the baseline instead (4.2 MiB): these three are the ones that count.
void touch_math_library() {
  volatile float f = 0.37f;
  volatile double d = 0.37;
  int e = 0;
  volatile float sink = std::exp(f) + std::round(f);
  volatile double dsink = std::exp(d) + std::round(d) + std::frexp(d, &e);
  (void)sink;
  (void)dsink;
}

class Session {
 public:
  Session(int fd, const Hooks& hooks) : fd_(fd), hooks_(hooks) {}

  // An error is reported to the parent and ends the session.
  Status run() {
    EB_ASSIGN_OR_RETURN(Message setup, receive(Msg::kSetup));
    Reader r = setup.reader();
    path_ = r.str();
    const bool from_fd = r.get<uint8_t>() != 0;
    EngineOptions eo;
    eo.engine = r.str();
    eo.threads = r.get<int32_t>();
    eo.isa = r.str();
    eo.profile_ops = r.get<uint8_t>() != 0;
    // Each weight is held once, as packed by its kernel (EngineOptions::release_packed_weights).
    eo.release_packed_weights = true;
    const int32_t warmup = r.get<int32_t>();
    const std::string cpus = r.str();
    all_outputs_ = r.get<uint8_t>() != 0;
    if (!r.ok()) return error("malformed setup message from %s", kParent);
    if (!cpus.empty()) EB_RETURN_IF_ERROR(pin_to_cpus(cpus));
    busy_wait_ = !cpus.empty() || cpus_allowed() >= 2;
    touch_math_library();
    warm_up_runtime(eo);
    EB_RETURN_IF_ERROR(send(Msg::kBaseline, Writer().put<uint64_t>(current_rss_bytes())));
    EB_ASSIGN_OR_RETURN(Message go, receive(Msg::kLoad));
    (void)go;

    auto t_load = Clock::now();
    if (hooks_.before_load) hooks_.before_load(path_);
    // The parent's copy when it sent one (the bytes every measurement of the run loads), else the file.
    EB_ASSIGN_OR_RETURN(std::unique_ptr<Model> model, from_fd ? Model::load_fd(kModelFd, path_) : Model::load_file(path_));
    if (from_fd) close(kModelFd);
    const Graph& g = model->graph();
    Writer m;
    m.put<int32_t>(static_cast<int32_t>(g.inputs.size()));
    if (!g.inputs.empty()) m.tensor(g.tensors[static_cast<size_t>(g.inputs[0])]);
    double load_ms = ms_since(t_load);
    EB_RETURN_IF_ERROR(send(Msg::kModel, m));
    // A dynamic input is sized by the parent before the engine first prepares the graph.
    EB_ASSIGN_OR_RETURN(Message shape_msg, receive(Msg::kShape));
    Reader sr = shape_msg.reader();
    const Shape shape = sr.vec<int32_t>();
    if (!sr.ok()) return error("malformed shape message from %s", kParent);
    t_load = Clock::now();
    const std::string context = "model '" + path_ + "': ";
    if (!shape.empty() && shape != g.tensors[static_cast<size_t>(g.inputs[0])].shape)
      EB_RETURN_IF_ERROR(model->set_input_shape(0, shape).with_context(context));
    auto created = create_engine(std::move(model), eo);
    if (!created.ok()) return created.status().with_context(context);
    std::unique_ptr<Engine> engine = std::move(created.value());
    load_ms += ms_since(t_load);
    Engine& it = *engine;
    Writer loaded;
    loaded.put<double>(load_ms).str(it.isa()).put<int32_t>(it.effective_threads());
    loaded.put<uint64_t>(it.arena_bytes()).put<uint64_t>(it.scratch_bytes()).put<uint64_t>(current_rss_bytes());
    loaded.tensor(it.input(0)).tensor(it.output(0));
    // The other outputs, for a task that decodes them all (detection: boxes, classes, scores, count).
    loaded.put<int32_t>(it.num_outputs());
    for (int j = 1; j < it.num_outputs(); ++j) loaded.tensor(it.output(j));
    EB_RETURN_IF_ERROR(send(Msg::kLoaded, loaded));
    // State (an LSTM's) starts from zero for every measurement, as on a new TFLite interpreter.
    it.reset_state();
    return serve_inputs(it, warmup, eo.profile_ops);
  }

 private:
  Status serve_inputs(Engine& it, int warmup, bool profile) {
    const size_t in_bytes = it.input(0).bytes();
    std::vector<float> out;
    std::vector<NodeTime> profile_base;
    Faults timed_start;
    int64_t n = 0;
    for (;;) {
      wait_busy();
      EB_ASSIGN_OR_RETURN(Message msg, receive_any());
      if (msg.type == Msg::kFinish) break;
      if (msg.type != Msg::kInput) return error("unexpected message %u from %s", static_cast<unsigned>(msg.type), kParent);
      if (msg.payload.size() != in_bytes)
        return error("an input of %zu bytes from %s; the model's input takes %zu", msg.payload.size(), kParent, in_bytes);
      std::memcpy(it.input_data(0), msg.payload.data(), in_bytes);
      ++n;
      if (hooks_.before_inference) hooks_.before_inference(path_, n);
      const auto t0 = Clock::now();
      Status s = it.invoke();
      const double ms = ms_since(t0);
      if (!s.ok()) return s;
      uint64_t first_rss = 0;
      if (n == 1) {
        for (int w = 0; w < warmup; ++w) EB_RETURN_IF_ERROR(it.invoke());
        first_rss = current_rss_bytes();
        // The profile and the page faults cover the timed inferences only, like the latency samples.
        if (profile) profile_base = it.node_times();
        timed_start = faults_now();
      }
      read_output(it, 0, out);
      Writer w;
      w.put<double>(ms).put<int32_t>(sched_getcpu()).put<uint64_t>(first_rss).vec(out);
      if (all_outputs_) {
        w.put<uint32_t>(static_cast<uint32_t>(it.num_outputs() - 1));
        for (int j = 1; j < it.num_outputs(); ++j) {
          read_output(it, j, out);
          w.vec(out);
        }
      }
      EB_RETURN_IF_ERROR(send(Msg::kOutput, w));
    }
    const Faults end = n > 0 ? faults_now() : timed_start;
    Writer done;
    done.put<uint64_t>(peak_rss_bytes()).put<int64_t>(end.minor - timed_start.minor).put<int64_t>(end.major - timed_start.major);
    const std::vector<NodeTime> times = profile ? timed_only(it.node_times(), profile_base) : std::vector<NodeTime>{};
    done.put<uint64_t>(times.size());
    for (const NodeTime& t : times)
      done.put<int32_t>(t.node).str(t.op).str(t.kernel).put<double>(t.total_ms).put<int64_t>(t.invocations);
    return send(Msg::kDone, done);
  }

  // The parent queues the next input while this one runs (variant_runner.cc), so the worker waits only
  // when the parent's reading and preprocessing is slower than the inference. Asleep,
  // its core idles and the next inference starts cold: on models that run in tens of microseconds
  // that measured 5-30% slower than the in-process loop it replaced, where one thread went straight
  // from preprocessing to the inference (bench/RESULTS.md). So it waits busy, as that thread was, for
  // up to kBusyWait, then sleeps (a parent stuck on a slow camera does not cost a core for nothing).
  // Not when the worker inherited a single allowed CPU (the parent is then on it too); pinned by
  // --cpu it does, the parent being left elsewhere.
  void wait_busy() const {
    static constexpr auto kBusyWait = std::chrono::milliseconds(20);
    if (!busy_wait_) return;  // the parent needs the only core this worker may use
    const auto until = Clock::now() + kBusyWait;
    pollfd p{fd_, POLLIN, 0};
    while (poll(&p, 1, 0) == 0 && Clock::now() < until) {
    }
  }

  Status pin_to_cpus(const std::string& list) {
    EB_ASSIGN_OR_RETURN(const std::vector<int> cpus, parse_cpu_list(list));
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int c : cpus) CPU_SET(c, &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
      return error("cannot pin the worker to CPUs %s: %s", list.c_str(), std::strerror(errno));
    return {};
  }

  Status send(Msg type, const Writer& w) { return send_message(fd_, type, w.bytes(), kParent); }
  Result<Message> receive_any() { return receive_message(fd_, kParent); }
  Result<Message> receive(Msg want) {
    EB_ASSIGN_OR_RETURN(Message m, receive_any());
    if (m.type != want)
      return error("unexpected message %u from %s (expected %u)", static_cast<unsigned>(m.type), kParent,
                   static_cast<unsigned>(want));
    return m;
  }

  static int cpus_allowed() {
    cpu_set_t set;
    CPU_ZERO(&set);
    return sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
  }

  int fd_;
  bool busy_wait_ = false;
  bool all_outputs_ = false;  // kOutput carries every output, not output 0 alone
  const Hooks& hooks_;
  std::string path_;
};

}  // namespace

int serve(int fd, int parent_pid, const Hooks& hooks) {
  if (parent_pid > 0) {
    // Dies with its parent: a worker left behind by a killed run would keep a CPU busy for nothing.
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent_pid) return 2;
  }
  volunteer_for_oom_killer();
  Session session(fd, hooks);
  Status s = session.run();
  if (s.ok()) return 0;
  // Errors name the model as the in-process loop did; the parent shows them as they are.
  (void)send_message(fd, Msg::kError, Writer().str(s.message()).bytes(), kParent);
  return 1;
}

int worker_main(int argc, char** argv, const Hooks& hooks) {
  int parent = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--parent" && i + 1 < argc) {
      parent = std::atoi(argv[++i]);
    } else {
      std::fprintf(stderr, "edgebench-worker: unknown argument '%s'\n", a.c_str());
      return 2;
    }
  }
  struct stat st {};
  if (fstat(kWorkerFd, &st) != 0 || !S_ISSOCK(st.st_mode)) {
    std::fprintf(stderr,
                 "edgebench-worker: measures one model for `edgebench run` and the daemon, which start it with a "
                 "socket on descriptor %d; it is not run by hand\n",
                 kWorkerFd);
    return 2;
  }
  return serve(kWorkerFd, parent, hooks);
}

}  // namespace eb::worker
