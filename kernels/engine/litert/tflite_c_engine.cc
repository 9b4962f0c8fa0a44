// `--engine litert` over the classic TfLite C API (libtensorflowlite_c.so: TfLiteModelCreate,
// TfLiteInterpreterCreate ...), chosen when the loaded library exports TfLiteInterpreterCreate and not
// LiteRT 2.x's CompiledModel API. The interpreter gets the thread count and, as a deployment built on
// this API does by default, applies its default delegate (XNNPACK in TFLite 2.x builds).
#include <cstring>
#include <string>
#include <vector>

#include "kernels/engine/litert/library_engine.h"

namespace eb::litert_c {
namespace {

class TfLiteCEngine final : public LibraryEngine {
 public:
  TfLiteCEngine(const Api* api, std::unique_ptr<Model> model, const EngineOptions& options)
      : LibraryEngine(api, std::move(model), options) {}

  ~TfLiteCEngine() override {
    if (interpreter_) api_->TfLiteInterpreterDelete(interpreter_);
    if (tfl_options_) api_->TfLiteInterpreterOptionsDelete(tfl_options_);
    if (tfl_model_) api_->TfLiteModelDelete(tfl_model_);
  }

  Status build() {
    infer_shapes();
    // edgebench's bytes, alive as long as this engine (TfLiteModelCreate does not copy them).
    tfl_model_ = api_->TfLiteModelCreate(model_->bytes().data(), model_->file_bytes());
    if (!tfl_model_) return fail("TfLiteModelCreate");
    tfl_options_ = api_->TfLiteInterpreterOptionsCreate();
    if (!tfl_options_) return fail("TfLiteInterpreterOptionsCreate");
    api_->TfLiteInterpreterOptionsSetNumThreads(tfl_options_, options_.threads);
    interpreter_ = api_->TfLiteInterpreterCreate(tfl_model_, tfl_options_);
    if (!interpreter_) return fail("TfLiteInterpreterCreate");
    if (api_->TfLiteInterpreterGetInputTensorCount(interpreter_) != num_inputs() ||
        api_->TfLiteInterpreterGetOutputTensorCount(interpreter_) != num_outputs())
      return error("engine 'litert': TFLite's interpreter has %d inputs and %d outputs, edgebench reads %d and %d",
                   api_->TfLiteInterpreterGetInputTensorCount(interpreter_),
                   api_->TfLiteInterpreterGetOutputTensorCount(interpreter_), num_inputs(), num_outputs());
    // Both read the inputs and outputs of the first subgraph, in its order; edgebench may already have
    // given an input its shape (--input-shape, or a dynamic input the data's), TFLite has the stored one.
    for (int i = 0; i < num_inputs(); ++i) EB_RETURN_IF_ERROR(resize_tflite_input(i, input(i).shape));
    return allocate();
  }

  std::string isa() const override { return "tflite " + (api_->version.empty() ? std::string("2.x") : api_->version) + " cpu"; }

  Status resize_input(int i, const Shape& shape) override {
    if (i < 0 || i >= num_inputs()) return error("input %d does not exist (model has %d inputs)", i, num_inputs());
    if (shape == input(i).shape) return Status();
    EB_RETURN_IF_ERROR(model_->set_input_shape(i, shape));  // edgebench's one check of a requested shape
    EB_RETURN_IF_ERROR(resize_tflite_input(i, shape));
    return allocate();
  }

  // As with the CompiledModel API, the copies into TFLite's input tensors and out of its output tensors
  // are inside the timed region (a deployment copies its data in and out too): a few microseconds.
  Status invoke() override {
    for (int i = 0; i < num_inputs(); ++i)
      std::memcpy(api_->TfLiteTensorData(in_[static_cast<size_t>(i)]), inputs_[static_cast<size_t>(i)].get(), input(i).bytes());
    if (api_->TfLiteInterpreterInvoke(interpreter_) != 0) return fail("TfLiteInterpreterInvoke");
    for (int j = 0; j < num_outputs(); ++j)
      std::memcpy(outputs_[static_cast<size_t>(j)].get(), api_->TfLiteTensorData(out_[static_cast<size_t>(j)]), output(j).bytes());
    return Status();
  }

