// `--engine litert` over LiteRT 2.x's CompiledModel C API (libLiteRt.so of pip's ai-edge-litert), with
// the call sequence of the wheel's own CompiledModel: environment -> model -> options (CPU accelerator,
// its CPU options) -> compiled model -> managed tensor buffers from the compiled model's buffer
// requirements -> lock/write, run, lock/read.
#include "kernels/engine/litert/litert_engine.h"

#include <cstring>
#include <string>
#include <vector>

#include "kernels/engine/litert/library_engine.h"

namespace eb {
namespace litert_c {
namespace {

// Out-parameters LiteRT fills by value, with room to spare should a version's struct be larger than
// the one declared in litert_api.h (it is then only ever read through the declared fields).
struct TensorTypeBox {
  LiteRtRankedTensorType type{};
  unsigned char spare[256] = {};
};
struct LayoutBox {
  LiteRtLayout layout{};
  unsigned char spare[128] = {};
};

Shape layout_shape(const LiteRtLayout& l) {
  return Shape(l.dimensions, l.dimensions + std::min<unsigned>(l.rank, kLiteRtTensorMaxRank));
}

class LiteRtEngine final : public LibraryEngine {
 public:
  LiteRtEngine(const Api* api, std::unique_ptr<Model> model, const EngineOptions& options)
      : LibraryEngine(api, std::move(model), options) {}

  ~LiteRtEngine() override {
    // Buffers and the compiled model refer to the model and environment: released in reverse order.
    release_buffers();
    if (compiled_) api_->DestroyCompiledModel(compiled_);
    if (options_handle_) api_->DestroyOptions(options_handle_);
    if (lrt_model_) api_->DestroyModel(lrt_model_);
    if (env_) api_->DestroyEnvironment(env_);
  }

  Status build() {
    infer_shapes();
    // Only the CPU accelerator is registered (no probing for GPU and NPU plugin libraries: this engine
    // runs on the CPU), and LiteRT logs errors only: its INFO lines would fill every command's output.
    LiteRtEnvOption env_options[2] = {};
    env_options[0].tag = kLiteRtEnvOptionTagAutoRegisterAccelerators;
    env_options[0].value.type = kLiteRtAnyTypeInt;
    env_options[0].value.int_value = kLiteRtHwAcceleratorCpu;
    env_options[1].tag = kLiteRtEnvOptionTagMinLoggerSeverity;
    env_options[1].value.type = kLiteRtAnyTypeInt;
    env_options[1].value.int_value = 3;
    EB_RETURN_IF_ERROR(check(api_->CreateEnvironment(2, env_options, &env_), "LiteRtCreateEnvironment"));
    // The bytes edgebench already holds (page-aligned, alive as long as this engine): LiteRT reads its
    // tables and weights from them instead of a second copy of the file.
    const ModelBytes& bytes = model_->bytes();
    EB_RETURN_IF_ERROR(check(api_->CreateModelFromBuffer(env_, bytes.data(), model_->file_bytes(), &lrt_model_),
                             "LiteRtCreateModelFromBuffer"));
    EB_RETURN_IF_ERROR(map_signature());
    EB_RETURN_IF_ERROR(make_options());
    EB_RETURN_IF_ERROR(check(api_->CreateCompiledModel(env_, lrt_model_, options_handle_, &compiled_),
                             "LiteRtCreateCompiledModel"));
    // edgebench may have given an input its shape before the engine was created (--input-shape, or
    // the data's shape for a dynamic input): LiteRT compiled the stored one.
    bool resized = false;
    for (int i = 0; i < num_inputs(); ++i) {
      bool r = false;
      EB_RETURN_IF_ERROR(resize_litert_input(i, input(i).shape, &r));
      resized = resized || r;
    }
    EB_RETURN_IF_ERROR(take_output_shapes(resized));
    return make_buffers();
  }

  std::string isa() const override { return "litert " + (api_->version.empty() ? std::string("2.x") : api_->version) + " cpu"; }

