// The quantized fast kernels' description of a conv-like op (gemm_q8.h's Q8ConvSpec), filled from the
// geometry and requantization CONV_2D and DEPTHWISE_CONV_2D share. One home for both ops' glue.
#pragma once

#include <optional>

#include "kernels/ops/conv2d/conv2d.h"
#include "kernels/ops/gemm/gemm_q8.h"

namespace eb {

// The geometry part alone (no weights, zero points or requantization).
Q8ConvSpec q8_spec_geometry(const ConvGeometry& g);

// nullopt when the fast kernels cannot take the op: a filter or bias that is not constant (they are
// packed once at prepare) or a requantization other than XNNPACK's fp32 scheme.
std::optional<Q8ConvSpec> make_q8_conv_spec(PrepareContext& ctx, ConvMode mode, const ConvGeometry& g,
                                            const ConvRequant& rq);

}  // namespace eb
