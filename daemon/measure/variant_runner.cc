#include "daemon/measure/variant_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <numeric>

#include "daemon/measure/cpu_list.h"
#include "daemon/measure/worker_process.h"
#include "daemon/pipeline/image_module.h"
#include "daemon/pipeline/preprocess_options.h"

namespace eb {
namespace {

using Clock = std::chrono::steady_clock;  // monotonic: wall-clock jumps cannot skew latencies

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

int64_t argmax(const std::vector<float>& v) {
  return v.empty() ? -1 : static_cast<int64_t>(std::max_element(v.begin(), v.end()) - v.begin());
}

bool in_top5(const std::vector<float>& v, int64_t label) {
  if (label < 0 || label >= static_cast<int64_t>(v.size())) return false;
  const float x = v[static_cast<size_t>(label)];
  int64_t better = 0;  // ties count in the label's favour, as in tf.math.in_top_k
  for (float y : v) better += y > x;
  return better < 5;
}

using worker::Message;
using worker::Msg;
using worker::Reader;
using worker::Writer;

// The median of the frequencies sampled during the loop, when any was readable.
std::optional<double> median_frequency(const std::vector<DeviceSampleAt>& samples) {
  std::vector<double> f;
  for (const DeviceSampleAt& s : samples)
    if (s.reading.cpu_freq_mhz) f.push_back(*s.reading.cpu_freq_mhz);
  if (f.empty()) return std::nullopt;
  std::nth_element(f.begin(), f.begin() + static_cast<std::ptrdiff_t>(f.size() / 2), f.end());
  return f[f.size() / 2];
}

// Drives one worker through the protocol (worker_protocol.h). Every method returns the worker's failure,
// which the caller stores as the measurement's error.
class WorkerSession {
 public:
  WorkerSession(const std::string& model_path, const VariantRunOptions& options, VariantResult& r)
      : path_(model_path), options_(options), r_(r) {}

  // Starts the worker and loads the model in it; `shape_for` gives a dynamic input its shape.
  Status load(const std::function<Result<std::optional<Shape>>(const Tensor&)>& shape_for) {
    std::string exe = options_.worker_executable;
    if (exe.empty()) {
      EB_ASSIGN_OR_RETURN(exe, worker::find_worker_executable());
    }
    const int model_fd = options_.content ? options_.content->fd() : -1;
    EB_ASSIGN_OR_RETURN(worker_, worker::WorkerProcess::start(
                                     exe, {options_.timeout_s, options_.max_memory_bytes, options_.stop_requested},
                                     model_fd));
    const EngineOptions& eo = options_.engine;
    Writer setup;
    setup.str(path_).put<uint8_t>(model_fd >= 0).str(eo.engine).put<int32_t>(eo.threads).str(eo.isa).put<uint8_t>(eo.profile_ops);
    setup.put<int32_t>(options_.warmup).str(options_.cpu_affinity).put<uint8_t>(options_.detection.has_value());
    EB_RETURN_IF_ERROR(worker_->send(Msg::kSetup, setup));
    EB_ASSIGN_OR_RETURN(Message baseline, worker_->receive(Msg::kBaseline));
    Reader b = baseline.reader();
    r_.memory.baseline_rss = b.get<uint64_t>();
    EB_RETURN_IF_ERROR(check(b, "baseline"));
    worker_->set_phase("at load");
    EB_RETURN_IF_ERROR(worker_->send(Msg::kLoad, Writer()));
    EB_ASSIGN_OR_RETURN(Message model, worker_->receive(Msg::kModel));
    Reader m = model.reader();
    const int32_t inputs = m.get<int32_t>();
    const Tensor in = inputs > 0 ? m.tensor() : Tensor{};
    EB_RETURN_IF_ERROR(check(m, "model"));
    if (inputs != 1) return error("model '%s' has %d inputs; image runs need exactly one", path_.c_str(), inputs);
    EB_ASSIGN_OR_RETURN(const std::optional<Shape> shape, shape_for(in));
    EB_RETURN_IF_ERROR(worker_->send(Msg::kShape, Writer().vec(shape.value_or(Shape{}))));
    EB_ASSIGN_OR_RETURN(Message loaded, worker_->receive(Msg::kLoaded));
    Reader l = loaded.reader();
    r_.load_ms = l.get<double>();
    r_.isa = l.str();
    r_.threads_used = l.get<int32_t>();
    r_.memory.arena = l.get<uint64_t>();
    r_.memory.scratch = l.get<uint64_t>();
    r_.memory.load_rss = l.get<uint64_t>();
    input_ = l.tensor();
    output_ = l.tensor();
    outputs_ = {output_};
    const int32_t n_outputs = l.get<int32_t>();
    for (int32_t j = 1; j < n_outputs && l.ok() && j < 4096; ++j) outputs_.push_back(l.tensor());
    EB_RETURN_IF_ERROR(check(l, "loaded"));
    if (n_outputs < 1 || static_cast<size_t>(n_outputs) != outputs_.size())
      return error("%s described %d outputs", "the measuring worker", n_outputs);
    for (const Tensor& t : outputs_)
      if (t.dtype >= DType::kUnsupported) return error("%s described a tensor of an unknown type", "the measuring worker");
    if (input_.dtype >= DType::kUnsupported || output_.dtype >= DType::kUnsupported)
      return error("%s described a tensor of an unknown type", "the measuring worker");
    return {};
  }

