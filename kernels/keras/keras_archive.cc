#include "kernels/keras/keras_archive.h"

#include <hdf5.h>
#include <zip.h>

#include <cstring>

namespace eb::keras {
namespace {

constexpr uint8_t kHdf5Magic[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

// Closes an HDF5 handle of any kind when it goes out of scope.
class Handle {
 public:
  explicit Handle(hid_t id = -1) : id_(id) {}
  ~Handle() {
    if (id_ >= 0) H5Idec_ref(id_);
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
};

// True when every component of `path` (a/b/c) exists below `loc`: H5Lexists fails, rather than
// answering no, when an intermediate group is missing.
bool path_exists(hid_t loc, const std::string& path) {
  if (path.empty()) return false;
  size_t pos = 0;
  while (true) {
    size_t slash = path.find('/', pos);
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && H5Lexists(loc, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) return true;
    pos = slash + 1;
  }
}

// A string attribute (scalar or 1-D, fixed-length or variable-length) as a list. An attribute that is an
// empty non-string array (h5py writes an empty weight_names list as float64[0]) is an empty list.
Result<std::vector<std::string>> read_strings(hid_t obj, const char* name, size_t max_items, size_t max_bytes) {
  if (H5Aexists(obj, name) <= 0) return error("no '%s' attribute", name);
  Handle attr(H5Aopen(obj, name, H5P_DEFAULT));
  if (!attr.ok()) return error("cannot open the '%s' attribute", name);
  Handle type(H5Aget_type(attr.get()));
  Handle space(H5Aget_space(attr.get()));
  if (!type.ok() || !space.ok()) return error("unreadable '%s' attribute", name);
  const hssize_t n = H5Sget_simple_extent_npoints(space.get());
  if (n < 0 || static_cast<size_t>(n) > max_items) return error("the '%s' attribute has %lld entries (limit %zu)", name, static_cast<long long>(n), max_items);
  std::vector<std::string> out;
  if (H5Tget_class(type.get()) != H5T_STRING) {
    if (n == 0) return out;
    return error("the '%s' attribute is not a string", name);
  }
  const size_t count = static_cast<size_t>(n);
  if (H5Tis_variable_str(type.get()) > 0) {
    std::vector<char*> ptrs(count, nullptr);
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    if (H5Aread(attr.get(), mem.get(), ptrs.data()) < 0) return error("cannot read the '%s' attribute", name);
    size_t total = 0;
    Status status;
    for (char* p : ptrs) {
      const size_t len = p ? strnlen(p, max_bytes + 1) : 0;
      total += len;
      if (total > max_bytes) {
        status = error("the '%s' attribute is over %zu bytes", name, max_bytes);
        break;
      }
      out.emplace_back(p ? p : "", len);
    }
    H5Dvlen_reclaim(mem.get(), space.get(), H5P_DEFAULT, ptrs.data());
    if (!status.ok()) return status;
    return out;
  }
  const size_t size = H5Tget_size(type.get());
  if (size == 0 || size > max_bytes || count > max_bytes / size)
    return error("the '%s' attribute is over %zu bytes", name, max_bytes);
  std::vector<char> buf(count * size);
  Handle mem(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem.get(), size);
  H5Tset_strpad(mem.get(), H5T_STR_NULLPAD);
  if (H5Aread(attr.get(), mem.get(), buf.data()) < 0) return error("cannot read the '%s' attribute", name);
  for (size_t i = 0; i < count; ++i) out.emplace_back(buf.data() + i * size, strnlen(buf.data() + i * size, size));
  return out;
}

Result<std::string> read_string(hid_t obj, const char* name, size_t max_bytes) {
  EB_ASSIGN_OR_RETURN(auto list, read_strings(obj, name, 1, max_bytes));
  if (list.size() != 1) return error("the '%s' attribute is not one string", name);
  return list[0];
}

// Reads a zip member whole, its declared size checked first.
Result<std::string> zip_member(zip_t* z, const char* name, size_t max_bytes) {
  const zip_int64_t index = zip_name_locate(z, name, 0);
  if (index < 0) return error("the .keras archive has no %s", name);
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(z, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    return error("cannot read %s in the .keras archive: %s", name, zip_strerror(z));
  if (st.size > max_bytes) return error("%s in the .keras archive is %llu bytes (limit %zu)", name, static_cast<unsigned long long>(st.size), max_bytes);
  zip_file_t* f = zip_fopen_index(z, static_cast<zip_uint64_t>(index), 0);
  if (!f) return error("cannot open %s in the .keras archive: %s", name, zip_strerror(z));
  std::string out(static_cast<size_t>(st.size), '\0');
  size_t got = 0;
  while (got < out.size()) {
    const zip_int64_t n = zip_fread(f, out.data() + got, out.size() - got);
    if (n <= 0) break;
    got += static_cast<size_t>(n);
  }
  const bool closed = zip_fclose(f) == 0;  // always: a short read must not leak the member's reader
  const bool failed = got != out.size() || !closed;
  if (failed) return error("%s in the .keras archive is truncated or corrupt (%zu of %zu bytes)", name, got, out.size());
  return out;
}

}  // namespace

size_t json_depth(const std::string& text) {
  size_t depth = 0, deepest = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

KerasArchive::~KerasArchive() {
  if (weights_root_ >= 0) H5Idec_ref(weights_root_);
  if (file_ >= 0) H5Fclose(file_);
}

Result<std::unique_ptr<KerasArchive>> KerasArchive::open(const uint8_t* data, size_t size, const KerasLimits& limits) {
  // HDF5 prints its error stack to stderr by default; errors here are one line of our own.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  std::unique_ptr<KerasArchive> a(new KerasArchive());
  a->limits_ = limits;
  if (size > limits.max_file_bytes) return error("%zu bytes, above the limit of %zu", size, limits.max_file_bytes);
  if (size >= 8 && std::memcmp(data, kHdf5Magic, 8) == 0) {
    EB_RETURN_IF_ERROR(a->open_h5_image(data, size));
    EB_RETURN_IF_ERROR(a->read_legacy_h5());
    return a;
  }
  if (size < 4 || std::memcmp(data, "PK\x03\x04", 4) != 0)
    return error("neither an HDF5 (.h5) nor a zip (.keras) file");
  a->zip_ = true;
  zip_error_t zerr;
  zip_error_init(&zerr);
  zip_source_t* src = zip_source_buffer_create(data, size, 0, &zerr);
  if (!src) return error("cannot read the .keras archive: %s", zip_error_strerror(&zerr));
  zip_t* z = zip_open_from_source(src, ZIP_RDONLY, &zerr);
  if (!z) {
    zip_source_free(src);
    Status s = error("not a readable .keras archive: %s", zip_error_strerror(&zerr));
    zip_error_fini(&zerr);
    return s;
  }
  auto config = zip_member(z, "config.json", limits.max_config_bytes);
  auto metadata = zip_member(z, "metadata.json", 1 << 20);
  auto weights = config.ok() ? zip_member(z, "model.weights.h5", limits.max_file_bytes) : Result<std::string>(config.status());
  zip_discard(z);
  if (!config.ok()) return config.status();
  if (!weights.ok()) return weights.status();
  a->config_ = std::move(config.value());
  if (metadata.ok()) {
    // {"keras_version": "3.6.0", ...}: only the version is wanted, without a JSON parse.
    const std::string& m = metadata.value();
    const size_t key = m.find("\"keras_version\"");
    const size_t q1 = key == std::string::npos ? key : m.find('"', m.find(':', key));
    const size_t q2 = q1 == std::string::npos ? q1 : m.find('"', q1 + 1);
    if (q2 != std::string::npos && q2 - q1 < 32) a->keras_version_ = m.substr(q1 + 1, q2 - q1 - 1);
  }
  const std::string& w = weights.value();
  if (w.size() < 8 || std::memcmp(w.data(), kHdf5Magic, 8) != 0) return error("model.weights.h5 in the .keras archive is not an HDF5 file");
  EB_RETURN_IF_ERROR(a->open_h5_image(reinterpret_cast<const uint8_t*>(w.data()), w.size()));
  if (path_exists(a->file_, "layers")) a->weights_root_ = H5Gopen2(a->file_, "layers", H5P_DEFAULT);
  return a;
}

Status KerasArchive::open_h5_image(const uint8_t* data, size_t size) {
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS));
  // The core (in-memory) driver over a copy of the image; nothing is written back.
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 16, 0) < 0 ||
      H5Pset_file_image(fapl.get(), const_cast<uint8_t*>(data), size) < 0)
    return error("cannot set up the HDF5 reader");
  file_ = H5Fopen("keras-model.h5", H5F_ACC_RDONLY, fapl.get());
  if (file_ < 0) return error("not a readable HDF5 file (truncated or corrupt)");
  return Status();
}

Status KerasArchive::read_legacy_h5() {
  if (H5Aexists(file_, "model_config") <= 0)
    return error("an HDF5 file without a 'model_config' attribute: not a whole Keras model (weights only?)");
  EB_ASSIGN_OR_RETURN(config_, read_string(file_, "model_config", limits_.max_config_bytes));
  if (H5Aexists(file_, "keras_version") > 0) {
    auto v = read_string(file_, "keras_version", 64);
    if (v.ok()) keras_version_ = *v;
  }
  if (path_exists(file_, "model_weights")) weights_root_ = H5Gopen2(file_, "model_weights", H5P_DEFAULT);
  return Status();
}

Result<std::vector<WeightArray>> KerasArchive::layer_weights(const std::string& name) {
  std::vector<WeightArray> out;
  if (weights_root_ < 0 || name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") return out;
  if (H5Lexists(weights_root_, name.c_str(), H5P_DEFAULT) <= 0) return out;
  Handle group(H5Gopen2(weights_root_, name.c_str(), H5P_DEFAULT));
  if (!group.ok()) return error("weights of layer '%s': not an HDF5 group", name.c_str());
  std::vector<std::string> paths;
  if (zip_) {
    // .keras: layers/<name>/vars/0, 1, ... in the layer's own variable order.
    for (size_t i = 0; i <= limits_.max_layer_weights; ++i) {
      const std::string p = "vars/" + std::to_string(i);
      if (!path_exists(group.get(), p)) break;
      if (i == limits_.max_layer_weights) return error("layer '%s' has over %zu weight arrays", name.c_str(), limits_.max_layer_weights);
      paths.push_back(p);
    }
  } else {
    EB_ASSIGN_OR_RETURN(paths, read_strings(group.get(), "weight_names", limits_.max_layer_weights, 1 << 20));
  }
  for (const std::string& p : paths) {
    if (!path_exists(group.get(), p)) return error("weight '%s/%s' is listed but not in the file", name.c_str(), p.c_str());
    Handle ds(H5Dopen2(group.get(), p.c_str(), H5P_DEFAULT));
    if (!ds.ok()) return error("weight '%s/%s' is not a dataset", name.c_str(), p.c_str());
    Handle space(H5Dget_space(ds.get()));
    Handle type(H5Dget_type(ds.get()));
    const int rank = space.ok() ? H5Sget_simple_extent_ndims(space.get()) : -1;
    if (rank < 0 || static_cast<size_t>(rank) > limits_.max_rank)
      return error("weight '%s/%s' has rank %d (limit %zu)", name.c_str(), p.c_str(), rank, limits_.max_rank);
    // Floats, or integers (Normalization's sample count), read as float.
    const H5T_class_t cls = type.ok() ? H5Tget_class(type.get()) : H5T_NO_CLASS;
    if (cls != H5T_FLOAT && cls != H5T_INTEGER) return error("weight '%s/%s' is not a number array", name.c_str(), p.c_str());
    hsize_t dims[16] = {};
    H5Sget_simple_extent_dims(space.get(), dims, nullptr);
    WeightArray w;
    w.name = p;
    size_t elements = 1;
    for (int d = 0; d < rank; ++d) {
      if (dims[d] > (1u << 30) || (dims[d] != 0 && elements > limits_.max_weight_bytes / 4 / dims[d]))
        return error("weight '%s/%s' is over %zu bytes", name.c_str(), p.c_str(), limits_.max_weight_bytes);
      elements *= dims[d];
      w.shape.push_back(static_cast<int32_t>(dims[d]));
    }
    weight_bytes_read_ += elements * 4;
    if (weight_bytes_read_ > limits_.max_weight_bytes)
      return error("the model's weights pass %zu bytes", limits_.max_weight_bytes);
    w.data.resize(elements);
    if (elements > 0 && H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, w.data.data()) < 0)
      return error("cannot read weight '%s/%s' (truncated or corrupt file)", name.c_str(), p.c_str());
    out.push_back(std::move(w));
  }
  return out;
}

}  // namespace eb::keras
