#include "daemon/pipeline/installed_files.h"

#include <dlfcn.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>

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

Result<void*> load_module_entry(const char* name, const char* env_var, const char* entry_symbol, const std::string& what,
                                const std::string& needed_for) {
  static std::mutex mu;
  static std::map<std::string, Result<void*>> loaded;
  std::lock_guard<std::mutex> lock(mu);
  if (auto it = loaded.find(name); it != loaded.end()) return it->second;
  auto load = [&]() -> Result<void*> {
    auto path = find_installed_file(name, env_var);
    if (!path.ok()) return path.status().with_context(needed_for + " needs " + what + ": ");
    void* handle = dlopen(path->c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle) return error("cannot load %s %s: %s", what.c_str(), path->c_str(), dlerror());
    void* entry = dlsym(handle, entry_symbol);
    if (!entry) return error("%s is not %s of this edgebench (no %s)", path->c_str(), what.c_str(), entry_symbol);
    return entry;
  };
  return loaded.emplace(name, load()).first->second;
}

}  // namespace eb