 private:
  Status fail(const char* what) const {
    return error("engine 'litert': %s failed (%s; TFLite printed why above)", what, api_->path.c_str());
  }

  static Shape dims_of(const Api* api, const TfLiteTensor* t) {
    Shape s(static_cast<size_t>(std::max(0, api->TfLiteTensorNumDims(t))));
    for (size_t d = 0; d < s.size(); ++d) s[d] = api->TfLiteTensorDim(t, static_cast<int32_t>(d));
    return s;
  }

  Status resize_tflite_input(int i, const Shape& shape) {
    const TfLiteTensor* t = api_->TfLiteInterpreterGetInputTensor(interpreter_, i);
    if (t && dims_of(api_, t) == shape) return Status();
    const std::vector<int> dims(shape.begin(), shape.end());
    if (api_->TfLiteInterpreterResizeInputTensor(interpreter_, i, dims.data(), static_cast<int32_t>(dims.size())) != 0)
      return fail("TfLiteInterpreterResizeInputTensor");
    return Status();
  }

  // Plans TFLite's tensors, takes its output shapes (edgebench does not prepare the graph here) and
  // checks every byte size agrees before edgebench's buffers are made at those sizes.
  Status allocate() {
    if (api_->TfLiteInterpreterAllocateTensors(interpreter_) != 0) return fail("TfLiteInterpreterAllocateTensors");
    in_.clear();
    out_.clear();
    for (int i = 0; i < num_inputs(); ++i) in_.push_back(api_->TfLiteInterpreterGetInputTensor(interpreter_, i));
    for (int j = 0; j < num_outputs(); ++j) {
      const TfLiteTensor* t = api_->TfLiteInterpreterGetOutputTensor(interpreter_, j);
      out_.push_back(t);
      // TFLite's shapes once it has prepared, except an output it leaves shapeless until it runs.
      if (t && (api_->TfLiteTensorNumDims(t) > 0 || output(j).shape.empty())) mutable_output(j).shape = dims_of(api_, t);
    }
    for (int i = 0; i < num_inputs(); ++i) EB_RETURN_IF_ERROR(check_size(in_[static_cast<size_t>(i)], input(i), "input", i));
    for (int j = 0; j < num_outputs(); ++j) EB_RETURN_IF_ERROR(check_size(out_[static_cast<size_t>(j)], output(j), "output", j));
    return allocate_host_buffers();
  }

  Status check_size(const TfLiteTensor* t, const Tensor& want, const char* kind, int index) const {
    const size_t have = t ? api_->TfLiteTensorByteSize(t) : 0;
    if (!t || !api_->TfLiteTensorData(t) || have != want.bytes())
      return error("engine 'litert': %s %d '%s' %s is %zu bytes for edgebench and %zu for TFLite", kind, index,
                   want.name.c_str(), shape_str(want.shape).c_str(), want.bytes(), have);
    return Status();
  }

  TfLiteModel* tfl_model_ = nullptr;
  TfLiteInterpreterOptions* tfl_options_ = nullptr;
  TfLiteInterpreter* interpreter_ = nullptr;
  std::vector<TfLiteTensor*> in_;         // TFLite's input tensors, valid until the next AllocateTensors
  std::vector<const TfLiteTensor*> out_;  // its output tensors
};

}  // namespace

Result<std::unique_ptr<Engine>> create_tflite_c_engine(const Api* api, std::unique_ptr<Model> model,
                                                       const EngineOptions& options) {
  auto e = std::make_unique<TfLiteCEngine>(api, std::move(model), options);
  EB_RETURN_IF_ERROR(e->build());
  return std::unique_ptr<Engine>(std::move(e));
}

}  // namespace eb::litert_c
