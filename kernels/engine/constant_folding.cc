#include "kernels/engine/constant_folding.h"

#include <algorithm>
#include <cstdint>
#include <memory>

#include "kernels/common/float16.h"

namespace eb {
namespace {

// The float32 values of a constant float16 / int8 / uint8 tensor (per-channel along quant.axis, or
// per-tensor), as dequantize_*_ref computes them.
void dequantize_constant(const Tensor& in, float* out, size_t count) {
  if (in.dtype == DType::kFloat16) {
    const uint16_t* h = in.constant_as<uint16_t>();
    for (size_t k = 0; k < count; ++k) out[k] = half_to_float(h[k]);
    return;
  }
  size_t inner = 1, channels = 1;
  if (in.quant.per_channel()) {
    channels = static_cast<size_t>(in.dim(in.quant.axis));
    for (int d = in.quant.axis + 1; d < in.rank(); ++d) inner *= static_cast<size_t>(in.dim(d));
  }
  for (size_t k = 0; k < count; ++k) {
    const size_t c = in.quant.per_channel() ? (k / inner) % channels : 0;
    const int32_t q = in.dtype == DType::kInt8 ? in.constant_as<int8_t>()[k] : in.constant_as<uint8_t>()[k];
    out[k] = in.quant.scale[c] * static_cast<float>(q - static_cast<int32_t>(in.quant.zero_point[c]));
  }
}

}  // namespace

Result<std::vector<int>> fold_constant_dequantize(Graph& g, size_t max_bytes) {
  std::vector<int> active;
  size_t folded_bytes = 0;
  for (const Node& n : g.nodes) {
    if (n.op() == OpCode::kDequantize && n.inputs.size() == 1 && n.outputs.size() == 1 && n.inputs[0] >= 0) {
      const Tensor& in = g.tensors[static_cast<size_t>(n.inputs[0])];
      Tensor& out = g.tensors[static_cast<size_t>(n.outputs[0])];
      const bool is_graph_output = std::find(g.outputs.begin(), g.outputs.end(), n.outputs[0]) != g.outputs.end();
      if (in.is_constant() && out.dtype == DType::kFloat32 && !is_graph_output &&
          (in.dtype == DType::kFloat16 || in.dtype == DType::kInt8 || in.dtype == DType::kUInt8)) {
        const size_t count = static_cast<size_t>(in.elements());
        folded_bytes += count * sizeof(float);
        if (folded_bytes > max_bytes)
          return error("node %d (DEQUANTIZE): constants folded at load time exceed %zu bytes", n.index, max_bytes);
        if (in.dtype != DType::kFloat16 && !in.quant.present())
          return error("node %d (DEQUANTIZE): constant input '%s' has no quantization parameters", n.index,
                       in.name.c_str());
        auto buf = std::make_unique_for_overwrite<float[]>(count ? count : 1);  // every value written below
        dequantize_constant(in, buf.get(), count);
        out.shape = in.shape;
        out.constant = reinterpret_cast<const uint8_t*>(buf.get());
        out.constant_bytes = count * sizeof(float);
        out.folded = true;
        g.folded.push_back(std::move(buf));
        continue;
      }
    }
    active.push_back(n.index);
  }
  return active;
}

}  // namespace eb