  const Tensor& input() const { return input_; }
  bool stopped() const { return worker_ && worker_->stopped(); }
  const Tensor& output() const { return output_; }

  // Hands the worker the next input; it runs as soon as the worker is free. The loop keeps one more
  // input queued than it has collected, so the worker goes from one inference to the next without
  // waiting for the parent to read and preprocess (run_variant).
  Status submit(const std::vector<uint8_t>& tensor) {
    ++submitted_;
    return worker_->send(Msg::kInput, tensor);
  }

  // The latency and output 0 of the oldest submitted input; with all outputs asked for (detection),
  // outputs 1..n-1 in *others.
  Status collect(double* ms, std::vector<float>* out, std::vector<std::vector<float>>* others) {
    ++inferences_;
    worker_->set_phase(strfmt("during inference %lld", static_cast<long long>(inferences_)));
    EB_ASSIGN_OR_RETURN(Message reply, worker_->receive(Msg::kOutput));
    Reader o = reply.reader();
    *ms = o.get<double>();
    r_.cpu = o.get<int32_t>();
    const uint64_t first_rss = o.get<uint64_t>();
    if (inferences_ == 1) r_.memory.first_rss = first_rss;
    *out = o.vec<float>();
    if (options_.detection) {
      const uint32_t n = o.get<uint32_t>();
      if (n + 1 != outputs_.size()) return check_failed("output");
      others->resize(n);
      for (uint32_t j = 0; j < n && o.ok(); ++j) (*others)[j] = o.vec<float>();
    }
    EB_RETURN_IF_ERROR(check(o, "output"));
    if (static_cast<int64_t>(out->size()) != output_.elements())
      return error("the measuring worker returned %zu output values; the output has %lld", out->size(),
                   static_cast<long long>(output_.elements()));
    for (size_t j = 1; options_.detection && j < outputs_.size(); ++j)
      if (static_cast<int64_t>((*others)[j - 1].size()) != outputs_[j].elements())
        return error("the measuring worker returned %zu values for output %zu; it has %lld", (*others)[j - 1].size(), j,
                     static_cast<long long>(outputs_[j].elements()));
    return {};
  }
  const std::vector<Tensor>& outputs() const { return outputs_; }
  int64_t in_flight() const { return submitted_ - inferences_; }
  // Whether the next input may be sent while the worker runs the one before: only when it fits in the
  // socket's buffer whole (half of it, for the kernel's own accounting). A larger one would block the
  // parent mid-send while the worker blocks sending its output, which the parent reads only after its
  // send: both would wait for ever (seen with YOLOv8n: 307,200-byte inputs, 705,600-byte outputs).
  bool can_queue(size_t input_bytes) const { return input_bytes + 64 <= worker_->send_buffer_bytes() / 2; }
  int64_t submitted() const { return submitted_; }

