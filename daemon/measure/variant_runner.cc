#include "daemon/measure/variant_runner.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <deque>
#include <numeric>

#include "daemon/pipeline/preprocess.h"
#include "daemon/measure/process_memory.h"

namespace eb {
namespace {

using Clock = std::chrono::steady_clock;  // monotonic: wall-clock jumps cannot skew latencies

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// Output 0 as floats: dequantized with its own parameters when quantized.
void read_output(const Engine& it, std::vector<float>& out) {
  const Tensor& t = it.output(0);
  const size_t n = static_cast<size_t>(t.elements());
  out.resize(n);
  const uint8_t* data = it.output_data(0);
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

}  // namespace

VariantResult run_variant(const std::string& model_path,
                          const std::function<Result<std::unique_ptr<ImageSource>>()>& open_source,
                          const VariantRunOptions& options) {
  VariantResult r;
  reset_peak_rss();
  const size_t rss_before = current_rss_bytes();
  const auto t_load = Clock::now();
  auto model = Model::load_file(model_path);
  if (!model.ok()) {
    r.error = model.status().message();
    return r;
  }
  // A model whose image input has dynamic dimensions gets its shape before the engine first prepares
  // it: from the configured resize or, without one, from the first image (read here and measured first).
  std::unique_ptr<ImageSource> source;
  std::deque<SourceItem> pending;  // items read ahead of the loop, served to it first
  if (model.value()->graph().inputs.size() == 1) {
    const Graph& g = model.value()->graph();
    const Tensor& in = g.tensors[static_cast<size_t>(g.inputs[0])];
    const PreprocessOptions po = options.preprocess ? *options.preprocess : range_options(options.range_lo, options.range_hi);
    // Only a dynamic height or width needs an image to size it (a dynamic batch is 1).
    const size_t h_dim = po.layout == ImageLayout::kNCHW ? 2 : 1;
    const bool dynamic_hw = in.signature.size() > h_dim + 1 && (in.signature[h_dim] == -1 || in.signature[h_dim + 1] == -1);
    int image_w = 0, image_h = 0;
    if (dynamic_hw && (po.width <= 0 || po.height <= 0)) {
      auto opened = open_source();
      if (!opened.ok()) {
        r.error = opened.status().message();
        return r;
      }
      source = std::move(opened.value());
      for (;;) {
        pending.push_back(source->next());
        const SourceItem& item = pending.back();
        if (item.is_end() || (item.is_error() && item.fatal)) break;
        if (item.is_frame()) {
          image_w = item.frame.image.cols;
          image_h = item.frame.image.rows;
          break;
        }
      }
    }
    std::string how;
    auto shape = dynamic_image_input_shape(in, po, image_w, image_h, &how);
    if (!shape.ok()) {
      r.error = shape.status().with_context("model '" + model_path + "': ").message();
      return r;
    }
    if (*shape && **shape != in.shape) {
      Status s = model.value()->set_input_shape(0, **shape);
      if (!s.ok()) {
        r.error = s.with_context("model '" + model_path + "': ").message();
        return r;
      }
      r.notes.push_back(strfmt("input '%s' has dynamic dimensions %s: measured at %s, from %s", in.name.c_str(),
                               shape_str(in.signature).c_str(), shape_str(**shape).c_str(), how.c_str()));
    }
  }
  auto loaded = create_engine(std::move(model.value()), options.engine);
  if (!loaded.ok()) {
    r.error = loaded.status().with_context("model '" + model_path + "': ").message();
    return r;
  }
  r.load_ms = ms_between(t_load, Clock::now());
  Engine& it = *loaded.value();
  r.isa = it.isa();
  r.threads_used = it.effective_threads();
  if (it.num_inputs() != 1) {
    r.error = strfmt("model '%s' has %d inputs; image runs need exactly one", model_path.c_str(), it.num_inputs());
    return r;
  }
  auto pre = options.preprocess ? Preprocessor::create(it.input(0), *options.preprocess)
                                : Preprocessor::for_range(it.input(0), options.range_lo, options.range_hi);
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
  r.memory.arena = it.arena_bytes();
  r.memory.scratch = it.scratch_bytes();
  r.memory.baseline_rss = rss_before;
  r.num_classes = it.output(0).elements();
  const std::optional<int64_t> total = source->size();
  // State (an LSTM's) starts from zero for every measurement, as on a new TFLite interpreter.
  it.reset_state();

  std::vector<float> out;
  const ThrottleState throttle_start = read_throttle_state();
  const auto t_start = Clock::now();
  auto next_sample = t_start;
  bool first = true;
  std::vector<NodeTime> profile_base;
  for (;;) {
    const auto now = Clock::now();
    if (now >= next_sample) {
      r.device_samples.push_back({ms_between(t_start, now), std::chrono::system_clock::now(), read_device_sample()});
      next_sample = now + std::chrono::milliseconds(static_cast<int64_t>(options.device_sample_period_s * 1000));
    }
    if (options.stop_requested && options.stop_requested()) {
      r.interrupted = true;
      break;
    }
    if (options.max_timed > 0 && static_cast<int64_t>(r.samples_ms.size()) >= options.max_timed) break;
    SourceItem item;
    if (!pending.empty()) {
      item = std::move(pending.front());
      pending.pop_front();
    } else {
      item = source->next();
    }
    if (item.is_end()) break;
    if (item.is_error()) {
      if (item.fatal) {
        // The source died before its limit (a camera unplugged, a stream dropped): what was measured
        // covers fewer items than configured and would pass for a complete measurement, so the whole
        // measurement fails with the source's own message (it names the source and the frames read).
        r.error = item.error.message();
        break;
      }
      ++r.item_errors;
      if (r.item_errors <= 5) r.item_error_examples.push_back(item.error.message());
      continue;
    }
    Status s = pre->run(item.frame.image, it.input_data(0), pre->bytes());
    if (!s.ok()) {
      ++r.item_errors;
      if (r.item_errors <= 5) r.item_error_examples.push_back(item.frame.id + ": " + s.message());
      continue;
    }
    const auto t0 = Clock::now();
    Status run = it.invoke();
    const double ms = ms_between(t0, Clock::now());
    if (!run.ok()) {
      r.error = run.message();
      return r;
    }
    if (first) {
      r.first_ms = ms;
      for (int w = 0; w < options.warmup; ++w) (void)it.invoke();
      first = false;
      // The profile covers the timed inferences only, like samples_ms: what ran so far is subtracted.
      if (options.engine.profile_ops) profile_base = it.node_times();
    } else {
      r.samples_ms.push_back(ms);
    }
    ++r.items;
    read_output(it, out);
    const int64_t top = argmax(out);
    if (item.frame.label) {
      const int64_t label = *item.frame.label;
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
      auto ref = options.reference->find(item.frame.index);
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
    if (options.keep_outputs) r.outputs[item.frame.index] = out;
    if (options.progress) options.progress(r.items + r.item_errors, total);
  }
  if (options.engine.profile_ops) r.node_times = timed_only(it.node_times(), profile_base);
  r.throttled = throttled_between(throttle_start, read_throttle_state());
  r.memory.peak_rss = peak_rss_bytes();
  if (r.items == 0 && r.error.empty())
    r.error = strfmt("no usable item in the source (%lld errors%s%s)", static_cast<long long>(r.item_errors),
                     r.item_error_examples.empty() ? "" : ", first: ",
                     r.item_error_examples.empty() ? "" : r.item_error_examples[0].c_str());
  return r;
}

}  // namespace eb
