// CPU lists as Linux writes them ("2", "0-3", "0,2-3"): `--cpu LIST` / config `cpu_affinity` pin the
// measuring worker to them. One parser, used where the option enters and where the worker applies it.
#pragma once

#include <string>
#include <vector>

#include "kernels/common/status.h"

namespace eb {

// The CPUs of `list`, ascending and without repeats. Errors name the list and what is wrong in it
// (an empty item, a reversed range, a CPU number above 1023).
Result<std::vector<int>> parse_cpu_list(const std::string& list);

}  // namespace eb
