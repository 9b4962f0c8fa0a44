// edgebench infer MODEL --input IN.npy [--input ...] --output-dir DIR [--input-shape I:D0,...]
//                       [--engine NAME] [--threads N]
// One inference; writes DIR/output_<j>.npy per model output, in model order and dtype.
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/model_loading.h"
#include "daemon/pipeline/npy.h"

namespace eb::cli {
namespace {

Status make_dirs(const std::string& path) {
  std::string cur;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '/') {
      if (!cur.empty() && mkdir(cur.c_str(), 0755) != 0 && errno != EEXIST)
        return error("cannot create directory '%s': %s", cur.c_str(), std::strerror(errno));
    }
    if (i < path.size()) cur += path[i];
  }
  struct stat st {};
  if (stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return error("'%s' is not a directory", path.c_str());
  return Status();
}

// The command line, checked before any work (every error is a usage error).
Result<ModelCommandLine> parse_infer(const Args& args) {
  EB_ASSIGN_OR_RETURN(ModelCommandLine c, parse_model_command(args, "infer", "ref"));
  if (args.all("--input").empty()) return error("infer needs --input IN.npy (one per model input)");
  if (args.get("--output-dir").empty()) return error("infer needs --output-dir DIR");
  return c;
}

Status infer(const Args& args, const ModelCommandLine& c) {
  const auto& inputs = args.all("--input");
  const std::string out_dir = args.get("--output-dir");
  const EngineOptions& opts = c.engine;

  // The arrays are read first: a dynamic input takes its array's shape (unless --input-shape fixes it)
  // before the engine prepares the graph, as TFLite resizes inputs before it allocates.
  std::vector<NpyArray> arrays;
  std::vector<Shape> data_shapes;
  for (const std::string& path : inputs) {
    EB_ASSIGN_OR_RETURN(NpyArray a, read_npy(path));
    data_shapes.push_back(a.shape);
    arrays.push_back(std::move(a));
  }
  auto loaded = load_engine(c.model, opts, c.input_shapes, data_shapes);
  if (!loaded.ok()) return loaded.status();
  Engine& it = *loaded.value();
  if (static_cast<int>(inputs.size()) != it.num_inputs())
    return error("model '%s' has %d inputs, %zu --input files were given", args.positional[0].c_str(), it.num_inputs(), inputs.size());
  for (int i = 0; i < it.num_inputs(); ++i) {
    const NpyArray& a = arrays[static_cast<size_t>(i)];
    const Tensor& t = it.input(i);
    if (a.dtype != t.dtype)
      return error("input %d ('%s'): %s holds %s, the model wants %s", i, t.name.c_str(), inputs[static_cast<size_t>(i)].c_str(),
                   dtype_name(a.dtype), dtype_name(t.dtype));
    if (a.shape != t.shape)
      return error("input %d ('%s'): %s has shape %s, the model wants %s", i, t.name.c_str(), inputs[static_cast<size_t>(i)].c_str(),
                   shape_str(a.shape).c_str(), shape_str(t.shape).c_str());
  }
  for (int i = 0; i < it.num_inputs(); ++i)
    std::memcpy(it.input_data(i), arrays[static_cast<size_t>(i)].data.data(), arrays[static_cast<size_t>(i)].data.size());
  EB_RETURN_IF_ERROR(it.invoke());

  EB_RETURN_IF_ERROR(make_dirs(out_dir));
  // Write every output, and only keep them if all were written: no partial result set.
  std::vector<std::string> written;
  for (int j = 0; j < it.num_outputs(); ++j) {
    const Tensor& t = it.output(j);
    const std::string path = out_dir + "/output_" + std::to_string(j) + ".npy";
    Status s = write_npy(path, t.dtype, t.shape, it.output_data(j), t.bytes());
    if (!s.ok()) {
      for (const auto& w : written) std::remove(w.c_str());
      return s;
    }
    written.push_back(path);
  }
  return Status();
}

}  // namespace

int run_infer(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--input", "--output-dir", "--input-shape", "--engine", "--threads", "--isa"}, {});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  auto command = parse_infer(args.value());
  if (!command.ok()) {
    print_error(command.status().message());
    return kExitUsage;
  }
  Status s = infer(args.value(), command.value());
  if (!s.ok()) {
    print_error(s.message());
    return kExitError;
  }
  return kExitOk;
}

}  // namespace eb::cli
