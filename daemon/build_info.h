// The version and git hash compiled in: CMake gives them to the targets that report or check them
// (EDGEBENCH_VERSION, EDGEBENCH_GIT_HASH); "unknown" where a target was not given them.
#pragma once

#ifndef EDGEBENCH_VERSION
#define EDGEBENCH_VERSION "unknown"
#endif
#ifndef EDGEBENCH_GIT_HASH
#define EDGEBENCH_GIT_HASH "unknown"
#endif
