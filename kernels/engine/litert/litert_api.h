// The few C entry points `--engine litert` uses from a LiteRT / TensorFlow Lite shared library, declared
// here and resolved with dlopen/dlsym when an engine is created: edgebench has no build-time dependency
// on LiteRT, and a machine without it only loses this engine (one clear error line).
//
// Two C APIs, chosen by what the loaded library exports:
//  - LiteRT 2.x's CompiledModel API (libLiteRt.so, shipped in pip's ai-edge-litert wheel);
//  - the classic TfLite C API (libtensorflowlite_c.so: TfLiteInterpreterCreate ...).
// Types and enum values are those of the official headers (litert/c/litert_common.h, litert_layout.h,
// litert_tensor_buffer.h ...; tensorflow/lite/core/c/c_api.h), written out so nothing is included.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "kernels/common/status.h"

namespace eb::litert_c {

// ---- LiteRT 2.x (litert/c/) ----
// Opaque handles (LITERT_DEFINE_HANDLE).
typedef struct LiteRtEnvironmentT* LiteRtEnvironment;
typedef struct LiteRtModelT* LiteRtModel;
typedef struct LiteRtSignatureT* LiteRtSignature;
typedef struct LiteRtTensorT* LiteRtTensor;
typedef struct LiteRtOptionsT* LiteRtOptions;
typedef struct LiteRtOpaqueOptionsT* LiteRtOpaqueOptions;
typedef struct LiteRtCompiledModelT* LiteRtCompiledModel;
typedef struct LiteRtTensorBufferT* LiteRtTensorBuffer;
typedef struct LiteRtTensorBufferRequirementsT* LiteRtTensorBufferRequirements;
typedef int LiteRtStatus;       // kLiteRtStatusOk = 0, errors as in litert_common.h (status_name())
typedef size_t LiteRtParamIndex;

constexpr LiteRtStatus kLiteRtStatusOk = 0;
constexpr int kLiteRtHwAcceleratorCpu = 1 << 0;       // LiteRtHwAccelerators
constexpr int kLiteRtTensorBufferTypeHostMemory = 1;  // LiteRtTensorBufferType
constexpr int kLiteRtTensorBufferLockModeRead = 0;    // LiteRtTensorBufferLockMode
constexpr int kLiteRtTensorBufferLockModeWrite = 1;
constexpr int kLiteRtTensorMaxRank = 8;               // LITERT_TENSOR_MAX_RANK

// Environment options (litert_environment_options.h, litert_any.h).
constexpr int kLiteRtEnvOptionTagAutoRegisterAccelerators = 24;  // bitmask of LiteRtHwAccelerators
constexpr int kLiteRtEnvOptionTagMinLoggerSeverity = 25;         // verbose 0, info 1, warning 2, error 3
constexpr int kLiteRtAnyTypeInt = 2;
struct LiteRtAny {
  int type;
  union {
    bool bool_value;
    int64_t int_value;
    double real_value;
    const char* str_value;
    const void* ptr_value;
  };
};
struct LiteRtEnvOption {
  int tag;
  LiteRtAny value;
};

struct LiteRtLayout {
  unsigned int rank : 7;
  bool has_strides : 1;
  int32_t dimensions[kLiteRtTensorMaxRank];
  uint32_t strides[kLiteRtTensorMaxRank];
};
struct LiteRtRankedTensorType {
  int element_type;  // LiteRtElementType (TfLiteType's values)
  LiteRtLayout layout;
};

// ---- classic TfLite C API (tensorflow/lite/core/c/c_api.h) ----
typedef struct TfLiteModel TfLiteModel;
typedef struct TfLiteInterpreterOptions TfLiteInterpreterOptions;
typedef struct TfLiteInterpreter TfLiteInterpreter;
typedef struct TfLiteTensor TfLiteTensor;
typedef int TfLiteStatus;  // kTfLiteOk = 0

struct Api {
  enum class Kind { kCompiledModel, kTfLiteC };
  Kind kind = Kind::kCompiledModel;
  std::string path;     // the file really loaded (dladdr), for messages
  std::string version;  // "2.3.0" when known, else ""

