// Full-integer int8, from calibrated ranges, as TFLite's converter quantizes (Optimize.DEFAULT with a
// representative dataset):
//  - activations: asymmetric int8, scale and zero point from the calibrated min/max widened to include
//    0 (quant_math.h); outputs TFLite's kernels fix (SOFTMAX and LOGISTIC 1/256, -128; TANH 1/128, 0),
//    and outputs of operators that move values without arithmetic (pooling, RESHAPE, CONCATENATION, PAD,
//    ...) take their input's parameters, as those kernels require;
//  - weights: symmetric int8 per output channel (per tensor with per_tensor); biases int32 at
//    input_scale * weight_scale; other float constants an int8 operator reads: asymmetric from their values;
//  - the graph's float inputs and outputs: QUANTIZE / DEQUANTIZE at the edges (or int8 / uint8 I/O).
// An operator without an int8 form here stays float32 between a DEQUANTIZE and a QUANTIZE, and is listed
// in the report.
#include <algorithm>
#include <cstring>
#include <map>
#include <set>

#include "kernels/graph/graph.h"
#include "kernels/quantize/model_edit.h"
#include "kernels/quantize/quant_math.h"
#include "kernels/quantize/quantize.h"

namespace eb {
namespace {

enum class Rule {
  kFloat,        // no int8 form here: stays float32
  kOwn,          // output parameters from the output's own range
  kSameAsInput,  // output parameters = input 0's (TFLite's kernel requires equal ones)
  kAllSame,      // CONCATENATION: every input and the output share the output's parameters
  kFixed,        // TFLite fixes the output parameters
  kAnyType,      // reads only shapes (SHAPE): takes its input in whatever type it is
};

struct OpRule {
  Rule rule = Rule::kFloat;
  int version = 1;       // the operator version TFLite gives its int8 form
  AffineParams fixed{};  // kFixed
};

OpRule rule_for(OpCode op) {
  switch (op) {
    case OpCode::kConv2D: return {Rule::kOwn, 3};
    case OpCode::kDepthwiseConv2D: return {Rule::kOwn, 3};
    case OpCode::kFullyConnected: return {Rule::kOwn, 4};
    case OpCode::kAdd: case OpCode::kSub: case OpCode::kMul: return {Rule::kOwn, 2};
    case OpCode::kMean: case OpCode::kRelu: case OpCode::kRelu6: case OpCode::kLeakyRelu: return {Rule::kOwn, 2};
    case OpCode::kHardSwish: return {Rule::kOwn, 1};
    case OpCode::kAveragePool2D: case OpCode::kMaxPool2D: case OpCode::kPad: case OpCode::kStridedSlice:
    case OpCode::kTranspose: case OpCode::kResizeBilinear: case OpCode::kResizeNearestNeighbor:
      return {Rule::kSameAsInput, 2};
    case OpCode::kReshape: case OpCode::kSqueeze: return {Rule::kSameAsInput, 1};
    case OpCode::kConcatenation: return {Rule::kAllSame, 2};
    case OpCode::kSoftmax: case OpCode::kLogistic: return {Rule::kFixed, 2, {1.0f / 256, -128}};
    case OpCode::kTanh: return {Rule::kFixed, 2, {1.0f / 128, 0}};
    case OpCode::kShape: return {Rule::kAnyType, 1};
    default: return {};
  }
}

// Which input slot holds a weight and which a bias, and the weight's channel axis.
struct WeightSlots {
  int weight = -1, bias = -1, axis = 0;
};
WeightSlots weight_slots(OpCode op) {
  switch (op) {
    case OpCode::kConv2D: case OpCode::kFullyConnected: return {1, 2, 0};
    case OpCode::kDepthwiseConv2D: return {1, 2, 3};
    default: return {};
  }
}

class Rewriter {
 public:
  Rewriter(ModelEditor& e, const std::vector<TensorRange>& ranges, const FullIntegerOptions& o)
      : e_(e), ranges_(ranges), options_(o), original_(e.num_tensors()),
        f_(static_cast<size_t>(original_), -1), q_(static_cast<size_t>(original_), -1) {
    // Types as the float model has them: activations are retyped as the rewrite goes.
    for (int t = 0; t < original_; ++t) was_float_.push_back(e.tensor(t).type == tflite::TensorType_FLOAT32);
  }

  Status run(QuantizeReport* report);

