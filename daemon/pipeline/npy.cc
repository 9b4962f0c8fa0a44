#include "daemon/pipeline/npy.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

#include "kernels/common/checked_math.h"
#include "kernels/common/input_file.h"

namespace eb {
namespace {

struct DescrEntry {
  const char* descr;
  DType dtype;
};
// '<' little-endian, '|' not applicable (one byte); '=' native is little-endian on every target we build.
constexpr DescrEntry kDescrs[] = {
    {"<f4", DType::kFloat32}, {"=f4", DType::kFloat32}, {"<f2", DType::kFloat16}, {"=f2", DType::kFloat16},
    {"<i4", DType::kInt32},   {"=i4", DType::kInt32},   {"<i8", DType::kInt64},   {"=i8", DType::kInt64},
    {"<i2", DType::kInt16},   {"=i2", DType::kInt16},   {"|i1", DType::kInt8},    {"|u1", DType::kUInt8},
    {"|b1", DType::kBool},
};

const char* descr_of(DType t) {
  switch (t) {
    case DType::kFloat32: return "<f4";
    case DType::kFloat16: return "<f2";
    case DType::kInt32: return "<i4";
    case DType::kInt64: return "<i8";
    case DType::kInt16: return "<i2";
    case DType::kInt8: return "|i1";
    case DType::kUInt8: return "|u1";
    case DType::kBool: return "|b1";
    default: return "?";
  }
}

// Finds the value text after 'key': in a Python dict literal header.
bool find_value(const std::string& header, const std::string& key, size_t& pos) {
  size_t k = header.find("'" + key + "'");
  if (k == std::string::npos) return false;
  k = header.find(':', k);
  if (k == std::string::npos) return false;
  pos = k + 1;
  while (pos < header.size() && header[pos] == ' ') ++pos;
  return pos < header.size();
}

}  // namespace

Result<NpyArray> parse_npy(const uint8_t* bytes, size_t size, const std::string& name) {
  auto fail = [&](const std::string& what) { return Status::error(name + ": not a valid .npy file: " + what); };
  if (size < 10 || std::memcmp(bytes, "\x93NUMPY", 6) != 0) return fail("missing \\x93NUMPY magic");
  const uint8_t major = bytes[6];
  size_t header_len, header_start;
  if (major == 1) {
    header_len = static_cast<size_t>(bytes[8]) | (static_cast<size_t>(bytes[9]) << 8);
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) return fail("truncated header");
    header_len = static_cast<size_t>(bytes[8]) | (static_cast<size_t>(bytes[9]) << 8) |
                 (static_cast<size_t>(bytes[10]) << 16) | (static_cast<size_t>(bytes[11]) << 24);
    header_start = 12;
  } else {
    return fail("unsupported format version " + std::to_string(major));
  }
  if (header_len > size - header_start) return fail("header runs past the end of the file");
  const std::string header(reinterpret_cast<const char*>(bytes + header_start), header_len);

  NpyArray a;
  size_t p;
  if (!find_value(header, "descr", p) || header[p] != '\'') return fail("no 'descr' in header");
  const size_t e = header.find('\'', p + 1);
  if (e == std::string::npos) return fail("unterminated 'descr'");
  const std::string descr = header.substr(p + 1, e - p - 1);
  for (const auto& d : kDescrs)
    if (descr == d.descr) a.dtype = d.dtype;
  if (a.dtype == DType::kUnsupported) return fail("unsupported dtype '" + descr + "' (big-endian or not a number type)");
  if (!find_value(header, "fortran_order", p)) return fail("no 'fortran_order' in header");
  if (header.compare(p, 4, "True") == 0) return fail("Fortran-ordered arrays are not supported; save with np.ascontiguousarray");
  if (!find_value(header, "shape", p) || header[p] != '(') return fail("no 'shape' tuple in header");
  const size_t close = header.find(')', p);
  if (close == std::string::npos) return fail("unterminated 'shape'");
  std::string dims = header.substr(p + 1, close - p - 1);
  size_t i = 0;
  while (i < dims.size()) {
    while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) ++i;
    if (i >= dims.size()) break;
    if (dims[i] < '0' || dims[i] > '9') return fail("bad shape '" + dims + "'");
    int64_t v = 0;
    while (i < dims.size() && dims[i] >= '0' && dims[i] <= '9') {
      v = v * 10 + (dims[i] - '0');
      if (v > INT32_MAX) return fail("dimension too large in shape '" + dims + "'");
      ++i;
    }
    a.shape.push_back(static_cast<int32_t>(v));
    if (a.shape.size() > 16) return fail("too many dimensions");
  }
  auto elems = checked_elements(a.shape, size_t{1} << 34);
  if (!elems) return fail("shape overflows");
  auto nbytes = checked_mul(*elems, dtype_size(a.dtype));
  const size_t data_start = header_start + header_len;
  if (!nbytes || *nbytes != size - data_start)
    return fail(strfmt("data is %zu bytes, shape %s of %s needs %zu", size - data_start, shape_str(a.shape).c_str(),
                       dtype_name(a.dtype), nbytes ? *nbytes : 0));
  a.data.assign(bytes + data_start, bytes + size);
  return a;
}

// An input array larger than this is refused before it is read (the largest model input is far smaller).
constexpr size_t kMaxNpyFileBytes = size_t{1} << 30;

Result<NpyArray> read_npy(const std::string& path) {
  EB_ASSIGN_OR_RETURN(const std::vector<unsigned char> bytes, read_input_file(path, kMaxNpyFileBytes, "array"));
  return parse_npy(bytes.data(), bytes.size(), path);
}

std::vector<uint8_t> encode_npy(DType dtype, const Shape& shape, const uint8_t* data, size_t bytes) {
  std::string dims;
  for (size_t i = 0; i < shape.size(); ++i) dims += (i ? ", " : "") + std::to_string(shape[i]);
  if (shape.size() == 1) dims += ",";  // Python's one-element tuple
  std::string header = std::string("{'descr': '") + descr_of(dtype) + "', 'fortran_order': False, 'shape': (" + dims + "), }";
  const size_t unpadded = 10 + header.size() + 1;  // magic+version+len, header, newline
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::vector<uint8_t> out = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0};
  out.push_back(static_cast<uint8_t>(header.size() & 0xff));
  out.push_back(static_cast<uint8_t>(header.size() >> 8));
  out.insert(out.end(), header.begin(), header.end());
  out.insert(out.end(), data, data + bytes);
  return out;
}

Status write_npy(const std::string& path, DType dtype, const Shape& shape, const uint8_t* data, size_t bytes) {
  const std::vector<uint8_t> buf = encode_npy(dtype, shape, data, bytes);
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (!f) return Status::error("cannot create '" + tmp + "': " + std::strerror(errno));
  const bool ok = std::fwrite(buf.data(), 1, buf.size(), f) == buf.size();
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    return Status::error("cannot write '" + path + "' (disk full?)");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Status::error("cannot rename '" + tmp + "' to '" + path + "': " + std::strerror(errno));
  }
  return Status();
}

}  // namespace eb
