// Translates edgebench's Graph into an XNNPACK subgraph: one tensor -> one XNNPACK value (datatype,
// dims, quantization, static data), one node -> one or a few XNNPACK nodes. Every operator, datatype or
// option the 2022-02-16 library cannot take is refused here with "node N (OP): why".
#pragma once

#include <xnnpack.h>

#include <string>
#include <utility>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/graph/graph.h"

namespace eb {

// What XNNPACK's own version is called in every refusal (the Debian package's upstream snapshot).
inline constexpr const char* kXnnpackVersion = "XNNPACK 2022-02-16";

const char* xnn_status_name(xnn_status s);

// Defines the graph in `subgraph`, which was created with inputs.size() + outputs.size() external ids:
// graph input i is external id i, graph output j is external id inputs.size() + j. `nodes` are the node
// indices to translate, in order (DEQUANTIZE of constants is folded away before). Shapes in `graph` must
// be final (the reference prepare has propagated and checked them). Constant data and quantization
// scales are referenced, not copied: `graph` must outlive the runtime made from the subgraph.
// Returns, per translated node, the XNNPACK node types it became ("xnn_convolution_2d_qc8").
Result<std::vector<std::pair<int, std::string>>> define_xnn_subgraph(const Graph& graph, const std::vector<int>& nodes,
                                                                    xnn_subgraph_t subgraph);

}  // namespace eb