 private:
  bool was_float(int t) { return t >= 0 && t < original_ && was_float_[static_cast<size_t>(t)]; }
  bool is_activation(int t) { return was_float(t) && !e_.is_constant(t); }
  bool has_range(int t) { return static_cast<size_t>(t) < ranges_.size() && ranges_[static_cast<size_t>(t)].seen; }
  AffineParams range_params(int t) { return asymmetric_params(ranges_[static_cast<size_t>(t)].min, ranges_[static_cast<size_t>(t)].max); }
  bool quantizable(const tflite::OperatorT& op, const OpRule& r);
  int int8_of(int t);
  int float_of(int t);
  int requantized(int t8, const AffineParams& p);
  int quantized_constant(int t, const AffineParams* p);
  void set_int8(int index, const AffineParams& p);
  Status quantize_node(std::unique_ptr<tflite::OperatorT> op, const OpRule& r);
  void emit(std::unique_ptr<tflite::OperatorT> op) { ops_.push_back(std::move(op)); }

  ModelEditor& e_;
  const std::vector<TensorRange>& ranges_;
  FullIntegerOptions options_;
  int original_;
  std::vector<int> f_, q_;             // per original tensor: the index holding its float32 / int8 value
  std::map<int, AffineParams> params_;  // of every int8 index
  std::map<std::pair<int, std::pair<float, int32_t>>, int> requantized_;
  std::vector<std::unique_ptr<tflite::OperatorT>> ops_, tail_;
  std::set<int> graph_outputs_;
  std::vector<bool> was_float_;
  // Outputs whose parameters the CONCATENATION or ADD reading them sets (see run()).
  std::map<int, AffineParams> inherited_params_;
};

void Rewriter::set_int8(int index, const AffineParams& p) {
  tflite::TensorT& t = e_.tensor(index);
  t.type = tflite::TensorType_INT8;
  ModelEditor::set_quant(t, {p.scale}, {p.zero_point});
  params_[index] = p;
}

bool Rewriter::quantizable(const tflite::OperatorT& op, const OpRule& r) {
  if (r.rule == Rule::kFloat) return false;
  const auto code = static_cast<OpCode>(e_.builtin(op));
  const WeightSlots w = weight_slots(code);
  bool any_float = false;
  for (size_t k = 0; k < op.inputs.size(); ++k) {
    const int t = op.inputs[k];
    if (t < 0) continue;
    if (!was_float(t)) {
      // Integer side inputs (shapes, axes, paddings) are fine; a weight must be float to quantize.
      if (static_cast<int>(k) == w.weight || static_cast<int>(k) == w.bias) return false;
      continue;
    }
    any_float = true;
    if (is_activation(t) && !has_range(t)) return false;
    if (static_cast<int>(k) == w.weight && !e_.is_constant(t)) return false;
    if (static_cast<int>(k) == w.bias && !e_.is_constant(t)) return false;
  }
  if (w.weight >= 0 && (static_cast<int>(op.inputs.size()) <= w.weight || op.inputs[static_cast<size_t>(w.weight)] < 0)) return false;
  for (int t : op.outputs) {
    if (!was_float(t)) continue;
    any_float = true;
    if ((r.rule == Rule::kOwn || r.rule == Rule::kAllSame) && !has_range(t)) return false;
  }
  return any_float;
}

// The int8 version of activation t, made by a QUANTIZE node the first time a reader needs it.
int Rewriter::int8_of(int t) {
  if (q_[static_cast<size_t>(t)] >= 0) return q_[static_cast<size_t>(t)];
  const int from = f_[static_cast<size_t>(t)] >= 0 ? f_[static_cast<size_t>(t)] : t;
  const AffineParams p = range_params(t);
  const int q = e_.add_tensor(e_.tensor(t).name + "_int8", tflite::TensorType_INT8, e_.tensor(t).shape);
  e_.tensor(q).shape_signature = e_.tensor(t).shape_signature;
  set_int8(q, p);
  const bool from_integer = e_.tensor(from).type != tflite::TensorType_FLOAT32;
  emit(e_.make_op(static_cast<int32_t>(OpCode::kQuantize), from_integer ? 2 : 1, {from}, {q}));
  q_[static_cast<size_t>(t)] = q;
  return q;
}

// The float32 version of activation t, made by a DEQUANTIZE node the first time a float reader needs it.
int Rewriter::float_of(int t) {
  const int have = f_[static_cast<size_t>(t)];
  if (have >= 0 && e_.tensor(have).type == tflite::TensorType_FLOAT32) return have;
  const int q = int8_of(t);  // a uint8 graph input is read through its int8 version
  const int f = e_.add_tensor(e_.tensor(t).name + "_float", tflite::TensorType_FLOAT32, e_.tensor(t).shape);
  e_.tensor(f).shape_signature = e_.tensor(t).shape_signature;
  emit(e_.make_op(static_cast<int32_t>(OpCode::kDequantize), 2, {q}, {f}));
  f_[static_cast<size_t>(t)] = f;
  return f;
}

// int8 tensor t8 under other parameters: a QUANTIZE node int8 -> int8 (TFLite's requantize).
int Rewriter::requantized(int t8, const AffineParams& p) {
  const AffineParams& have = params_[t8];
  if (have.scale == p.scale && have.zero_point == p.zero_point) return t8;
  const auto key = std::make_pair(t8, std::make_pair(p.scale, p.zero_point));
  if (auto it = requantized_.find(key); it != requantized_.end()) return it->second;
  const int r = e_.add_tensor(e_.tensor(t8).name + "_requantized", tflite::TensorType_INT8, e_.tensor(t8).shape);
  set_int8(r, p);
  emit(e_.make_op(static_cast<int32_t>(OpCode::kQuantize), 2, {t8}, {r}));
  requantized_[key] = r;
  return r;
}

// A float constant an int8 operator reads (not a weight or bias): int8 under `p`, or under asymmetric
// parameters from its own values.
int Rewriter::quantized_constant(int t, const AffineParams* p) {
  const float* v = e_.data_as<float>(t);
  const int64_t n = e_.elements(t);
  AffineParams own;
  if (!p) {
    float lo = 0, hi = 0;
    for (int64_t i = 0; i < n; ++i) lo = std::min(lo, v[i]), hi = std::max(hi, v[i]);
    own = asymmetric_params(lo, hi);
    p = &own;
  }
  std::vector<uint8_t> data(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) data[static_cast<size_t>(i)] = static_cast<uint8_t>(static_cast<int8_t>(quantize_value(v[i], *p, -128, 127)));
  const int q = e_.add_tensor(e_.tensor(t).name, tflite::TensorType_INT8, e_.tensor(t).shape, std::move(data));
  set_int8(q, *p);
  return q;
}

Status Rewriter::quantize_node(std::unique_ptr<tflite::OperatorT> op, const OpRule& r) {
  const auto code = static_cast<OpCode>(e_.builtin(*op));
  const WeightSlots w = weight_slots(code);
  // Activation inputs to int8 (the weight and bias slots are done after, from the input's scale).
  AffineParams shared{};
  if (r.rule == Rule::kAllSame) shared = range_params(op->outputs[0]);
  bool have_input_params = false;
  AffineParams input0{};
  for (size_t k = 0; k < op->inputs.size(); ++k) {
    const int t = op->inputs[k];
    if (t < 0 || static_cast<int>(k) == w.weight || static_cast<int>(k) == w.bias) continue;
    if (!was_float(t)) continue;
    int q;
    if (e_.is_constant(t)) {
      q = quantized_constant(t, r.rule == Rule::kAllSame ? &shared : (r.rule == Rule::kSameAsInput && have_input_params ? &input0 : nullptr));
    } else {
      q = int8_of(t);
      if (r.rule == Rule::kAllSame) q = requantized(q, shared);
    }
    if (!have_input_params) {
      input0 = params_[q];
      have_input_params = true;
    }
    op->inputs[k] = q;
  }
  if (w.weight >= 0) {
    const int wt = op->inputs[static_cast<size_t>(w.weight)];
    const int axis = options_.per_tensor ? -1 : w.axis;
    const SymmetricWeights sw = quantize_symmetric(e_.data_as<float>(wt), e_.tensor(wt).shape, axis);
    std::vector<uint8_t> data(sw.values.size());
    std::memcpy(data.data(), sw.values.data(), data.size());
    const int qw = e_.add_tensor(e_.tensor(wt).name, tflite::TensorType_INT8, e_.tensor(wt).shape, std::move(data));
    ModelEditor::set_quant(e_.tensor(qw), sw.scales, std::vector<int64_t>(sw.scales.size(), 0), std::max(axis, 0));
    op->inputs[static_cast<size_t>(w.weight)] = qw;
    if (w.bias >= 0 && static_cast<int>(op->inputs.size()) > w.bias && op->inputs[static_cast<size_t>(w.bias)] >= 0) {
      const int bt = op->inputs[static_cast<size_t>(w.bias)];
      if (e_.elements(bt) != static_cast<int64_t>(sw.scales.size()) && sw.scales.size() > 1)
        return error("bias '%s' has %lld elements for %zu output channels", e_.tensor(bt).name.c_str(),
                     static_cast<long long>(e_.elements(bt)), sw.scales.size());
      std::vector<float> scales;
      const std::vector<int32_t> qb = quantize_bias(e_.data_as<float>(bt), e_.elements(bt), input0.scale, sw.scales, &scales);
      std::vector<uint8_t> data(qb.size() * 4);
      std::memcpy(data.data(), qb.data(), data.size());
      const int b = e_.add_tensor(e_.tensor(bt).name, tflite::TensorType_INT32, e_.tensor(bt).shape, std::move(data));
      ModelEditor::set_quant(e_.tensor(b), scales, std::vector<int64_t>(scales.size(), 0), 0);
      op->inputs[static_cast<size_t>(w.bias)] = b;
    }
  }
  for (int& t : op->outputs) {
    if (!was_float(t)) continue;
    const int original = t;
    AffineParams p = r.rule == Rule::kFixed ? r.fixed
                     : r.rule == Rule::kSameAsInput ? input0
                     : r.rule == Rule::kAllSame ? shared : range_params(t);
    if (auto it = inherited_params_.find(original); r.rule == Rule::kOwn && it != inherited_params_.end()) p = it->second;
    int q = t;
    if (graph_outputs_.count(t) && options_.io != DType::kInt8) {
      // The graph output keeps its index in the I/O type; the node writes an int8 tensor converted at the end.
      q = e_.add_tensor(e_.tensor(t).name + "_int8", tflite::TensorType_INT8, e_.tensor(t).shape);
      e_.tensor(q).shape_signature = e_.tensor(t).shape_signature;
    }
    set_int8(q, p);
    q_[static_cast<size_t>(original)] = q;
    t = q;
  }
  e_.require_version(*op, r.version);
  emit(std::move(op));
  return Status();
}

Status Rewriter::run(QuantizeReport* report) {
  tflite::SubGraphT& sg = e_.subgraph();
  for (int o : sg.outputs) graph_outputs_.insert(o);
  // Variable (state) tensors are written by no node: they stay float for the float nodes that keep them.
  for (int t = 0; t < original_; ++t)
    if (is_activation(t) && e_.tensor(t).is_variable) f_[static_cast<size_t>(t)] = t;
  for (int i : sg.inputs) {
    if (e_.tensor(i).type != tflite::TensorType_FLOAT32) continue;
    if (!has_range(i)) return error("input tensor %d '%s' was not calibrated", i, e_.tensor(i).name.c_str());
    const AffineParams p = range_params(i);
    if (options_.io == DType::kInt8) {
      set_int8(i, p);
      q_[static_cast<size_t>(i)] = i;
    } else if (options_.io == DType::kUInt8) {
      tflite::TensorT& t = e_.tensor(i);
      t.type = tflite::TensorType_UINT8;
      ModelEditor::set_quant(t, {p.scale}, {p.zero_point + 128});
      f_[static_cast<size_t>(i)] = i;  // int8_of() reads it through a QUANTIZE uint8 -> int8
    } else {
      f_[static_cast<size_t>(i)] = i;
    }
  }
  // Parameters TFLite's converter hands back to the nodes writing an operator's inputs (where such a
  // node chooses its own): a CONCATENATION's inputs and output share one set (its output's range, which
  // spans every input's), so no requantizing is needed; an input an ADD alone reads takes the ADD's
  // output parameters (the converter does so: MobileNetV2's block_N_project outputs carry block_N_add's).
  {
    std::map<int, const tflite::OperatorT*> producer;
    std::map<int, int> readers;
    for (const auto& op : sg.operators) {
      for (int t : op->outputs)
        if (t >= 0) producer[t] = op.get();
      for (int t : op->inputs)
        if (t >= 0) ++readers[t];
    }
    for (const auto& op : sg.operators) {
      const auto code = static_cast<OpCode>(e_.builtin(*op));
      const bool concat = code == OpCode::kConcatenation, add = code == OpCode::kAdd;
      if ((!concat && !add) || !quantizable(*op, rule_for(code))) continue;
      const AffineParams shared = range_params(op->outputs[0]);
      for (int t : op->inputs) {
        auto it = producer.find(t);
        if (!is_activation(t) || it == producer.end() || graph_outputs_.count(t)) continue;
        if (add && (readers[t] != 1 || inherited_params_.count(t))) continue;
        const OpRule pr = rule_for(static_cast<OpCode>(e_.builtin(*it->second)));
        if (pr.rule == Rule::kOwn && quantizable(*it->second, pr)) inherited_params_[t] = shared;
      }
    }
  }
  std::vector<std::unique_ptr<tflite::OperatorT>> nodes = std::move(sg.operators);
  for (size_t n = 0; n < nodes.size(); ++n) {
    auto& op = nodes[n];
    const auto code = static_cast<OpCode>(e_.builtin(*op));
    const OpRule r = rule_for(code);
    if (r.rule == Rule::kAnyType) {
      for (int& t : op->inputs)
        if (t >= 0 && t < original_ && q_[static_cast<size_t>(t)] >= 0) t = q_[static_cast<size_t>(t)];
      emit(std::move(op));
      continue;
    }
    if (quantizable(*op, r)) {
      EB_RETURN_IF_ERROR(quantize_node(std::move(op), r).with_context(strfmt("node %zu (%s): ", n, builtin_name(static_cast<int32_t>(code)).c_str())));
      continue;
    }
    // Stays float: float readers of int8 values read a DEQUANTIZE of them.
    bool touches_float = false;
    for (int& t : op->inputs)
      if (is_activation(t)) {
        touches_float = true;
        t = float_of(t);
      }
    for (int t : op->outputs)
      if (is_activation(t)) {
        touches_float = true;
        f_[static_cast<size_t>(t)] = t;
      }
    if (touches_float) report->float_nodes.push_back(strfmt("node %zu (%s)", n, builtin_name(static_cast<int32_t>(code)).c_str()));
    emit(std::move(op));
  }
  // Graph outputs in the I/O type.
  for (int o : sg.outputs) {
    if (!is_activation(o)) continue;
    const int q = q_[static_cast<size_t>(o)];
    if (options_.io == DType::kFloat32) {
      if (q >= 0 && q != o) emit(e_.make_op(static_cast<int32_t>(OpCode::kDequantize), 2, {q}, {o}));
      continue;
    }
    if (q == o) continue;
    tflite::TensorT& out = e_.tensor(o);
    const tflite::TensorType io_type = options_.io == DType::kUInt8 ? tflite::TensorType_UINT8 : tflite::TensorType_INT8;
    const int uint8_shift = options_.io == DType::kUInt8 ? 128 : 0;
    if (q >= 0) {  // an int8 node wrote q: requantized into the I/O type
      const AffineParams p = params_[q];
      out.type = io_type;
      ModelEditor::set_quant(out, {p.scale}, {p.zero_point + uint8_shift});
      emit(e_.make_op(static_cast<int32_t>(OpCode::kQuantize), 2, {q}, {o}));
      continue;
    }
    // A float node wrote index o: it now writes a float tensor, quantized into o at the end.
    if (!has_range(o)) return error("output tensor %d '%s' was not calibrated", o, out.name.c_str());
    const int f = e_.add_tensor(out.name + "_float", tflite::TensorType_FLOAT32, out.shape);
    for (auto& op : ops_) {
      for (int& t : op->outputs)
        if (t == o) t = f;
      for (int& t : op->inputs)
        if (t == o) t = f;
    }
    const AffineParams p = range_params(o);
    tflite::TensorT& out2 = e_.tensor(o);
    out2.type = io_type;
    ModelEditor::set_quant(out2, {p.scale}, {p.zero_point + uint8_shift});
    emit(e_.make_op(static_cast<int32_t>(OpCode::kQuantize), 1, {f}, {o}));
  }
  sg.operators = std::move(ops_);
  return Status();
}

}  // namespace

Result<std::vector<uint8_t>> quantize_int8(const std::vector<uint8_t>& bytes, const std::vector<TensorRange>& ranges,
                                           const FullIntegerOptions& options, QuantizeReport* report) {
  if (options.io != DType::kFloat32 && options.io != DType::kInt8 && options.io != DType::kUInt8)
    return error("input/output type must be float32, int8 or uint8, not %s", dtype_name(options.io));
  EB_ASSIGN_OR_RETURN(ModelEditor e, ModelEditor::open(bytes));
  if (ranges.size() != static_cast<size_t>(e.num_tensors()))
    return error("calibration ranges cover %zu tensors, the model has %d", ranges.size(), e.num_tensors());
  QuantizeReport r;
  Rewriter rw(e, ranges, options);
  EB_RETURN_IF_ERROR(rw.run(&r));
  e.drop_unused_data();
  for (int t = 0; t < e.num_tensors(); ++t)
    if (e.tensor(t).type == tflite::TensorType_INT8 && e.is_constant(t)) ++r.weights_quantized;
  if (report) *report = r;
  return e.finish();
}

}  // namespace eb
