// The files edgebench runs or loads beside its own binary: the measuring worker (edgebench-worker) and
// the image module (edgebench-images.so). One rule for finding them, so the build tree, a source install
// and the package behave alike.
#pragma once

#include <string>

#include "kernels/common/status.h"

namespace eb {

// $`env_var` when set (tests, development: it must name an existing file); else `name` next to the
// running executable (the build tree: daemon/); else <prefix>/lib/edgebench/`name` beside <prefix>/bin
// (the package, install.sh). Errors say what was looked for and where.
Result<std::string> find_installed_file(const char* name, const char* env_var);

}  // namespace eb