  Status resize_input(int i, const Shape& shape) override {
    if (i < 0 || i >= num_inputs()) return error("input %d does not exist (model has %d inputs)", i, num_inputs());
    if (shape == input(i).shape) return Status();
    EB_RETURN_IF_ERROR(model_->set_input_shape(i, shape));  // edgebench's one check of a requested shape
    bool resized = false;
    EB_RETURN_IF_ERROR(resize_litert_input(i, shape, &resized));
    EB_RETURN_IF_ERROR(take_output_shapes(true));
    return make_buffers();
  }

  // The copies between edgebench's buffers and LiteRT's are inside the timed region, as they are in a
  // deployment that writes its input into LiteRT's buffer and reads the result out (the wheel's
  // CompiledModel in Python does the same). Measured with libLiteRt.so 2.3.0 on an x86-64 VM: lock +
  // memcpy + unlock of a 224x224x3 input takes ~12 us (uint8, 150 KB; float32, 602 KB, about the same),
  // of a 1001-class output under 1 us, next to 3.7 ms of MobileNet-v2 inference (0.3 %).
  Status invoke() override {
    for (int i = 0; i < num_inputs(); ++i) {
      const size_t k = in_index_[static_cast<size_t>(i)];
      void* p = nullptr;
      EB_RETURN_IF_ERROR(check(api_->LockTensorBuffer(in_buffers_[k], &p, kLiteRtTensorBufferLockModeWrite), "LiteRtLockTensorBuffer"));
      std::memcpy(p, inputs_[static_cast<size_t>(i)].get(), input(i).bytes());
      EB_RETURN_IF_ERROR(check(api_->UnlockTensorBuffer(in_buffers_[k]), "LiteRtUnlockTensorBuffer"));
    }
    EB_RETURN_IF_ERROR(check(api_->RunCompiledModel(compiled_, 0, in_buffers_.size(), in_buffers_.data(),
                                                    out_buffers_.size(), out_buffers_.data()),
                             "LiteRtRunCompiledModel"));
    for (int j = 0; j < num_outputs(); ++j) {
      const size_t k = out_index_[static_cast<size_t>(j)];
      void* p = nullptr;
      EB_RETURN_IF_ERROR(check(api_->LockTensorBuffer(out_buffers_[k], &p, kLiteRtTensorBufferLockModeRead), "LiteRtLockTensorBuffer"));
      std::memcpy(outputs_[static_cast<size_t>(j)].get(), p, output(j).bytes());
      EB_RETURN_IF_ERROR(check(api_->UnlockTensorBuffer(out_buffers_[k]), "LiteRtUnlockTensorBuffer"));
    }
    return Status();
  }

  // Variable (state) tensors live inside LiteRT, which offers no reset through its C API: a benchmark's
  // state starts where the previous invocation left it (only models with state, e.g. an LSTM, notice).

 private:
  Status check(LiteRtStatus s, const char* what) const {
    if (s == kLiteRtStatusOk) return Status();
    return error("engine 'litert': %s failed: %s (%s)", what, status_name(s).c_str(), api_->path.c_str());
  }

  // Signature 0 is the model's main entry (LiteRT gives a model without signature_defs one over its
  // first subgraph, in its input order). Its tensors are matched to edgebench's graph inputs/outputs by
  // name, since a signature may list them in another order; by position when the names do not match.
  Status map_signature() {
    LiteRtParamIndex n = 0;
    EB_RETURN_IF_ERROR(check(api_->GetNumModelSignatures(lrt_model_, &n), "LiteRtGetNumModelSignatures"));
    if (n == 0) return error("engine 'litert': LiteRT finds no signature in this model");
    EB_RETURN_IF_ERROR(check(api_->GetModelSignature(lrt_model_, 0, &signature_), "LiteRtGetModelSignature"));
    LiteRtParamIndex n_in = 0, n_out = 0;
    EB_RETURN_IF_ERROR(check(api_->GetNumSignatureInputs(signature_, &n_in), "LiteRtGetNumSignatureInputs"));
    EB_RETURN_IF_ERROR(check(api_->GetNumSignatureOutputs(signature_, &n_out), "LiteRtGetNumSignatureOutputs"));
    if (n_in != static_cast<size_t>(num_inputs()) || n_out != static_cast<size_t>(num_outputs()))
      return error("engine 'litert': LiteRT's signature 0 has %zu inputs and %zu outputs, edgebench reads %d and %d "
                   "from the model's first subgraph", n_in, n_out, num_inputs(), num_outputs());
    EB_ASSIGN_OR_RETURN(in_tensors_, signature_tensors(n_in, true));
    EB_ASSIGN_OR_RETURN(out_tensors_, signature_tensors(n_out, false));
    in_index_ = match_names(in_tensors_, true);
    out_index_ = match_names(out_tensors_, false);
    return Status();
  }