  // Ends the worker: its peak memory, page faults and per-node times.
  Status finish() {
    worker_->set_phase("at the end");
    EB_RETURN_IF_ERROR(worker_->send(Msg::kFinish, Writer()));
    EB_ASSIGN_OR_RETURN(Message done, worker_->receive(Msg::kDone));
    Reader d = done.reader();
    r_.memory.peak_rss = d.get<uint64_t>();
    r_.memory.minor_faults = d.get<int64_t>();
    r_.memory.major_faults = d.get<int64_t>();
    const uint64_t nodes = d.get<uint64_t>();
    for (uint64_t i = 0; i < nodes && d.good(); ++i) {
      NodeTime t;
      t.node = d.get<int32_t>();
      t.op = d.str();
      t.kernel = d.str();
      t.total_ms = d.get<double>();
      t.invocations = d.get<int64_t>();
      r_.node_times.push_back(std::move(t));
    }
    EB_RETURN_IF_ERROR(check(d, "done"));
    return worker_->finish();
  }

 private:
  Status check(const Reader& rd, const char* what) { return rd.ok() ? Status() : check_failed(what); }
  Status check_failed(const char* what) {
    worker_.reset();  // kills it: a worker that garbles its messages cannot be trusted for the rest
    return error("the measuring worker sent a malformed '%s' message", what);
  }

