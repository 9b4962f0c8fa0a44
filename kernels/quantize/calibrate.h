// Calibration for full-integer quantization: runs the float model on one of edgebench's engines over
// the calibration inputs and records, for every float32 tensor a node writes (and every graph input),
// the min and max over all elements of all inputs -- the running min/max TFLite's calibrator records.
//
// How the intermediate tensors are seen without touching the engine: the calibrating copy of the model
// lists every such tensor as a graph output. The engine keeps outputs in memory of their own for the
// caller (it plans no reuse of them) and runs every node writing one, so after invoke() each holds its
// value. Costs memory (nothing is shared), which a calibration can afford.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "kernels/common/status.h"
#include "kernels/engine/engine.h"
#include "kernels/quantize/quantize.h"

namespace eb {

class Calibrator {
 public:
  // `model` is the float model's .tflite bytes. `engine`: "ref" (the reference kernels) or "auto" (the
  // fast float kernels: their results equal the reference's within float rounding, and a calibration
  // of MobileNetV2 over 200 images takes seconds instead of more than a minute).
  static Result<Calibrator> create(const std::vector<uint8_t>& model, const std::string& engine = "auto", int threads = 1);

  // The engine whose inputs the caller fills (input_data(i), as for any Engine) before each add().
  Engine& engine() { return *engine_; }
  // Runs the model on the inputs set and widens every tensor's range by what it computed.
  Status add();
  int samples() const { return samples_; }
  // One entry per tensor of the model (TensorRange::seen false for tensors not recorded).
  const std::vector<TensorRange>& ranges() const { return ranges_; }

 private:
  std::unique_ptr<Engine> engine_;
  std::vector<int> watched_;  // tensor index of engine output j
  std::vector<TensorRange> ranges_;
  int samples_ = 0;
};

}  // namespace eb
