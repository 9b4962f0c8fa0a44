// `--engine litert`: the loaded model run by TensorFlow Lite / LiteRT itself, from the shared library a
// user deploys with (pip's ai-edge-litert wheel ships libLiteRt.so; a TFLite C build ships
// libtensorflowlite_c.so), loaded with dlopen when the engine is created (litert_api.h): beside
// edgebench's own kernels, through the same inspect/infer/bench/run pipeline and database.
//
// edgebench still loads and validates the model with its own reader: the Model gives the pipeline its
// input/output tensors, shapes, dtypes and quantization. LiteRT gets the same bytes, runs on its CPU
// accelerator with its default XNNPACK delegate on EngineOptions::threads threads, as a deployment does.
#pragma once

#include <memory>

#include "kernels/engine/engine.h"

namespace eb {

Result<std::unique_ptr<Engine>> create_litert_engine(std::unique_ptr<Model> model, const EngineOptions& options);

}  // namespace eb
