// The graph of one subgraph: tensors and nodes in execution order, with every builtin option edgebench
// reads copied out of the flatbuffer into plain fields (checked once at load time).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/graph/tensor.h"

namespace eb {

// Builtin operator codes, as numbered by TFLite's schema.
enum class OpCode : int32_t {
  kAdd = 0,
  kAveragePool2D = 1,
  kConcatenation = 2,
  kConv2D = 3,
  kDepthwiseConv2D = 4,
  kDepthToSpace = 5,
  kDequantize = 6,
  kFloor = 8,
  kFullyConnected = 9,
  kL2Normalization = 11,
  kLocalResponseNormalization = 13,
  kLogistic = 14,
  kMaxPool2D = 17,
  kMul = 18,
  kRelu = 19,
  kReluN1To1 = 20,
  kRelu6 = 21,
  kReshape = 22,
  kResizeBilinear = 23,
  kSoftmax = 25,
  kSpaceToDepth = 26,
  kTanh = 28,
  kCustom = 32,
  kPad = 34,
  kGather = 36,
  kBatchToSpaceNd = 37,
  kSpaceToBatchNd = 38,
  kTranspose = 39,
  kMean = 40,
  kSub = 41,
  kDiv = 42,
  kSqueeze = 43,
  kUnidirectionalSequenceLstm = 44,
  kStridedSlice = 45,
  kExp = 47,
  kTopKV2 = 48,
  kSplit = 49,
  kLogSoftmax = 50,
  kCast = 53,
  kPRelu = 54,
  kMaximum = 55,
  kArgMax = 56,
  kMinimum = 57,
  kLess = 58,
  kNeg = 59,
  kPadV2 = 60,
  kGreater = 61,
  kGreaterEqual = 62,
  kLessEqual = 63,
  kSelect = 64,
  kSlice = 65,
  kTransposeConv = 67,
  kTile = 69,
  kExpandDims = 70,
  kEqual = 71,
  kNotEqual = 72,
  kLog = 73,
  kSum = 74,
  kSqrt = 75,
  kRsqrt = 76,
  kShape = 77,
  kPow = 78,
  kArgMin = 79,
  kReduceProd = 81,
  kReduceMax = 82,
  kPack = 83,
  kLogicalOr = 84,
  kLogicalAnd = 86,
  kLogicalNot = 87,
  kUnpack = 88,
  kReduceMin = 89,
  kFloorDiv = 90,
  kSquare = 92,
  kZerosLike = 93,
  kFill = 94,
  kResizeNearestNeighbor = 97,
  kLeakyRelu = 98,
  kSquaredDifference = 99,
  kMirrorPad = 100,
  kAbs = 101,
  kSplitV = 102,
  kGatherNd = 107,
  kElu = 111,
  kQuantize = 114,
  kHardSwish = 117,
  kSelectV2 = 123,
  kBatchMatMul = 126,
  kGelu = 150,
};

// TFLite's name for a builtin code ("CONV_2D"); "BUILTIN_<n>" for codes edgebench does not know.
std::string builtin_name(int32_t code);

enum class Activation : uint8_t { kNone = 0, kRelu = 1, kReluN1To1 = 2, kRelu6 = 3, kTanh = 4, kSignBit = 5 };
enum class Padding : uint8_t { kSame = 0, kValid = 1 };

// Union of the builtin options edgebench reads; each op uses its own fields.
struct NodeOptions {
  Padding padding = Padding::kSame;
  int32_t stride_w = 1, stride_h = 1;
  int32_t dilation_w = 1, dilation_h = 1;
  int32_t filter_w = 1, filter_h = 1;   // pooling
  int32_t depth_multiplier = 1;         // depthwise conv
  Activation activation = Activation::kNone;
  bool keep_num_dims = false;           // fully connected
  bool asymmetric_quantize_inputs = false;  // hybrid fully connected
  bool weights_format_default = true;       // fully connected: shuffled weights are refused
  float beta = 1.0f;                    // softmax
  int32_t axis = 0;                     // concatenation
  bool keep_dims = false;               // mean
  bool align_corners = false, half_pixel_centers = false;  // resize
  float alpha = 0.2f;                   // leaky relu
  DType output_type = DType::kInt64;    // arg max
  bool has_new_shape = false;
  std::vector<int32_t> new_shape;       // reshape (when given as option)
  std::vector<int32_t> squeeze_dims;    // squeeze
  // STRIDED_SLICE masks (bit i refers to dimension i of the begin/end/strides vectors) and offset mode.
  int32_t begin_mask = 0, end_mask = 0, ellipsis_mask = 0, new_axis_mask = 0, shrink_axis_mask = 0;
  bool offset = false;
  int32_t num_splits = 0;               // split, split_v
  int32_t batch_dims = 0;               // gather (axis in `axis`)
  int32_t values_count = 0;             // pack (axis in `axis`); unpack: `num`
  int32_t num = 0;                      // unpack
  int32_t block_size = 0;               // space_to_depth, depth_to_space
  bool mirror_symmetric = false;        // mirror_pad: SYMMETRIC (true) or REFLECT (false)
  bool adj_x = false, adj_y = false;    // batch_matmul (asymmetric_quantize_inputs as above)
  bool approximate = false;             // gelu: tanh approximation
  // local_response_normalization
  int32_t lrn_radius = 5;
  float lrn_bias = 1.0f, lrn_alpha = 1.0f, lrn_beta = 0.5f;
  // unidirectional_sequence_lstm (activation in `activation`)
  float cell_clip = 0.0f, proj_clip = 0.0f;
  bool time_major = false;
  bool diagonal_recurrent_tensors = false;
  // cast: the declared types (the tensors' own types decide; these are checked when present)
  DType in_data_type = DType::kUnsupported, out_data_type = DType::kUnsupported;
};

struct Node {
  int index = 0;
  int32_t builtin = 0;
  std::string op_name;      // "CONV_2D", or the custom code for custom ops
  int version = 1;
  std::vector<int> inputs;  // tensor indices; -1 marks an omitted optional input
  std::vector<int> outputs;
  std::vector<int> intermediates;     // tensors some ops keep parameters in (integer LSTM gate scales)
  NodeOptions options;
  std::vector<uint8_t> custom_options;  // custom operators: their flexbuffer options, as stored
  OpCode op() const { return static_cast<OpCode>(builtin); }
};

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Node> nodes;
  std::vector<int> inputs;
  std::vector<int> outputs;
  // Storage for constants made at load time (fp16 weights folded to fp32, etc.).
  std::vector<std::unique_ptr<float[]>> folded;
};

}  // namespace eb