  Result<std::vector<LiteRtTensor>> signature_tensors(size_t n, bool inputs) {
    std::vector<LiteRtTensor> t(n, nullptr);
    for (size_t k = 0; k < n; ++k)
      EB_RETURN_IF_ERROR(check(inputs ? api_->GetSignatureInputTensorByIndex(signature_, k, &t[k])
                                      : api_->GetSignatureOutputTensorByIndex(signature_, k, &t[k]),
                               inputs ? "LiteRtGetSignatureInputTensorByIndex" : "LiteRtGetSignatureOutputTensorByIndex"));
    return t;
  }

  // edgebench's index -> LiteRT's: by tensor name when every name matches exactly one, else by position.
  std::vector<size_t> match_names(const std::vector<LiteRtTensor>& tensors, bool inputs) const {
    const int n = inputs ? num_inputs() : num_outputs();
    std::vector<size_t> map(static_cast<size_t>(n));
    std::vector<bool> used(tensors.size(), false);
    for (int i = 0; i < n; ++i) {
      const std::string& want = inputs ? input(i).name : output(i).name;
      size_t found = tensors.size();
      for (size_t k = 0; k < tensors.size(); ++k) {
        const char* name = nullptr;
        if (api_->GetTensorName(tensors[k], &name) == kLiteRtStatusOk && name && want == name && !used[k]) found = k;
      }
      if (found == tensors.size()) {
        for (size_t k = 0; k < map.size(); ++k) map[k] = k;
        return map;
      }
      used[found] = true;
      map[static_cast<size_t>(i)] = found;
    }
    return map;
  }

  // CPU accelerator (XNNPACK delegate, LiteRT's default) with the thread count: LiteRT 2.x reads its
  // CPU options as a TOML payload of opaque options named "xnnpack" (litert/runtime/litert_cpu_options.cc,
  // what the C++ CpuOptions writes; the C setters are not exported by the wheel's libLiteRt.so).
  Status make_options() {
    EB_RETURN_IF_ERROR(check(api_->CreateOptions(&options_handle_), "LiteRtCreateOptions"));
    EB_RETURN_IF_ERROR(check(api_->SetOptionsHardwareAccelerators(options_handle_, kLiteRtHwAcceleratorCpu),
                             "LiteRtSetOptionsHardwareAccelerators"));
    const std::string toml = strfmt("num_threads = %d\n", options_.threads);
    char* payload = static_cast<char*>(std::malloc(toml.size() + 1));
    if (!payload) return error("engine 'litert': out of memory");
    std::memcpy(payload, toml.c_str(), toml.size() + 1);
    LiteRtOpaqueOptions cpu = nullptr;
    const LiteRtStatus s = api_->CreateOpaqueOptions("xnnpack", payload, &std::free, &cpu);
    if (s != kLiteRtStatusOk) std::free(payload);
    EB_RETURN_IF_ERROR(check(s, "LiteRtCreateOpaqueOptions"));
    const LiteRtStatus added = api_->AddOpaqueOptions(options_handle_, cpu);  // takes ownership on success
    if (added != kLiteRtStatusOk) api_->DestroyOpaqueOptions(cpu);
    return check(added, "LiteRtAddOpaqueOptions");
  }