  const std::string& path_;
  const VariantRunOptions& options_;
  VariantResult& r_;
  std::unique_ptr<worker::WorkerProcess> worker_;
  Tensor input_, output_;
  std::vector<Tensor> outputs_;  // every output (output_ first)
  int64_t inferences_ = 0;  // collected
  int64_t submitted_ = 0;
};

}  // namespace

VariantResult run_variant(const std::string& model_path,
                          const std::function<Result<std::unique_ptr<ImageSource>>()>& open_source,
                          const VariantRunOptions& options) {
  VariantResult r;
  r.cpu_affinity = options.cpu_affinity;
  int sample_cpu = -1;  // the CPU whose frequency is sampled: the first pinned one, else the worker's last
  if (!options.cpu_affinity.empty()) {
    auto cpus = parse_cpu_list(options.cpu_affinity);
    if (!cpus.ok()) {
      r.error = cpus.status().message();
      return r;
    }
    sample_cpu = cpus->front();
  }
  const PreprocessOptions po = options.preprocess ? *options.preprocess : range_options(options.range_lo, options.range_hi);
  // A model whose image input has dynamic dimensions gets its shape before the engine first prepares
  // it: from the configured resize or, without one, from the first image (read here and measured first).
  std::unique_ptr<ImageSource> source;
  std::deque<SourceItem> pending;  // items read ahead of the loop, served to it first
  auto shape_for = [&](const Tensor& in) -> Result<std::optional<Shape>> {
    // Only a dynamic height or width needs an image to size it (a dynamic batch is 1).
    const size_t h_dim = po.layout == ImageLayout::kNCHW ? 2 : 1;
    const bool dynamic_hw = in.signature.size() > h_dim + 1 && (in.signature[h_dim] == -1 || in.signature[h_dim + 1] == -1);
    int image_w = 0, image_h = 0;
    if (dynamic_hw && (po.width <= 0 || po.height <= 0)) {
      EB_ASSIGN_OR_RETURN(source, open_source());
      for (;;) {
        pending.push_back(source->next());
        const SourceItem& item = pending.back();
        if (item.is_end() || (item.is_error() && item.fatal)) break;
        if (item.is_frame()) {
          image_w = item.frame.image->width();
          image_h = item.frame.image->height();
          break;
        }
      }
    }
    std::string how;
    auto shape = dynamic_image_input_shape(in, po, image_w, image_h, &how);
    if (!shape.ok()) return shape.status().with_context("model '" + model_path + "': ");
    if (!*shape || **shape == in.shape) return std::optional<Shape>();
    r.notes.push_back(strfmt("input '%s' has dynamic dimensions %s: measured at %s, from %s", in.name.c_str(),
                             shape_str(in.signature).c_str(), shape_str(**shape).c_str(), how.c_str()));
    return *shape;
  };
  WorkerSession m(model_path, options, r);
  if (Status s = m.load(shape_for); !s.ok()) {
    if (m.stopped()) r.interrupted = true;  // dropped by the caller, like a stop between items
    else r.error = s.message();
    return r;
  }
  auto module = image_module();
  if (!module.ok()) {
    r.error = module.status().message();
    return r;
  }
  auto pre = (*module)->preprocessor(m.input(), po);
  if (!pre.ok()) {
    r.error = pre.status().with_context("model '" + model_path + "': ").message();
    return r;
  }
  if (!source) {
    auto opened = open_source();
    if (!opened.ok()) {
      r.error = opened.status().message();
      return r;
    }
    source = std::move(opened.value());
  }
  r.num_classes = m.output().elements();
  // Detection: each item's outputs are decoded and scored as they come (daemon/accuracy/).
  std::optional<accuracy::DetectionScorer> scorer;
  int input_w = 0, input_h = 0;
  if (options.detection) {
    auto created = accuracy::DetectionScorer::create(*options.detection, options.reference_detections, options.keep_outputs);
    if (!created.ok()) {
      r.error = created.status().message();
      return r;
    }
    scorer.emplace(std::move(created.value()));
    auto in_shape = image_input_shape(m.input(), po.layout);
    if (!in_shape.ok()) {
      r.error = in_shape.status().with_context("model '" + model_path + "': ").message();
      return r;
    }
    input_w = in_shape->width;
    input_h = in_shape->height;
  }
  // A label past the model's classes would be scored as a miss, silently: refused before measuring
  // (a detector's image labels are folder names, not classes of output 0).
  if (const auto top = source->largest_label(); !scorer && top && top->label >= r.num_classes) {
    r.error = strfmt("%s: image %s has class index %d, but model '%s' has %lld classes (output 0)",
                     source->describe().c_str(), top->item.c_str(), top->label, model_path.c_str(),
                     static_cast<long long>(r.num_classes));
    return r;
  }
  const std::optional<int64_t> total = source->size();

  std::vector<uint8_t> tensor((*pre)->bytes());
  std::vector<float> out;
  // What one output is scored with: its item's label and index (the image itself is not kept).
  struct InFlight {
    std::optional<int64_t> label;
    int64_t index = 0;
    std::string id;             // detection: the image, to find its labels
    int width = 0, height = 0;  // detection: its size, to map boxes back
  };
  std::vector<std::vector<float>> others;  // outputs 1..n-1 (detection)
  std::deque<InFlight> in_flight;
  auto record = [&](const InFlight& item, double ms) {
    if (r.items == 0) r.first_ms = ms;
    else r.samples_ms.push_back(ms);
    ++r.items;
    if (scorer) {
      std::vector<accuracy::OutputTensor> outs;
      for (size_t j = 0; j < m.outputs().size(); ++j)
        outs.push_back({m.outputs()[j].name, m.outputs()[j].shape, std::move(j == 0 ? out : others[j - 1])});
      Status s = scorer->add_item(item.index, item.id, item.width, item.height, input_w, input_h, outs);
      if (!s.ok() && scorer->items() == 0) {
        // The first item does not decode: the model's outputs are not the layout asked for (or not a
        // detector's at all); every other item would fail the same way.
        r.error = strfmt("model '%s': %s", model_path.c_str(), s.message().c_str());
      } else if (!s.ok()) {  // one item's labels or outputs: skipped, said in the log
        ++r.item_errors;
        if (r.item_errors <= 5) r.item_error_examples.push_back(s.message());
      }
      if (options.progress) options.progress(r.items + r.item_errors, total);
      return;
    }
    const int64_t top = argmax(out);
    if (item.label) {
      const int64_t label = *item.label;
      ++r.labelled;
      const bool ok1 = top == label;
      r.top1_correct += ok1;
      r.top5_correct += in_top5(out, label);
      auto& pc = r.per_class[label];
      pc.first += ok1;
      pc.second += 1;
      r.confusion[{label, top}] += 1;
    }
    if (options.reference) {
      auto ref = options.reference->find(item.index);
      if (ref != options.reference->end() && ref->second.size() == out.size()) {
        ++r.compared;
        r.agree += argmax(ref->second) == top;
        for (size_t i = 0; i < out.size(); ++i) {
          const double d = static_cast<double>(out[i]) - static_cast<double>(ref->second[i]);
          r.sum_sq += d * d;
          r.sum_abs += std::fabs(d);
          r.max_abs = std::max(r.max_abs, std::fabs(d));
        }
        r.compared_elements += static_cast<int64_t>(out.size());
      }
    }
    if (options.keep_outputs) r.outputs[item.index] = out;
    if (options.progress) options.progress(r.items + r.item_errors, total);
  };
  // The worker's failure (or the stop that killed it) ends the measurement.
  auto worker_failed = [&](const Status& s) {
    if (m.stopped()) r.interrupted = true;
    else r.error = s.message();
  };

  // One input queued ahead of the running one when it fits the socket buffer (WorkerSession::can_queue).
  const int64_t max_in_flight = m.can_queue(tensor.size()) ? 2 : 1;
  const ThrottleState throttle_start = read_throttle_state();
  const auto t_start = Clock::now();
  auto next_sample = t_start;
  bool source_done = false;
  for (;;) {
    const auto now = Clock::now();
    if (now >= next_sample) {
      r.device_samples.push_back({ms_between(t_start, now), std::chrono::system_clock::now(),
                                  read_device_sample(sample_cpu >= 0 ? sample_cpu : std::max(r.cpu, 0))});
      next_sample = now + std::chrono::milliseconds(static_cast<int64_t>(options.device_sample_period_s * 1000));
    }
    if (options.stop_requested && options.stop_requested()) {
      r.interrupted = true;
      break;
    }
    // Read, preprocess and hand over the next item while the worker runs the one before it: one
    // inference plus one queued input, at most (the first inference is not timed: max_timed + 1).
    auto want_more = [&] { return options.max_timed <= 0 || m.submitted() <= options.max_timed; };
    while (!source_done && want_more() && m.in_flight() < max_in_flight) {
      SourceItem item;
      if (!pending.empty()) {
        item = std::move(pending.front());
        pending.pop_front();
      } else {
        item = source->next();
      }
      if (item.is_end()) {
        source_done = true;
        break;
      }
      if (item.is_error()) {
        if (item.fatal) {
          // The source died before its limit (a camera unplugged, a stream dropped): what was measured
          // covers fewer items than configured and would pass for a complete measurement, so the whole
          // measurement fails with the source's own message (it names the source and the frames read).
          r.error = item.error.message();
          source_done = true;
          break;
        }
        ++r.item_errors;
        if (r.item_errors <= 5) r.item_error_examples.push_back(item.error.message());
        continue;
      }
      Status s = (*pre)->run(*item.frame.image, tensor.data(), tensor.size());
      if (!s.ok()) {
        ++r.item_errors;
        if (r.item_errors <= 5) r.item_error_examples.push_back(item.frame.id + ": " + s.message());
        continue;
      }
      in_flight.push_back({item.frame.label, item.frame.index, scorer ? item.frame.id : std::string(),
                           item.frame.image->width(), item.frame.image->height()});
      if (!m.submit(tensor).ok()) {
        // The worker is gone. It died in the oldest inference handed over, not in this one: the collect
        // below waits for that one and reports the death with its number (a send to a dead worker can
        // fail before the output it sent last has been read).
        source_done = true;
        break;
      }
    }
    if (in_flight.empty()) break;  // (after a fatal source error, what was handed over is still scored)
    double ms = 0;
    if (Status got = m.collect(&ms, &out, &others); !got.ok()) {
      worker_failed(got);
      return r;
    }
    record(in_flight.front(), ms);
    in_flight.pop_front();
    if (!r.error.empty()) break;  // a detector whose outputs do not decode
  }
  if (scorer) {
    r.detection = scorer->figures();
    r.detection_drift = scorer->comparison();
    if (options.keep_outputs) r.detections = std::move(scorer->reference_detections());
  }
  r.throttled = throttled_between(throttle_start, read_throttle_state());
  r.cpu_freq_mhz = median_frequency(r.device_samples);
  if (r.interrupted) return r;  // dropped by the caller; the worker is killed on the way out
  if (Status s = m.finish(); !s.ok() && r.error.empty()) r.error = s.message();
  if (r.items == 0 && r.error.empty())
    r.error = strfmt("no usable item in the source (%lld errors%s%s)", static_cast<long long>(r.item_errors),
                     r.item_error_examples.empty() ? "" : ", first: ",
                     r.item_error_examples.empty() ? "" : r.item_error_examples[0].c_str());
  return r;
}

}  // namespace eb
