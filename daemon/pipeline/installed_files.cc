#include "daemon/pipeline/installed_files.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace eb {

Result<std::string> find_installed_file(const char* name, const char* env_var) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv(env_var); env && *env) {
    if (!fs::is_regular_file(env, ec)) return error("%s=%s: no such file", env_var, env);
    return std::string(env);
  }
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (ec) return error("cannot find %s: /proc/self/exe: %s", name, ec.message().c_str());
  const fs::path dir = self.parent_path();
  const fs::path candidates[] = {dir / name, dir.parent_path() / "lib" / "edgebench" / name};
  for (const fs::path& p : candidates)
    if (fs::is_regular_file(p, ec)) return p.string();
  return error("cannot find %s (looked for %s and %s); reinstall edgebench or set %s", name, candidates[0].c_str(),
               candidates[1].c_str(), env_var);
}

}  // namespace eb
