// edgebench quantize MODEL [--to float16,dynamic,int8] [--images DIR | --camera SPEC] [--calibration N]
//                          [--calibration-engine auto|ref] [--threads N] [--input-range LO,HI]
//                          [--io float|int8|uint8] [--per-tensor] [--out DIR]
// Writes the quantized variants of a float32 model (kernels/quantize/quantize.h), one .tflite per kind,
// named after the input (fmnist-cnn-float32.tflite -> fmnist-cnn-int8.tflite), and prints their sizes.
// int8 calibrates on the first N images of DIR (or N frames of a camera), read and preprocessed exactly
// as `run` feeds a model.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/pipeline/image_module.h"
#include "kernels/common/input_file.h"
#include "kernels/model/model.h"
#include "kernels/quantize/calibrate.h"
#include "kernels/quantize/quantize.h"

namespace eb::cli {
namespace {

// Through the one input-file reader: a FIFO or a device named as the model fails at once, never blocks.
Result<std::vector<uint8_t>> read_model(const std::string& path) {
  EB_ASSIGN_OR_RETURN(std::vector<unsigned char> bytes, read_input_file(path, LoadLimits{}.max_file_bytes, "model"));
  return std::vector<uint8_t>(bytes.begin(), bytes.end());
}

Status write_file(const std::string& path, const std::vector<uint8_t>& bytes) {
  // Written beside and renamed over: a reader (the daemon's watched folder) never sees half a model.
  const std::string tmp = path + ".part";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return error("cannot write '%s'", tmp.c_str());
    out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::remove(tmp.c_str());
      return error("cannot write '%s' (disk full?)", tmp.c_str());
    }
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return error("cannot rename '%s' to '%s'", tmp.c_str(), path.c_str());
  }
  return Status();
}

// "dir/fmnist-cnn-float32.tflite", "int8" -> "<out>/fmnist-cnn-int8.tflite".
std::string variant_path(const std::string& model, const std::string& out_dir, const std::string& kind) {
  const size_t slash = model.rfind('/');
  const std::string dir = out_dir.empty() ? (slash == std::string::npos ? "." : model.substr(0, slash)) : out_dir;
  std::string base = slash == std::string::npos ? model : model.substr(slash + 1);
  if (base.size() > 7 && base.substr(base.size() - 7) == ".tflite") base.resize(base.size() - 7);
  for (const char* suffix : {"-float32", "_float32"})
    if (base.size() > 8 && base.substr(base.size() - 8) == suffix) base.resize(base.size() - 8);
  return dir + "/" + base + "-" + kind + ".tflite";
}

