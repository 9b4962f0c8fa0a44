// The files edgebench runs or loads beside its own binary: the measuring worker (edgebench-worker), the
// image module (edgebench-images.so) and the Keras module (edgebench-keras.so). One rule for finding them, so the build tree, a source install
// and the package behave alike.
#pragma once

#include <string>

#include "kernels/common/status.h"

namespace eb {

// $`env_var` when set (tests, development: it must name an existing file); else `name` next to the
// running executable (the build tree: daemon/); else <prefix>/lib/edgebench/`name` beside <prefix>/bin
// (the package, install.sh). Errors say what was looked for and where.
Result<std::string> find_installed_file(const char* name, const char* env_var);

// A module found as above, loaded once per process and never unloaded (what it made may live until the
// process ends): the address of its `entry_symbol`. `what` names it in errors ("the image module") and
// `needed_for` says why it was wanted ("reading images"). A failure is remembered: asked again, the same
// error, without another search. The caller calls the entry and checks the module's build id.
Result<void*> load_module_entry(const char* name, const char* env_var, const char* entry_symbol, const std::string& what,
                                const std::string& needed_for);

}  // namespace eb
