// Load-time folding shared by every engine: DEQUANTIZE nodes whose input is a constant (float16
// weights, or int8 / uint8 weights dequantized in the graph) are computed once; their outputs become
// float32 constants owned by the graph (Graph::folded) and the nodes never run. This is what TFLite does
// with float16-weight models before its CPU kernels (and XNNPACK) see them.
#pragma once

#include <cstddef>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/graph.h"

namespace eb {

// Folds what can be folded and returns the indices of the nodes that remain to run, in graph order.
// `max_bytes` caps the float32 data folding allocates in total: many DEQUANTIZE nodes may read one large
// constant, and a small hostile file must not make us allocate gigabytes.
Result<std::vector<int>> fold_constant_dequantize(Graph& g, size_t max_bytes);

}  // namespace eb