  // LiteRT 2.x CompiledModel API.
  LiteRtStatus (*CreateEnvironment)(int, const LiteRtEnvOption*, LiteRtEnvironment*) = nullptr;
  void (*DestroyEnvironment)(LiteRtEnvironment) = nullptr;
  LiteRtStatus (*CreateModelFromBuffer)(LiteRtEnvironment, const void*, size_t, LiteRtModel*) = nullptr;
  void (*DestroyModel)(LiteRtModel) = nullptr;
  LiteRtStatus (*GetNumModelSignatures)(LiteRtModel, LiteRtParamIndex*) = nullptr;
  LiteRtStatus (*GetModelSignature)(LiteRtModel, LiteRtParamIndex, LiteRtSignature*) = nullptr;
  LiteRtStatus (*GetNumSignatureInputs)(LiteRtSignature, LiteRtParamIndex*) = nullptr;
  LiteRtStatus (*GetNumSignatureOutputs)(LiteRtSignature, LiteRtParamIndex*) = nullptr;
  LiteRtStatus (*GetSignatureInputTensorByIndex)(LiteRtSignature, LiteRtParamIndex, LiteRtTensor*) = nullptr;
  LiteRtStatus (*GetSignatureOutputTensorByIndex)(LiteRtSignature, LiteRtParamIndex, LiteRtTensor*) = nullptr;
  LiteRtStatus (*GetTensorName)(LiteRtTensor, const char**) = nullptr;
  LiteRtStatus (*GetRankedTensorType)(LiteRtTensor, LiteRtRankedTensorType*) = nullptr;
  LiteRtStatus (*CreateOptions)(LiteRtOptions*) = nullptr;
  void (*DestroyOptions)(LiteRtOptions) = nullptr;
  LiteRtStatus (*SetOptionsHardwareAccelerators)(LiteRtOptions, int) = nullptr;
  LiteRtStatus (*CreateOpaqueOptions)(const char*, void*, void (*)(void*), LiteRtOpaqueOptions*) = nullptr;
  void (*DestroyOpaqueOptions)(LiteRtOpaqueOptions) = nullptr;
  LiteRtStatus (*AddOpaqueOptions)(LiteRtOptions, LiteRtOpaqueOptions) = nullptr;
  LiteRtStatus (*CreateCompiledModel)(LiteRtEnvironment, LiteRtModel, LiteRtOptions, LiteRtCompiledModel*) = nullptr;
  void (*DestroyCompiledModel)(LiteRtCompiledModel) = nullptr;
  LiteRtStatus (*GetInputBufferRequirements)(LiteRtCompiledModel, LiteRtParamIndex, LiteRtParamIndex,
                                             LiteRtTensorBufferRequirements*) = nullptr;
  LiteRtStatus (*GetOutputBufferRequirements)(LiteRtCompiledModel, LiteRtParamIndex, LiteRtParamIndex,
                                              LiteRtTensorBufferRequirements*) = nullptr;
  LiteRtStatus (*CreateManagedTensorBufferFromRequirements)(LiteRtEnvironment, const LiteRtRankedTensorType*,
                                                            LiteRtTensorBufferRequirements, LiteRtTensorBuffer*) = nullptr;
  LiteRtStatus (*GetRequirementsBufferSize)(LiteRtTensorBufferRequirements, size_t*) = nullptr;
  LiteRtStatus (*CreateManagedTensorBuffer)(LiteRtEnvironment, int, const LiteRtRankedTensorType*, size_t,
                                            LiteRtTensorBuffer*) = nullptr;
  LiteRtStatus (*GetTensorBufferPackedSize)(LiteRtTensorBuffer, size_t*) = nullptr;
  LiteRtStatus (*LockTensorBuffer)(LiteRtTensorBuffer, void**, int) = nullptr;
  LiteRtStatus (*UnlockTensorBuffer)(LiteRtTensorBuffer) = nullptr;
  void (*DestroyTensorBuffer)(LiteRtTensorBuffer) = nullptr;
  LiteRtStatus (*RunCompiledModel)(LiteRtCompiledModel, LiteRtParamIndex, size_t, LiteRtTensorBuffer*, size_t,
                                   LiteRtTensorBuffer*) = nullptr;
  // Optional (newer 2.x): shapes after compilation, and resizing an input. Null when not exported.
  LiteRtStatus (*GetInputTensorLayout)(LiteRtCompiledModel, LiteRtParamIndex, LiteRtParamIndex, LiteRtLayout*) = nullptr;
  LiteRtStatus (*GetOutputTensorLayouts)(LiteRtCompiledModel, LiteRtParamIndex, size_t, LiteRtLayout*, bool) = nullptr;
  LiteRtStatus (*ResizeInputTensorNonStrict)(LiteRtCompiledModel, LiteRtParamIndex, LiteRtParamIndex, const int*,
                                             size_t) = nullptr;

