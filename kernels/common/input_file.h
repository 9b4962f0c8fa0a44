// The one way edgebench reads a whole input file -- a labels CSV, a label-names file, a configuration, an
// image, a .npy array: opened without blocking (a FIFO, a terminal or a device named as a file must not
// hang the command), checked to be a regular file, its size checked against `max_bytes` before a byte is
// read (a 2 GB or sparse file is refused, not allocated), then read whole. Errors are one line starting
// with `what` and the path ("labels CSV /x/l.csv: is a FIFO, not a regular file"). Models have their own
// reader (kernels/model/model.cc) with the same checks, reading into their page-aligned buffer.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "kernels/common/status.h"

namespace eb {

Result<std::vector<unsigned char>> read_input_file(const std::string& path, size_t max_bytes, const std::string& what);

// Opens `path` for reading as an input file: non-blocking open, then a regular file or an error naming
// `what`, the path and what it is instead (directory, FIFO, socket, device). Returns the descriptor
// (O_CLOEXEC; blocking mode restored) and, in *size, the file's size.
Result<int> open_input_file(const std::string& path, const std::string& what, size_t* size);

}  // namespace eb
