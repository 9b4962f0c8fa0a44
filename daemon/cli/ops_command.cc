// edgebench ops [--format table|markdown|json]: the operators this build runs and their types, read
// from the one operator list (kernels/ops/op_list.inc). README's operator table is this command's
// markdown output (scripts/update-readme-ops.sh), so the two cannot drift apart.
#include <cstdio>
#include <string>

#include "daemon/cli/args.h"
#include "daemon/cli/commands.h"
#include "daemon/cli/json_writer.h"
#include "kernels/engine/registry.h"

namespace eb::cli {
namespace {

Status ops(const Args& args) {
  if (!args.positional.empty()) return error("ops takes no arguments (got '%s')", args.positional[0].c_str());
  const std::string format = args.get("--format", "table");
  const auto& list = supported_ops();
  if (format == "json") {
    std::string out = "[";
    for (size_t i = 0; i < list.size(); ++i) {
      const OpInfo& op = list[i];
      out += strfmt("%s\n  {\"name\": %s, \"code\": %d, \"custom\": %s, \"types\": %s}", i ? "," : "",
                    json_string(op.name).c_str(), op.code, op.custom ? "true" : "false", json_string(op.types).c_str());
    }
    std::printf("%s\n]\n", out.c_str());
  } else if (format == "markdown") {
    std::printf("| operator | builtin code | types |\n|---|---|---|\n");
    for (const OpInfo& op : list)
      std::printf("| `%s` | %s | %s |\n", op.name.c_str(), op.custom ? "custom" : std::to_string(op.code).c_str(), op.types.c_str());
  } else if (format == "table") {
    for (const OpInfo& op : list)
      std::printf("%-32s %-6s %s\n", op.name.c_str(), op.custom ? "custom" : std::to_string(op.code).c_str(), op.types.c_str());
    std::printf("%zu operators\n", list.size());
  } else {
    return error("--format '%s': expected table, markdown or json", format.c_str());
  }
  return Status();
}

}  // namespace

int run_ops(const std::vector<std::string>& argv) {
  auto args = parse_args(argv, {"--format"}, {});
  if (!args.ok()) {
    print_error(args.status().message());
    return kExitUsage;
  }
  Status s = ops(args.value());
  if (!s.ok()) {
    print_error(s.message());
    return kExitUsage;
  }
  return kExitOk;
}

}  // namespace eb::cli