Result<std::vector<std::string>> parse_kinds(const std::string& text) {
  std::vector<std::string> kinds;
  size_t start = 0;
  while (start <= text.size()) {
    const size_t comma = text.find(',', start);
    const std::string k = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (k != "float16" && k != "dynamic" && k != "int8")
      return error("--to '%s': expected a list of float16, dynamic, int8", text.c_str());
    kinds.push_back(k);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return kinds;
}

Result<std::pair<float, float>> parse_input_range(const std::string& text) {
  float lo = 0, hi = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%f,%f%c", &lo, &hi, &extra) != 2 || !std::isfinite(lo) || !std::isfinite(hi) || !(lo < hi))
    return error("--input-range '%s': expected LO,HI with LO < HI (e.g. 0,1 or -1,1)", text.c_str());
  return std::make_pair(lo, hi);
}

// Runs the float model over the first `limit` images and returns every tensor's range.
// `images` is an image folder, or with `camera` a capture spec (a V4L2 camera, a video file or stream).
Result<std::vector<TensorRange>> calibrate(const std::vector<uint8_t>& model, const std::string& images, bool camera, int limit,
                                           std::pair<float, float> range, const std::string& engine_name, int threads) {
  EB_ASSIGN_OR_RETURN(Calibrator calibrator, Calibrator::create(model, engine_name, threads));
  Engine& engine = calibrator.engine();
  if (engine.num_inputs() != 1)
    return error("calibration feeds one image input; the model has %d inputs", engine.num_inputs());
  EB_ASSIGN_OR_RETURN(const ImageModuleApi* module, image_module());
  std::unique_ptr<ImageSource> source;
  if (camera) {
    CaptureOptions capture;
    capture.max_frames = limit;
    EB_ASSIGN_OR_RETURN(source, module->open_capture(images, capture));
  } else {
    ImageDirOptions dir_options;
    dir_options.limit = limit;
    EB_ASSIGN_OR_RETURN(source, module->open_image_dir(images, dir_options));
  }
  EB_ASSIGN_OR_RETURN(auto pre, module->preprocessor(engine.input(0), range_options(range.first, range.second)));
  int failed = 0;
  for (SourceItem item = source->next(); !item.is_end(); item = source->next()) {
    if (item.is_error()) {
      if (item.fatal) return item.error;
      std::fprintf(stderr, "edgebench: skipping %s\n", item.error.message().c_str());
      ++failed;
      continue;
    }
    EB_RETURN_IF_ERROR(pre->run(*item.frame.image, engine.input_data(0), pre->bytes()).with_context(item.frame.id + ": "));
    EB_RETURN_IF_ERROR(calibrator.add());
  }
  if (calibrator.samples() == 0) return error("no calibration image could be read from '%s'", images.c_str());
  std::printf("calibrated on %d images from %s (engine %s)%s\n", calibrator.samples(), images.c_str(), engine_name.c_str(),
              failed ? strfmt(" (%d unreadable, skipped)", failed).c_str() : "");
  return calibrator.ranges();
}

Status quantize(const Args& args) {
  if (args.positional.size() != 1) return error("quantize takes exactly one MODEL argument (got %zu)", args.positional.size());
  const std::string& path = args.positional[0];
  EB_ASSIGN_OR_RETURN(const std::vector<std::string> kinds, parse_kinds(args.get("--to", "float16,dynamic,int8")));
  EB_ASSIGN_OR_RETURN(const int calibration, parse_int("--calibration", args.get("--calibration", "100"), 1, 1000000));
  EB_ASSIGN_OR_RETURN(const auto range, parse_input_range(args.get("--input-range", "0,1")));
  const std::string engine = args.get("--calibration-engine", "auto");
  if (engine != "ref" && engine != "auto") return error("--calibration-engine '%s': expected ref or auto", engine.c_str());
  EB_ASSIGN_OR_RETURN(const int threads, parse_int("--threads", args.get("--threads", "1"), 1, 256));
  const std::string io = args.get("--io", "float");
  FullIntegerOptions int8_options;
  if (io == "float") int8_options.io = DType::kFloat32;
  else if (io == "int8") int8_options.io = DType::kInt8;
  else if (io == "uint8") int8_options.io = DType::kUInt8;
  else return error("--io '%s': expected float, int8 or uint8", io.c_str());
  int8_options.per_tensor = args.has("--per-tensor");
  DynamicRangeOptions dynamic_options;
  dynamic_options.per_tensor = int8_options.per_tensor;
  const std::string out_dir = args.get("--out");
  if (!out_dir.empty()) {
    struct stat st {};
    if (stat(out_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return error("--out '%s' is not a directory", out_dir.c_str());
  }
  const bool wants_int8 = std::find(kinds.begin(), kinds.end(), std::string("int8")) != kinds.end();
  if (wants_int8 && args.has("--images") == args.has("--camera"))
    return error("int8 needs calibration images: --images DIR or --camera SPEC, one of them (or leave int8 out of --to)");
  const bool camera = args.has("--camera");
  const std::string source = camera ? args.get("--camera") : args.get("--images");

  EB_ASSIGN_OR_RETURN(const std::vector<uint8_t> model, read_model(path));
  for (const std::string& kind : kinds) {
    const std::string out = variant_path(path, out_dir, kind);
    QuantizeReport report;
    Result<std::vector<uint8_t>> bytes = std::vector<uint8_t>{};
    if (kind == "float16") {
      bytes = quantize_float16(model, &report);
    } else if (kind == "dynamic") {
      bytes = quantize_dynamic(model, dynamic_options, &report);
    } else {
      auto ranges = calibrate(model, source, camera, calibration, range, engine, threads);
      if (!ranges.ok()) return ranges.status().with_context("model '" + path + "': calibration: ");
      bytes = quantize_int8(model, ranges.value(), int8_options, &report);
    }
    if (!bytes.ok()) return bytes.status().with_context("model '" + path + "': " + kind + ": ");
    EB_RETURN_IF_ERROR(write_file(out, bytes.value()));
    std::printf("%-8s %s  %.1f kB (%.2f of float32)\n", kind.c_str(), out.c_str(), bytes.value().size() / 1000.0,
                static_cast<double>(bytes.value().size()) / static_cast<double>(model.size()));
    if (kind == "dynamic" && report.weights_left_float > 0)
      std::printf("         %d weight tensors below %lld elements left float32, as TFLite's converter does\n",
                  report.weights_left_float, static_cast<long long>(dynamic_options.min_elements));
    for (const std::string& node : report.float_nodes)
      std::printf("         %s has no int8 form here: left float32 between DEQUANTIZE and QUANTIZE\n", node.c_str());
  }
  return Status();
}

}  // namespace

int run_quantize(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--to", "--images", "--camera", "--calibration", "--calibration-engine", "--threads",
                                 "--input-range", "--io", "--out"}, {"--per-tensor"});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  Status s = quantize(args.value());
  if (!s.ok()) {
    print_error(s.message());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace eb::cli