  // Gives LiteRT's input i edgebench's shape when they differ.
  Status resize_litert_input(int i, const Shape& shape, bool* resized) {
    *resized = false;
    if (!api_->GetInputTensorLayout) return Status();  // an older 2.x: the stored shape is all it runs
    const size_t k = in_index_[static_cast<size_t>(i)];
    LayoutBox box;
    EB_RETURN_IF_ERROR(check(api_->GetInputTensorLayout(compiled_, 0, k, &box.layout), "LiteRtGetCompiledModelInputTensorLayout"));
    if (layout_shape(box.layout) == shape) return Status();
    if (!api_->ResizeInputTensorNonStrict)
      return error("engine 'litert': %s cannot resize inputs (no LiteRtCompiledModelResizeInputTensorNonStrict): input %d "
                   "'%s' stays %s", api_->path.c_str(), i, input(i).name.c_str(), shape_str(layout_shape(box.layout)).c_str());
    const std::vector<int> dims(shape.begin(), shape.end());
    EB_RETURN_IF_ERROR(check(api_->ResizeInputTensorNonStrict(compiled_, 0, k, dims.data(), dims.size()),
                             "LiteRtCompiledModelResizeInputTensorNonStrict"));
    *resized = true;
    return Status();
  }

  // After an input was resized the output shapes are LiteRT's. Otherwise edgebench's stay (infer_shapes):
  // LiteRT reports none (rank 0) for an output a custom operator sizes when it runs
  // (TFLite_Detection_PostProcess).
  Status take_output_shapes(bool resized) {
    if (!resized || !api_->GetOutputTensorLayouts) return Status();
    std::vector<LiteRtLayout> layouts(out_tensors_.size());
    EB_RETURN_IF_ERROR(check(api_->GetOutputTensorLayouts(compiled_, 0, layouts.size(), layouts.data(), true),
                             "LiteRtGetCompiledModelOutputTensorLayouts"));
    for (int j = 0; j < num_outputs(); ++j) {
      const Shape s = layout_shape(layouts[out_index_[static_cast<size_t>(j)]]);
      bool known = !s.empty() || output(j).shape.empty();
      for (int32_t d : s) known = known && d >= 0;
      if (known) mutable_output(j).shape = s;
    }
    return Status();
  }

  // LiteRT's managed buffers and edgebench's own, of equal sizes.
  Status make_buffers() {
    release_buffers();
    EB_RETURN_IF_ERROR(allocate_host_buffers());
    for (size_t k = 0; k < in_tensors_.size(); ++k) in_buffers_.push_back(nullptr);
    for (size_t k = 0; k < out_tensors_.size(); ++k) out_buffers_.push_back(nullptr);
    for (int i = 0; i < num_inputs(); ++i) {
      const size_t k = in_index_[static_cast<size_t>(i)];
      EB_RETURN_IF_ERROR(make_buffer(k, true, input(i), &in_buffers_[k]));
      EB_RETURN_IF_ERROR(check_size(in_buffers_[k], input(i), "input", i));
    }
    for (int j = 0; j < num_outputs(); ++j) {
      const size_t k = out_index_[static_cast<size_t>(j)];
      EB_RETURN_IF_ERROR(make_buffer(k, false, output(j), &out_buffers_[k]));
      EB_RETURN_IF_ERROR(check_size(out_buffers_[k], output(j), "output", j));
    }
    return Status();
  }

