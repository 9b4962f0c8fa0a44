// Each supported Keras layer as TFLite builtin operators. Keras weights are HWIO (convolutions),
// (in, out) (Dense), (H, W, C, multiplier) (depthwise) and (H, W, out, in) (transposed convolution);
// TFLite wants OHWI, (out, in), [1, H, W, C * multiplier] and OHWI.
#include <algorithm>
#include <cmath>
#include <set>

#include "kernels/keras/keras_lower.h"

namespace eb::keras {
namespace {

// An int or a list of `n` ints ([2, 2] / 2).
std::vector<int> int_list(const json& v, size_t n, const char* what) {
  std::vector<int> out;
  if (v.is_number_integer()) return std::vector<int>(n, as_int(v));
  if (v.is_array() && v.size() == n) {
    for (const auto& e : v) out.push_back(as_int(e));
    return out;
  }
  throw std::runtime_error(std::string(what) + " is not an int or a list of " + std::to_string(n));
}

std::string shape_text(const Shape& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

Status expect_shape(const WeightArray& w, const Shape& want, const char* what) {
  if (w.shape != want) return error("weight %s has shape %s, expected %s", what, shape_text(w.shape).c_str(), shape_text(want).c_str());
  return Status();
}

// Output size of a window op along one axis (TensorFlow's SAME / VALID).
Result<int32_t> window_out(int32_t in, int k, int stride, int dilation, bool same) {
  if (k < 1 || stride < 1 || dilation < 1 || k > 1 << 16 || stride > 1 << 16 || dilation > 1 << 16)
    return error("kernel %d, stride %d, dilation %d out of range", k, stride, dilation);
  if (same) return (in + stride - 1) / stride;
  const int64_t eff = static_cast<int64_t>(k - 1) * dilation + 1;
  if (eff > in) return error("a %lld-wide window does not fit an input of %d with 'valid' padding", static_cast<long long>(eff), in);
  return static_cast<int32_t>((in - eff) / stride + 1);
}

Result<bool> same_padding(const json& cfg) {
  const std::string p = cfg.value("padding", std::string("valid"));
  if (p != "same" && p != "valid") return error("padding '%s' is not supported (same, valid)", p.c_str());
  return p == "same";
}

Status channels_last(const json& cfg) {
  if (cfg.contains("data_format") && cfg["data_format"].is_string() && cfg["data_format"] != "channels_last")
    return error("data_format '%s' is not supported (channels_last only)", cfg["data_format"].get<std::string>().c_str());
  return Status();
}

Status rank4(const Shape& s) {
  if (s.size() != 4) return error("input has rank %zu, expected 4 (batch, height, width, channels)", s.size());
  return Status();
}

const std::set<std::string> kIdentity = {"Dropout", "SpatialDropout2D", "GaussianDropout", "GaussianNoise", "ActivityRegularization"};

}  // namespace

bool Lowering::supported(const std::string& cls) {
  static const std::set<std::string> known = {
      "InputLayer", "Conv2D", "Convolution2D", "DepthwiseConv2D", "SeparableConv2D", "SeparableConvolution2D",
      "Conv2DTranspose", "Convolution2DTranspose", "Dense", "BatchNormalization", "Activation", "ReLU",
      "LeakyReLU", "PReLU", "Softmax", "MaxPooling2D", "MaxPool2D", "AveragePooling2D", "AvgPool2D",
      "GlobalAveragePooling2D", "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "Flatten", "Reshape",
      "Permute", "ZeroPadding2D", "Cropping2D", "UpSampling2D", "Add", "Subtract", "Multiply", "Average",
      "Maximum", "Concatenate", "Rescaling", "Normalization"};
  return known.count(cls) > 0 || kIdentity.count(cls) > 0;
}

int Lowering::unary(OpCode code, int x, const std::string& name, NodeOpts opts) {
  const int y = b_.activation(name, b_.shape(x));
  b_.node(code, {x}, {y}, std::move(opts));
  return y;
}

// Elementwise with broadcasting; the output has the shape of the larger-rank operand unless given.
int Lowering::binary(OpCode code, int x, int y, const std::string& name, Shape out_shape) {
  if (out_shape.empty()) {
    const Shape& a = b_.shape(x);
    const Shape& c = b_.shape(y);
    out_shape = a.size() >= c.size() ? a : c;
    const Shape& other = a.size() >= c.size() ? c : a;
    for (size_t i = 0; i < other.size(); ++i) {
      int32_t& d = out_shape[out_shape.size() - other.size() + i];
      d = std::max(d, other[i]);
    }
  }
  const int out = b_.activation(name, out_shape);
  b_.node(code, {x, y}, {out});
  return out;
}

bool Lowering::fuse_activation(int x, Activation a) {
  auto it = fusable_.find(x);
  if (it == fusable_.end() || uses_[x] != 1) return false;
  BuiltNode& n = b_.built_node(it->second);
  if (n.opts.activation != Activation::kNone) return false;
  n.opts.activation = a;
  fusable_.erase(it);
  producers_.erase(x);  // its output is no longer the raw product: nothing folds into it any more
  return true;
}

Result<int> Lowering::activation(int x, const std::string& act, const std::string& name) {
  if (act == "linear" || act.empty()) return x;
  if (act == "relu") return fuse_activation(x, Activation::kRelu) ? x : unary(OpCode::kRelu, x, name);
  if (act == "relu6") return fuse_activation(x, Activation::kRelu6) ? x : unary(OpCode::kRelu6, x, name);
  if (act == "sigmoid") return unary(OpCode::kLogistic, x, name);
  if (act == "tanh") return unary(OpCode::kTanh, x, name);
  if (act == "softmax") return unary(OpCode::kSoftmax, x, name);
  if (act == "elu") return unary(OpCode::kElu, x, name);
  if (act == "hard_swish" || act == "hard_silu") return unary(OpCode::kHardSwish, x, name);
  if (act == "gelu") {
    NodeOpts o;
    o.approximate = false;  // keras.activations.gelu's default
    return unary(OpCode::kGelu, x, name, o);
  }
  if (act == "swish" || act == "silu") {
    const int s = unary(OpCode::kLogistic, x, name + "/sigmoid");
    return binary(OpCode::kMul, x, s, name);
  }
  if (act == "hard_sigmoid") {
    if (keras2_) {
      // tf.keras 2: clip(0.2 x + 0.5, 0, 1).
      const int m = binary(OpCode::kMul, x, scalar(name + "/slope", 0.2f), name + "/scaled");
      const int a = binary(OpCode::kAdd, m, scalar(name + "/offset", 0.5f), name + "/shifted");
      const int r = unary(OpCode::kRelu, a, name + "/relu");
      return binary(OpCode::kMinimum, r, scalar(name + "/one", 1.0f), name);
    }
    // Keras 3: relu6(x + 3) / 6.
    const int a = binary(OpCode::kAdd, x, scalar(name + "/three", 3.0f), name + "/shifted");
    const int r = unary(OpCode::kRelu6, a, name + "/relu6");
    return binary(OpCode::kMul, r, scalar(name + "/sixth", 1.0f / 6.0f), name);
  }
  return error("activation '%s' is not supported", act.c_str());
}

Result<int> Lowering::activation_of(int x, const json& cfg, const std::string& name) {
  if (!cfg.contains("activation") || cfg["activation"].is_null()) return x;
  if (!cfg["activation"].is_string()) return error("activation is not a built-in activation name");
  return activation(x, cfg["activation"].get<std::string>(), name + "/activation");
}

Result<std::vector<WeightArray>> Lowering::weights(const std::string& name, size_t min_count, size_t max_count) {
  auto stored = storage_.find(name);
  EB_ASSIGN_OR_RETURN(auto w, archive_.layer_weights(stored == storage_.end() ? name : stored->second));
  if (w.size() < min_count || w.size() > max_count) {
    if (w.empty()) return error("its weights are missing from the file");
    return error("has %zu weight arrays, expected %zu..%zu", w.size(), min_count, max_count);
  }
  return w;
}

Result<int> Lowering::conv2d(const std::string& name, const json& cfg, int x) {
  EB_RETURN_IF_ERROR(channels_last(cfg));
  const Shape in = b_.shape(x);
  EB_RETURN_IF_ERROR(rank4(in));
  const auto k = int_list(cfg.at("kernel_size"), 2, "kernel_size");
  const auto s = int_list(cfg.value("strides", json(1)), 2, "strides");
  const auto d = int_list(cfg.value("dilation_rate", json(1)), 2, "dilation_rate");
  const int filters = as_int(cfg.at("filters"));
  if (filters < 1 || filters > 1 << 20) return error("filters %d out of range", filters);
  const int groups = as_int(cfg.value("groups", json(1)));
  const bool use_bias = cfg.value("use_bias", true);
  EB_ASSIGN_OR_RETURN(bool same, same_padding(cfg));
  if (groups < 1 || in[3] % groups != 0 || filters < 1 || filters % groups != 0)
    return error("%d groups do not divide %d input channels and %d filters", groups, in[3], filters);
  EB_ASSIGN_OR_RETURN(auto w, weights(name, use_bias ? 2 : 1, use_bias ? 2 : 1));
  const int cin = in[3] / groups;
  EB_RETURN_IF_ERROR(expect_shape(w[0], {k[0], k[1], cin, filters}, "kernel"));
  if (use_bias) EB_RETURN_IF_ERROR(expect_shape(w[1], {filters}, "bias"));
  std::vector<float> ohwi(w[0].data.size());
  for (int h = 0; h < k[0]; ++h)
    for (int ww = 0; ww < k[1]; ++ww)
      for (int i = 0; i < cin; ++i)
        for (int o = 0; o < filters; ++o)
          ohwi[((static_cast<size_t>(o) * k[0] + h) * k[1] + ww) * cin + i] = w[0].data[((static_cast<size_t>(h) * k[1] + ww) * cin + i) * filters + o];
  const int wt = b_.constant(name + "/kernel", {filters, k[0], k[1], cin}, std::move(ohwi));
  const int bt = b_.constant(name + "/bias", {filters}, use_bias ? w[1].data : std::vector<float>(static_cast<size_t>(filters), 0.f));
  EB_ASSIGN_OR_RETURN(int32_t oh, window_out(in[1], k[0], s[0], d[0], same));
  EB_ASSIGN_OR_RETURN(int32_t ow, window_out(in[2], k[1], s[1], d[1], same));
  const int y = b_.activation(name, {in[0], oh, ow, filters});
  NodeOpts o;
  o.same_padding = same;
  o.stride_h = s[0], o.stride_w = s[1], o.dilation_h = d[0], o.dilation_w = d[1];
  const int node = b_.node(OpCode::kConv2D, {x, wt, bt}, {y}, o);
  producers_[y] = Producer{node, wt, bt, 0};
  fusable_[y] = node;
  uses_[y] = 1;  // read by the activation below, if any
  return activation_of(y, cfg, name);
}

Result<int> Lowering::depthwise(const std::string& name, const json& cfg, int x, bool separable) {
  EB_RETURN_IF_ERROR(channels_last(cfg));
  const Shape in = b_.shape(x);
  EB_RETURN_IF_ERROR(rank4(in));
  const auto k = int_list(cfg.at("kernel_size"), 2, "kernel_size");
  const auto s = int_list(cfg.value("strides", json(1)), 2, "strides");
  const auto d = int_list(cfg.value("dilation_rate", json(1)), 2, "dilation_rate");
  const int mult = as_int(cfg.value("depth_multiplier", json(1)));
  const bool use_bias = cfg.value("use_bias", true);
  EB_ASSIGN_OR_RETURN(bool same, same_padding(cfg));
  if (mult < 1 || mult > 1 << 16) return error("depth_multiplier %d out of range", mult);
  const int cin = in[3];
  const int cmid = cin * mult;
  const int filters = separable ? as_int(cfg.at("filters")) : cmid;
  if (filters < 1 || filters > 1 << 20 || cmid > 1 << 20) return error("%d output channels out of range", filters);
  const size_t n = (separable ? 2u : 1u) + (use_bias ? 1u : 0u);
  EB_ASSIGN_OR_RETURN(auto w, weights(name, n, n));
  EB_RETURN_IF_ERROR(expect_shape(w[0], {k[0], k[1], cin, mult}, "depthwise_kernel"));
  if (separable) EB_RETURN_IF_ERROR(expect_shape(w[1], {1, 1, cmid, filters}, "pointwise_kernel"));
  if (use_bias) EB_RETURN_IF_ERROR(expect_shape(w.back(), {filters}, "bias"));
  // (H, W, C, M) and [1, H, W, C*M] are the same bytes.
  const int wt = b_.constant(name + "/depthwise_kernel", {1, k[0], k[1], cmid}, w[0].data);
  const bool dw_bias = use_bias && !separable;
  const int bt = b_.constant(name + "/depthwise_bias", {cmid}, dw_bias ? w.back().data : std::vector<float>(static_cast<size_t>(cmid), 0.f));
  EB_ASSIGN_OR_RETURN(int32_t oh, window_out(in[1], k[0], s[0], d[0], same));
  EB_ASSIGN_OR_RETURN(int32_t ow, window_out(in[2], k[1], s[1], d[1], same));
  int y = b_.activation(separable ? name + "/depthwise" : name, {in[0], oh, ow, cmid});
  NodeOpts o;
  o.same_padding = same;
  o.stride_h = s[0], o.stride_w = s[1], o.dilation_h = d[0], o.dilation_w = d[1], o.depth_multiplier = mult;
  int node = b_.node(OpCode::kDepthwiseConv2D, {x, wt, bt}, {y}, o);
  if (separable) {
    // The pointwise half: a 1x1 convolution, (1, 1, C*M, F) to OHWI.
    std::vector<float> ohwi(w[1].data.size());
    for (int i = 0; i < cmid; ++i)
      for (int f = 0; f < filters; ++f) ohwi[static_cast<size_t>(f) * cmid + i] = w[1].data[static_cast<size_t>(i) * filters + f];
    const int pw = b_.constant(name + "/pointwise_kernel", {filters, 1, 1, cmid}, std::move(ohwi));
    const int pb = b_.constant(name + "/bias", {filters}, use_bias ? w.back().data : std::vector<float>(static_cast<size_t>(filters), 0.f));
    const int z = b_.activation(name, {in[0], oh, ow, filters});
    node = b_.node(OpCode::kConv2D, {y, pw, pb}, {z});
    producers_[z] = Producer{node, pw, pb, 0};
    y = z;
  } else {
    producers_[y] = Producer{node, wt, bt, 3};
  }
  fusable_[y] = node;
  uses_[y] = 1;
  return activation_of(y, cfg, name);
}

Result<int> Lowering::conv_transpose(const std::string& name, const json& cfg, int x) {
  EB_RETURN_IF_ERROR(channels_last(cfg));
  const Shape in = b_.shape(x);
  EB_RETURN_IF_ERROR(rank4(in));
  const auto k = int_list(cfg.at("kernel_size"), 2, "kernel_size");
  const auto s = int_list(cfg.value("strides", json(1)), 2, "strides");
  const auto d = int_list(cfg.value("dilation_rate", json(1)), 2, "dilation_rate");
  if (d[0] != 1 || d[1] != 1) return error("dilation_rate other than 1 is not supported");
  if (cfg.contains("output_padding") && !cfg["output_padding"].is_null()) return error("output_padding is not supported");
  const int filters = as_int(cfg.at("filters"));
  if (filters < 1 || filters > 1 << 20) return error("filters %d out of range", filters);
  const bool use_bias = cfg.value("use_bias", true);
  EB_ASSIGN_OR_RETURN(bool same, same_padding(cfg));
  EB_ASSIGN_OR_RETURN(auto w, weights(name, use_bias ? 2 : 1, use_bias ? 2 : 1));
  const int cin = in[3];
  EB_RETURN_IF_ERROR(expect_shape(w[0], {k[0], k[1], filters, cin}, "kernel"));
  if (use_bias) EB_RETURN_IF_ERROR(expect_shape(w[1], {filters}, "bias"));
  if (k[0] < 1 || k[1] < 1 || s[0] < 1 || s[1] < 1 || s[0] > 1 << 12 || s[1] > 1 << 12) return error("kernel or strides out of range");
  std::vector<float> ohwi(w[0].data.size());
  for (int h = 0; h < k[0]; ++h)
    for (int ww = 0; ww < k[1]; ++ww)
      for (int o = 0; o < filters; ++o)
        for (int i = 0; i < cin; ++i)
          ohwi[((static_cast<size_t>(o) * k[0] + h) * k[1] + ww) * cin + i] = w[0].data[((static_cast<size_t>(h) * k[1] + ww) * filters + o) * cin + i];
  const int64_t oh = same ? int64_t{in[1]} * s[0] : int64_t{in[1] - 1} * s[0] + k[0];
  const int64_t ow = same ? int64_t{in[2]} * s[1] : int64_t{in[2] - 1} * s[1] + k[1];
  if (oh > 1 << 20 || ow > 1 << 20) return error("output of %lldx%lld is too large", static_cast<long long>(oh), static_cast<long long>(ow));
  const Shape out = {in[0], static_cast<int32_t>(oh), static_cast<int32_t>(ow), filters};
  const int shape_t = b_.constant_i32(name + "/output_shape", out);
  const int wt = b_.constant(name + "/kernel", {filters, k[0], k[1], cin}, std::move(ohwi));
  const int bt = b_.constant(name + "/bias", {filters}, use_bias ? w[1].data : std::vector<float>(static_cast<size_t>(filters), 0.f));
  const int y = b_.activation(name, out);
  NodeOpts o;
  o.same_padding = same;
  o.stride_h = s[0], o.stride_w = s[1];
  const int node = b_.node(OpCode::kTransposeConv, {shape_t, wt, x, bt}, {y}, o);
  producers_[y] = Producer{node, wt, bt, 0};
  fusable_[y] = node;
  uses_[y] = 1;
  return activation_of(y, cfg, name);
}

Result<int> Lowering::dense(const std::string& name, const json& cfg, int x) {
  const Shape in = b_.shape(x);
  if (in.size() < 2) return error("input has rank %zu, expected at least 2", in.size());
  const int units = as_int(cfg.at("units"));
  if (units < 1 || units > 1 << 20) return error("units %d out of range", units);
  const bool use_bias = cfg.value("use_bias", true);
  EB_ASSIGN_OR_RETURN(auto w, weights(name, use_bias ? 2 : 1, use_bias ? 2 : 1));
  const int cin = in.back();
  EB_RETURN_IF_ERROR(expect_shape(w[0], {cin, units}, "kernel"));
  if (use_bias) EB_RETURN_IF_ERROR(expect_shape(w[1], {units}, "bias"));
  std::vector<float> t(w[0].data.size());
  for (int i = 0; i < cin; ++i)
    for (int o = 0; o < units; ++o) t[static_cast<size_t>(o) * cin + i] = w[0].data[static_cast<size_t>(i) * units + o];
  const int wt = b_.constant(name + "/kernel", {units, cin}, std::move(t));
  const int bt = b_.constant(name + "/bias", {units}, use_bias ? w[1].data : std::vector<float>(static_cast<size_t>(units), 0.f));
  Shape out = in;
  out.back() = units;
  const int y = b_.activation(name, out);
  NodeOpts o;
  o.keep_dims = in.size() > 2;  // Dense on any rank: the leading dimensions stay
  const int node = b_.node(OpCode::kFullyConnected, {x, wt, bt}, {y}, o);
  producers_[y] = Producer{node, wt, bt, 0};
  fusable_[y] = node;
  uses_[y] = 1;
  return activation_of(y, cfg, name);
}

}  // namespace eb::keras