  // Classic TfLite C API.
  const char* (*TfLiteVersion)() = nullptr;
  TfLiteModel* (*TfLiteModelCreate)(const void*, size_t) = nullptr;
  void (*TfLiteModelDelete)(TfLiteModel*) = nullptr;
  TfLiteInterpreterOptions* (*TfLiteInterpreterOptionsCreate)() = nullptr;
  void (*TfLiteInterpreterOptionsDelete)(TfLiteInterpreterOptions*) = nullptr;
  void (*TfLiteInterpreterOptionsSetNumThreads)(TfLiteInterpreterOptions*, int32_t) = nullptr;
  TfLiteInterpreter* (*TfLiteInterpreterCreate)(const TfLiteModel*, const TfLiteInterpreterOptions*) = nullptr;
  void (*TfLiteInterpreterDelete)(TfLiteInterpreter*) = nullptr;
  int32_t (*TfLiteInterpreterGetInputTensorCount)(const TfLiteInterpreter*) = nullptr;
  int32_t (*TfLiteInterpreterGetOutputTensorCount)(const TfLiteInterpreter*) = nullptr;
  TfLiteTensor* (*TfLiteInterpreterGetInputTensor)(const TfLiteInterpreter*, int32_t) = nullptr;
  const TfLiteTensor* (*TfLiteInterpreterGetOutputTensor)(const TfLiteInterpreter*, int32_t) = nullptr;
  TfLiteStatus (*TfLiteInterpreterResizeInputTensor)(TfLiteInterpreter*, int32_t, const int*, int32_t) = nullptr;
  TfLiteStatus (*TfLiteInterpreterAllocateTensors)(TfLiteInterpreter*) = nullptr;
  TfLiteStatus (*TfLiteInterpreterInvoke)(TfLiteInterpreter*) = nullptr;
  void* (*TfLiteTensorData)(const TfLiteTensor*) = nullptr;
  size_t (*TfLiteTensorByteSize)(const TfLiteTensor*) = nullptr;
  int32_t (*TfLiteTensorNumDims)(const TfLiteTensor*) = nullptr;
  int32_t (*TfLiteTensorDim)(const TfLiteTensor*, int32_t) = nullptr;
  const char* (*TfLiteTensorName)(const TfLiteTensor*) = nullptr;
};

// The library of EDGEBENCH_LITERT_LIB if set, else libLiteRt.so, else libtensorflowlite_c.so (the normal
// dlopen search). Loaded once per process (per library named) and never closed (the runtime keeps process-wide state such
// as registered accelerators); a failed load is retried on the next call. The error is one line that
// names the library and EDGEBENCH_LITERT_LIB.
Result<const Api*> load_api();

// "kLiteRtStatusErrorRuntimeFailure (3)".
std::string status_name(LiteRtStatus s);

}  // namespace eb::litert_c