  // From the compiled model's buffer requirements, as the wheel's CompiledModel does, when they hold
  // edgebench's tensor. An output LiteRT has no size for before it runs (its requirement is smaller:
  // 4 bytes for a shapeless detection output) gets a host buffer of edgebench's size instead, so the
  // operator has room to write and the copy out never reads past LiteRT's buffer.
  Status make_buffer(size_t k, bool is_input, const Tensor& t, LiteRtTensorBuffer* out) {
    LiteRtTensorBufferRequirements req = nullptr;  // owned by the compiled model
    EB_RETURN_IF_ERROR(check(is_input ? api_->GetInputBufferRequirements(compiled_, 0, k, &req)
                                      : api_->GetOutputBufferRequirements(compiled_, 0, k, &req),
                             "LiteRtGetCompiledModel*BufferRequirements"));
    size_t req_bytes = 0;
    EB_RETURN_IF_ERROR(check(api_->GetRequirementsBufferSize(req, &req_bytes), "LiteRtGetTensorBufferRequirementsBufferSize"));
    TensorTypeBox box;  // LiteRT's element type, edgebench's current shape
    EB_RETURN_IF_ERROR(check(api_->GetRankedTensorType(is_input ? in_tensors_[k] : out_tensors_[k], &box.type),
                             "LiteRtGetRankedTensorType"));
    if (t.shape.size() > static_cast<size_t>(kLiteRtTensorMaxRank))
      return error("engine 'litert': tensor '%s' has rank %zu, LiteRT's buffers take at most %d", t.name.c_str(),
                   t.shape.size(), kLiteRtTensorMaxRank);
    box.type.layout.rank = static_cast<unsigned>(t.shape.size()) & 0x7f;
    box.type.layout.has_strides = false;
    for (size_t d = 0; d < t.shape.size(); ++d) box.type.layout.dimensions[d] = t.shape[d];
    if (req_bytes >= t.bytes())
      return check(api_->CreateManagedTensorBufferFromRequirements(env_, &box.type, req, out),
                   "LiteRtCreateManagedTensorBufferFromRequirements");
    return check(api_->CreateManagedTensorBuffer(env_, kLiteRtTensorBufferTypeHostMemory, &box.type, t.bytes(), out),
                 "LiteRtCreateManagedTensorBuffer");
  }

  Status check_size(LiteRtTensorBuffer b, const Tensor& t, const char* kind, int index) const {
    size_t packed = 0;
    EB_RETURN_IF_ERROR(check(api_->GetTensorBufferPackedSize(b, &packed), "LiteRtGetTensorBufferPackedSize"));
    if (packed != t.bytes())
      return error("engine 'litert': %s %d '%s' %s is %zu bytes for edgebench and %zu for LiteRT", kind, index,
                   t.name.c_str(), shape_str(t.shape).c_str(), t.bytes(), packed);
    return Status();
  }

  void release_buffers() {
    for (LiteRtTensorBuffer b : in_buffers_)
      if (b) api_->DestroyTensorBuffer(b);
    for (LiteRtTensorBuffer b : out_buffers_)
      if (b) api_->DestroyTensorBuffer(b);
    in_buffers_.clear();
    out_buffers_.clear();
  }

  LiteRtEnvironment env_ = nullptr;
  LiteRtModel lrt_model_ = nullptr;
  LiteRtSignature signature_ = nullptr;  // owned by lrt_model_
  LiteRtOptions options_handle_ = nullptr;
  LiteRtCompiledModel compiled_ = nullptr;
  std::vector<LiteRtTensor> in_tensors_, out_tensors_;  // signature order; owned by lrt_model_
  std::vector<size_t> in_index_, out_index_;            // edgebench index -> signature index
  std::vector<LiteRtTensorBuffer> in_buffers_, out_buffers_;  // signature order, as LiteRtRunCompiledModel takes them
};

}  // namespace
}  // namespace litert_c

Result<std::unique_ptr<Engine>> create_litert_engine(std::unique_ptr<Model> model, const EngineOptions& options) {
  if (!model) return error("no model");
  EB_RETURN_IF_ERROR(litert_c::check_library_options(options));
  EB_ASSIGN_OR_RETURN(const litert_c::Api* api, litert_c::load_api());
  if (api->kind == litert_c::Api::Kind::kTfLiteC) return litert_c::create_tflite_c_engine(api, std::move(model), options);
  auto e = std::make_unique<litert_c::LiteRtEngine>(api, std::move(model), options);
  EB_RETURN_IF_ERROR(e->build());
  return std::unique_ptr<Engine>(std::move(e));
}

}  // namespace eb
