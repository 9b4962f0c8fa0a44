// The Keras layers without weights of their own (pooling, reshaping, padding, merging, scaling), the
// normalizations, and lower(), which sends each layer class to its lowering.
#include <algorithm>
#include <cmath>
#include <set>

#include "kernels/keras/keras_lower.h"

namespace eb::keras {
namespace {

std::vector<int> int_list(const json& v, size_t n, const char* what) {
  std::vector<int> out;
  if (v.is_number_integer()) return std::vector<int>(n, as_int(v));
  if (v.is_array() && v.size() == n) {
    for (const auto& e : v) out.push_back(as_int(e));
    return out;
  }
  throw std::runtime_error(std::string(what) + " is not an int or a list of " + std::to_string(n));
}

// ((top, bottom), (left, right)) from an int, a pair (symmetric) or a pair of pairs.
std::vector<int> four_sides(const json& v, const char* what) {
  if (v.is_number_integer()) return std::vector<int>(4, as_int(v));
  if (v.is_array() && v.size() == 2) {
    if (v[0].is_number_integer()) return {as_int(v[0]), as_int(v[0]), as_int(v[1]), as_int(v[1])};
    auto a = int_list(v[0], 2, what), b = int_list(v[1], 2, what);
    return {a[0], a[1], b[0], b[1]};
  }
  throw std::runtime_error(std::string(what) + " is not an int, a pair or a pair of pairs");
}

// The one axis a layer works on, from an int or a one-element list; negative counts from the end.
Result<int> one_axis(const json& v, size_t rank, const char* what) {
  int a;
  if (v.is_number_integer()) a = as_int(v);
  else if (v.is_array() && v.size() == 1 && v[0].is_number_integer()) a = as_int(v[0]);
  else return error("%s must be one axis", what);
  if (a < 0) a += static_cast<int>(rank);
  if (a < 1 || a >= static_cast<int>(rank)) return error("%s %d is out of range for rank %zu", what, a, rank);
  return a;
}

// Element count, saturated: shapes come from the file.
int64_t elements(const Shape& s) {
  int64_t n = 1;
  for (int32_t d : s) {
    if (d < 0) return -1;
    n = std::min<int64_t>(n * std::min<int64_t>(d, int64_t{1} << 31), int64_t{1} << 40);
  }
  return n;
}

// Shape of a per-channel constant for `axis` of a rank-`rank` tensor: [C, 1, ...] broadcasts there.
Shape channel_shape(int channels, int axis, size_t rank) {
  Shape s = {channels};
  for (size_t i = static_cast<size_t>(axis) + 1; i < rank; ++i) s.push_back(1);
  return s;
}

}  // namespace

Result<int> Lowering::batch_norm(const std::string& name, const json& cfg, int x) {
  const Shape in = b_.shape(x);
  EB_ASSIGN_OR_RETURN(int axis, one_axis(cfg.value("axis", json(-1)), in.size(), "axis"));
  const bool scale = cfg.value("scale", true), center = cfg.value("center", true);
  const float eps = cfg.value("epsilon", 1e-3f);
  const size_t n = 2 + (scale ? 1 : 0) + (center ? 1 : 0);
  EB_ASSIGN_OR_RETURN(auto w, weights(name, n, n));
  const int c = in[static_cast<size_t>(axis)];
  for (const auto& a : w)
    if (a.data.size() != static_cast<size_t>(c)) return error("weight '%s' has %zu values for %d channels", a.name.c_str(), a.data.size(), c);
  size_t i = 0;
  const std::vector<float>* gamma = scale ? &w[i++].data : nullptr;
  const std::vector<float>* beta = center ? &w[i++].data : nullptr;
  const std::vector<float>& mean = w[i++].data;
  const std::vector<float>& var = w[i++].data;
  std::vector<float> mul(static_cast<size_t>(c)), add(static_cast<size_t>(c));
  for (size_t k = 0; k < mul.size(); ++k) {
    mul[k] = (gamma ? (*gamma)[k] : 1.f) / std::sqrt(var[k] + eps);
    add[k] = (beta ? (*beta)[k] : 0.f) - mean[k] * mul[k];
  }
  // Folded into the convolution or Dense before it when this layer is its one reader, on the last axis.
  auto p = producers_.find(x);
  if (p != producers_.end() && uses_[x] == 1 && axis == static_cast<int>(in.size()) - 1 &&
      b_.built_node(p->second.node).opts.activation == Activation::kNone) {
    BuiltTensor& wt = b_.tensor(p->second.weights);
    BuiltTensor& bt = b_.tensor(p->second.bias);
    const size_t per = wt.f32.size() / mul.size();
    for (size_t k = 0; k < wt.f32.size(); ++k) {
      const size_t ch = p->second.channel_axis == 0 ? k / per : k % mul.size();
      wt.f32[k] *= mul[ch];
    }
    for (size_t k = 0; k < bt.f32.size(); ++k) bt.f32[k] = bt.f32[k] * mul[k] + add[k];
    b_.tensor(x).name = name;
    return x;
  }
  const Shape cs = channel_shape(c, axis, in.size());
  const int m = binary(OpCode::kMul, x, b_.constant(name + "/scale", cs, std::move(mul)), name + "/scaled", in);
  return binary(OpCode::kAdd, m, b_.constant(name + "/offset", cs, std::move(add)), name, in);
}

Result<int> Lowering::relu_layer(const std::string& name, const json& cfg, int x) {
  const json mv = cfg.value("max_value", json());
  const bool has_max = !mv.is_null();
  const float max_value = has_max ? mv.get<float>() : 0.f;
  const float slope = cfg.value("negative_slope", 0.f);
  const float threshold = cfg.value("threshold", 0.f);
  if (has_max && max_value < 0) return error("max_value %g is negative", static_cast<double>(max_value));
  if (threshold == 0.f) {
    if (slope == 0.f && has_max && max_value == 6.f) return unary(OpCode::kRelu6, x, name);
    int y;
    if (slope == 0.f) {
      y = fuse_activation(x, Activation::kRelu) ? x : unary(OpCode::kRelu, x, has_max ? name + "/relu" : name);
    } else {
      NodeOpts o;
      o.alpha = slope;
      y = unary(OpCode::kLeakyRelu, x, has_max ? name + "/leaky" : name, o);
    }
    return has_max ? binary(OpCode::kMinimum, y, scalar(name + "/max", max_value), name) : y;
  }
  // Keras: x * (x > threshold), clipped to max_value, minus slope * relu(threshold - x).
  const int t = scalar(name + "/threshold", threshold);
  const int above = b_.activation(name + "/above", b_.shape(x));
  b_.tensor(above).is_bool = true;
  b_.node(OpCode::kGreater, {x, t}, {above});
  const int mask = unary(OpCode::kCast, above, name + "/mask");
  int y = binary(OpCode::kMul, x, mask, slope != 0.f || has_max ? name + "/kept" : name);
  if (has_max) y = binary(OpCode::kMinimum, y, scalar(name + "/max", max_value), slope != 0.f ? name + "/clipped" : name);
  if (slope != 0.f) {
    const int below = unary(OpCode::kRelu, binary(OpCode::kSub, t, x, name + "/diff", b_.shape(x)), name + "/below");
    const int neg = binary(OpCode::kMul, below, scalar(name + "/slope", slope), name + "/negative");
    y = binary(OpCode::kSub, y, neg, name);
  }
  return y;
}

Result<int> Lowering::pool(const std::string& name, const json& cfg, int x, bool max) {
  const Shape in = b_.shape(x);
  if (in.size() != 4) return error("input has rank %zu, expected 4", in.size());
  if (cfg.contains("data_format") && cfg["data_format"].is_string() && cfg["data_format"] != "channels_last")
    return error("data_format other than channels_last is not supported");
  const auto k = int_list(cfg.value("pool_size", json(2)), 2, "pool_size");
  const json sv = cfg.value("strides", json());
  const auto s = sv.is_null() ? k : int_list(sv, 2, "strides");
  const std::string pad = cfg.value("padding", std::string("valid"));
  if (pad != "same" && pad != "valid") return error("padding '%s' is not supported", pad.c_str());
  int32_t out[2];
  for (int i = 0; i < 2; ++i) {
    if (k[i] < 1 || s[i] < 1 || k[i] > 1 << 16 || s[i] > 1 << 16) return error("pool_size or strides out of range");
    if (pad == "same") out[i] = (in[1 + i] + s[i] - 1) / s[i];
    else if (k[i] > in[1 + i]) return error("a %d-wide pool does not fit an input of %d", k[i], in[1 + i]);
    else out[i] = (in[1 + i] - k[i]) / s[i] + 1;
  }
  NodeOpts o;
  o.same_padding = pad == "same";
  o.filter_h = k[0], o.filter_w = k[1], o.stride_h = s[0], o.stride_w = s[1];
  const int y = b_.activation(name, {in[0], out[0], out[1], in[3]});
  b_.node(max ? OpCode::kMaxPool2D : OpCode::kAveragePool2D, {x}, {y}, o);
  return y;
}

Result<int> Lowering::spatial(const std::string& cls, const std::string& name, const json& cfg, int x) {
  const Shape in = b_.shape(x);
  if (cls == "Flatten" || cls == "Reshape") {
    Shape out = {in[0]};
    if (cls == "Flatten") {
      out.push_back(static_cast<int32_t>(elements(in) / std::max(in[0], 1)));
    } else {
      int unknown = -1;
      int64_t known = 1;
      for (const auto& d : cfg.at("target_shape")) {
        const int v = d.is_null() ? -1 : as_int(d);
        if (v == -1 && unknown < 0) unknown = static_cast<int>(out.size());
        else if (v < 1) return error("target_shape holds %d", v);
        else known *= v;
        if (known > (int64_t{1} << 31)) return error("target_shape is too large");
        out.push_back(v);
      }
      const int64_t total = elements(in) / std::max(in[0], 1);
      if (unknown >= 0) {
        if (total % known != 0) return error("cannot reshape %lld values to target_shape", static_cast<long long>(total));
        out[static_cast<size_t>(unknown)] = static_cast<int32_t>(total / known);
      } else if (known != total) {
        return error("target_shape holds %lld values, the input %lld", static_cast<long long>(known), static_cast<long long>(total));
      }
      if (out.size() > 8) return error("target_shape has rank %zu", out.size() - 1);
    }
    NodeOpts o;
    o.new_shape = out;
    const int y = b_.activation(name, out);
    b_.node(OpCode::kReshape, {x, b_.constant_i32(name + "/shape", out)}, {y}, o);
    return y;
  }
  if (cls == "Permute") {
    std::vector<int32_t> perm = {0};
    std::vector<bool> seen(in.size(), false);
    for (const auto& d : cfg.at("dims")) {
      const int v = as_int(d);
      if (v < 1 || v >= static_cast<int>(in.size()) || seen[static_cast<size_t>(v)]) return error("dims is not a permutation");
      seen[static_cast<size_t>(v)] = true;
      perm.push_back(v);
    }
    if (perm.size() != in.size()) return error("dims has %zu entries for an input of rank %zu", perm.size() - 1, in.size());
    Shape out;
    for (int32_t p : perm) out.push_back(in[static_cast<size_t>(p)]);
    const int y = b_.activation(name, out);
    b_.node(OpCode::kTranspose, {x, b_.constant_i32(name + "/perm", perm)}, {y});
    return y;
  }
  if (in.size() != 4) return error("input has rank %zu, expected 4", in.size());
  if (cls == "GlobalAveragePooling2D" || cls == "GlobalAvgPool2D" || cls == "GlobalMaxPooling2D" || cls == "GlobalMaxPool2D") {
    NodeOpts o;
    o.keep_dims = cfg.value("keepdims", false);
    const Shape out = o.keep_dims ? Shape{in[0], 1, 1, in[3]} : Shape{in[0], in[3]};
    const int y = b_.activation(name, out);
    const bool max = cls.find("Max") != std::string::npos;
    b_.node(max ? OpCode::kReduceMax : OpCode::kMean, {x, b_.constant_i32(name + "/axes", {1, 2})}, {y}, o);
    return y;
  }
  if (cls == "ZeroPadding2D" || cls == "Cropping2D") {
    const bool pad = cls == "ZeroPadding2D";
    const auto p = four_sides(cfg.at(pad ? "padding" : "cropping"), pad ? "padding" : "cropping");
    for (int v : p)
      if (v < 0 || v > 1 << 16) return error("%s out of range", pad ? "padding" : "cropping");
    Shape out = in;
    out[1] = pad ? in[1] + p[0] + p[1] : in[1] - p[0] - p[1];
    out[2] = pad ? in[2] + p[2] + p[3] : in[2] - p[2] - p[3];
    if (out[1] < 1 || out[2] < 1) return error("cropping leaves nothing of a %dx%d input", in[1], in[2]);
    const int y = b_.activation(name, out);
    if (pad)
      b_.node(OpCode::kPad, {x, b_.constant_i32(name + "/paddings", {4, 2}, {0, 0, p[0], p[1], p[2], p[3], 0, 0})}, {y});
    else
      b_.node(OpCode::kSlice, {x, b_.constant_i32(name + "/begin", {0, p[0], p[2], 0}), b_.constant_i32(name + "/size", out)}, {y});
    return y;
  }
  if (cls == "UpSampling2D") {
    const auto size = int_list(cfg.value("size", json(2)), 2, "size");
    if (size[0] < 1 || size[1] < 1 || size[0] > 1 << 12 || size[1] > 1 << 12) return error("size out of range");
    const std::string interp = cfg.value("interpolation", std::string("nearest"));
    if (interp != "nearest" && interp != "bilinear") return error("interpolation '%s' is not supported (nearest, bilinear)", interp.c_str());
    const Shape out = {in[0], in[1] * size[0], in[2] * size[1], in[3]};
    NodeOpts o;
    // Keras repeats pixels for nearest (TFLite's legacy indexing does the same at integer scales) and
    // resizes with half-pixel centres for bilinear (tf.image.resize).
    o.half_pixel_centers = interp == "bilinear";
    const int y = b_.activation(name, out);
    b_.node(interp == "nearest" ? OpCode::kResizeNearestNeighbor : OpCode::kResizeBilinear,
            {x, b_.constant_i32(name + "/size", {out[1], out[2]})}, {y}, o);
    return y;
  }
  return error("internal: no spatial lowering for %s", cls.c_str());
}

Result<int> Lowering::merge(const std::string& cls, const std::string& name, const json& cfg, const std::vector<int>& xs) {
  if (xs.size() < 2 && cls != "Concatenate") return error("needs at least 2 inputs, got %zu", xs.size());
  if (cls == "Concatenate") {
    const Shape first = b_.shape(xs[0]);
    EB_ASSIGN_OR_RETURN(int axis, one_axis(cfg.value("axis", json(-1)), first.size(), "axis"));
    Shape out = first;
    out[static_cast<size_t>(axis)] = 0;
    for (int x : xs) {
      const Shape& s = b_.shape(x);
      if (s.size() != first.size()) return error("inputs of different ranks");
      for (size_t i = 0; i < s.size(); ++i)
        if (static_cast<int>(i) != axis && s[i] != first[i]) return error("inputs differ outside the concatenation axis");
      out[static_cast<size_t>(axis)] += s[static_cast<size_t>(axis)];
    }
    NodeOpts o;
    o.axis = axis;
    const int y = b_.activation(name, out);
    b_.node(OpCode::kConcatenation, xs, {y}, o);
    return y;
  }
  if (cls == "Subtract") {
    if (xs.size() != 2) return error("needs exactly 2 inputs, got %zu", xs.size());
    return binary(OpCode::kSub, xs[0], xs[1], name);
  }
  const OpCode code = cls == "Multiply" ? OpCode::kMul : cls == "Maximum" ? OpCode::kMaximum : OpCode::kAdd;
  const bool average = cls == "Average";
  int y = xs[0];
  for (size_t i = 1; i < xs.size(); ++i)
    y = binary(code, y, xs[i], i + 1 == xs.size() && !average ? name : name + "/" + std::to_string(i));
  if (average) y = binary(OpCode::kMul, y, scalar(name + "/inv_n", 1.0f / static_cast<float>(xs.size())), name);
  return y;
}

Result<int> Lowering::affine(const std::string& cls, const std::string& name, const json& cfg, int x) {
  const Shape in = b_.shape(x);
  // A list of per-channel values (last axis) or one value, as a broadcastable constant.
  auto values = [&](const std::vector<float>& v, const char* what) -> Result<int> {
    if (v.size() == 1) return scalar(name + "/" + what, v[0]);
    if (v.size() != static_cast<size_t>(in.back())) return error("%s has %zu values for %d channels", what, v.size(), in.back());
    return b_.constant(name + "/" + what, {in.back()}, v);
  };
  auto floats = [](const json& v) {
    std::vector<float> out;
    if (v.is_number()) out.push_back(v.get<float>());
    else
      for (const auto& e : v) out.push_back(e.get<float>());
    return out;
  };
  if (cls == "Rescaling") {
    EB_ASSIGN_OR_RETURN(int s, values(floats(cfg.value("scale", json(1.0))), "scale"));
    const int y = binary(OpCode::kMul, x, s, name + "/scaled", in);
    EB_ASSIGN_OR_RETURN(int o, values(floats(cfg.value("offset", json(0.0))), "offset"));
    return binary(OpCode::kAdd, y, o, name, in);
  }
  // Normalization: (x - mean) / max(sqrt(variance), 1e-7), on the last axis.
  if (cfg.value("invert", false)) return error("invert=True is not supported");
  const json axis = cfg.value("axis", json(-1));
  if (!axis.is_null()) {
    EB_ASSIGN_OR_RETURN(int a, one_axis(axis, in.size(), "axis"));
    if (a != static_cast<int>(in.size()) - 1) return error("axis other than the last is not supported");
  }
  std::vector<float> mean, var;
  if (cfg.contains("mean") && !cfg["mean"].is_null() && cfg.contains("variance") && !cfg["variance"].is_null()) {
    mean = floats(cfg["mean"]);
    var = floats(cfg["variance"]);
  } else {
    EB_ASSIGN_OR_RETURN(auto w, weights(name, 2, 3));
    mean = w[0].data;
    var = w[1].data;
  }
  if (mean.size() != var.size()) return error("mean has %zu values, variance %zu", mean.size(), var.size());
  for (float& v : var) v = 1.0f / std::max(std::sqrt(v), 1e-7f);
  EB_ASSIGN_OR_RETURN(int m, values(mean, "mean"));
  const int centred = binary(OpCode::kSub, x, m, name + "/centred", in);
  EB_ASSIGN_OR_RETURN(int inv, values(var, "inv_std"));
  return binary(OpCode::kMul, centred, inv, name, in);
}

Result<std::vector<int>> Lowering::lower(const std::string& cls, const std::string& name, const json& cfg,
                                         const std::vector<int>& xs) {
  if (xs.empty()) return error("has no inputs");
  // Keras 3 quantized layers hold int8 / float8 weights with scales: not lowered (their values would be
  // read without their scales).
  if (cfg.contains("dtype") && cfg["dtype"].is_object()) {
    const json& d = cfg["dtype"];
    const std::string policy = d.contains("config") && d["config"].is_object() ? d["config"].value("name", std::string()) : "";
    if (d.value("class_name", std::string()).find("Quantized") != std::string::npos || policy.find("int8") != std::string::npos ||
        policy.find("int4") != std::string::npos || policy.find("float8") != std::string::npos)
      return error("quantized layers (dtype policy '%s') are not supported", policy.c_str());
  }
  const bool merging = cls == "Add" || cls == "Subtract" || cls == "Multiply" || cls == "Average" || cls == "Maximum" || cls == "Concatenate";
  if (!merging && xs.size() != 1) return error("has %zu inputs, expected 1", xs.size());
  const int x = xs[0];
  Result<int> y = x;
  if (cls == "Dropout" || cls == "SpatialDropout2D" || cls == "GaussianDropout" || cls == "GaussianNoise" || cls == "ActivityRegularization") y = x;
  else if (cls == "Conv2D" || cls == "Convolution2D") y = conv2d(name, cfg, x);
  else if (cls == "DepthwiseConv2D") y = depthwise(name, cfg, x, false);
  else if (cls == "SeparableConv2D" || cls == "SeparableConvolution2D") y = depthwise(name, cfg, x, true);
  else if (cls == "Conv2DTranspose" || cls == "Convolution2DTranspose") y = conv_transpose(name, cfg, x);
  else if (cls == "Dense") y = dense(name, cfg, x);
  else if (cls == "BatchNormalization") y = batch_norm(name, cfg, x);
  else if (cls == "Activation") {
    if (!cfg.at("activation").is_string()) return error("activation is not a built-in activation name");
    y = activation(x, cfg["activation"].get<std::string>(), name);
  } else if (cls == "ReLU") y = relu_layer(name, cfg, x);
  else if (cls == "LeakyReLU") {
    NodeOpts o;
    o.alpha = cfg.contains("negative_slope") ? cfg["negative_slope"].get<float>() : cfg.value("alpha", 0.3f);
    y = unary(OpCode::kLeakyRelu, x, name, o);
  } else if (cls == "PReLU") {
    EB_ASSIGN_OR_RETURN(auto w, weights(name, 1, 1));
    Shape want(b_.shape(x).begin() + 1, b_.shape(x).end());
    if (w[0].shape.size() != want.size()) return error("alpha has rank %zu for an input of rank %zu", w[0].shape.size(), want.size() + 1);
    for (size_t i = 0; i < want.size(); ++i)
      if (w[0].shape[i] != want[i] && w[0].shape[i] != 1) return error("alpha does not broadcast against the input");
    Shape ashape = {1};
    ashape.insert(ashape.end(), w[0].shape.begin(), w[0].shape.end());
    const int alpha = b_.constant(name + "/alpha", ashape, w[0].data);
    y = b_.activation(name, b_.shape(x));
    b_.node(OpCode::kPRelu, {x, alpha}, {*y});
  } else if (cls == "Softmax") {
    const json axis = cfg.value("axis", json(-1));
    EB_ASSIGN_OR_RETURN(int a, one_axis(axis, b_.shape(x).size(), "axis"));
    if (a != static_cast<int>(b_.shape(x).size()) - 1) return error("axis other than the last is not supported");
    y = unary(OpCode::kSoftmax, x, name);
  } else if (cls == "MaxPooling2D" || cls == "MaxPool2D") y = pool(name, cfg, x, true);
  else if (cls == "AveragePooling2D" || cls == "AvgPool2D") y = pool(name, cfg, x, false);
  else if (merging) y = merge(cls, name, cfg, xs);
  else if (cls == "Rescaling" || cls == "Normalization") y = affine(cls, name, cfg, x);
  else if (supported(cls)) y = spatial(cls, name, cfg, x);
  else return error("layer class %s is not supported", cls.c_str());
  if (!y.ok()) return y.status();
  // Every tensor keeps a shape the runtime can hold.
  const Shape& s = b_.shape(*y);
  if (s.size() > 8 || elements(s) > (int64_t{1} << 28) || std::any_of(s.begin(), s.end(), [](int32_t d) { return d < 1; }))
    return error("its output shape is out of range");
  return std::vector<int>{*y};
}

}  // namespace eb::keras
