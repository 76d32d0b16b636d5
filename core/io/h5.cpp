// Implementation notes: every HDF5 call's status is checked right after the call, because the
// next HDF5 call clears the error stack that hdf5_detail() reads.
#include "core/io/h5.h"

#include <hdf5_hl.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <limits>
#include <stdexcept>
#include <utility>

#include "core/io/jsonl.h"
#include "core/util/enum_names.h"
#include "core/util/error.h"

namespace ropelab::h5 {

namespace {

constexpr hsize_t kCompressAbove = 64 * 1024;  // bytes; smaller datasets stay contiguous
constexpr hsize_t kChunkTarget = 512 * 1024;   // bytes per chunk at most (h5py aims at ~1 MiB)

// The innermost message on HDF5's error stack (e.g. "file signature not found"), then cleared.
std::string hdf5_detail() {
  std::string out;
  H5Ewalk2(
      H5E_DEFAULT, H5E_WALK_UPWARD,
      [](unsigned n, const H5E_error2_t* err, void* data) -> herr_t {
        if (n == 0 && err->desc) {
          std::string d = err->desc;  // may span lines (the file driver's report): keep one line
          for (char& c : d)
            if (c == '\n' || c == '\r') c = ' ';
          *static_cast<std::string*>(data) = d;
        }
        return 0;
      },
      &out);
  H5Eclear2(H5E_DEFAULT);
  return out;
}

enum class Kind { input, runtime };

[[noreturn]] void fail(Kind kind, const std::string& where, const std::string& what) {
  std::string msg = where + ": " + what;
  std::string detail = hdf5_detail();
  if (!detail.empty()) msg += " (HDF5: " + detail + ")";
  if (kind == Kind::input) throw InputError(msg);
  throw std::runtime_error(msg);
}

hid_t check_id(hid_t id, const std::string& where, const std::string& what) {
  if (id < 0) fail(Kind::runtime, where, what);
  return id;
}

void check(herr_t status, const std::string& where, const std::string& what) {
  if (status < 0) fail(Kind::runtime, where, what);
}

void quiet_errors() {
  // No HDF5 clean-up at exit: our writers flush and close explicitly, and HDF5's own atexit pass
  // crashes (H5D_close) on handles whose close already failed — a full disk turned a clear error
  // into a segfault at exit. Must run before the library initialises, hence first here.
  static const bool no_atexit = (H5dont_atexit(), true);
  (void)no_atexit;
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
}

bool is_hdf5(const std::string& path) {
#if H5_VERSION_GE(1, 12, 0)
  return H5Fis_accessible(path.c_str(), H5P_DEFAULT) > 0;
#else
  return H5Fis_hdf5(path.c_str()) > 0;
#endif
}

size_t elem_size(Elem e) { return (e == Elem::f32 || e == Elem::i32) ? 4 : 8; }
bool elem_is_float(Elem e) { return e == Elem::f32 || e == Elem::f64; }

constexpr EnumName<Elem> kElemNames[] = {
    {Elem::f32, "float32"}, {Elem::f64, "float64"}, {Elem::i32, "int32"}, {Elem::i64, "int64"}};

const char* elem_name(Elem e) { return name_of(kElemNames, e); }

// The HDF5 types of an element: on disk (little-endian whatever the host) and in memory. Not a
// constexpr table: the H5T_* ids are variables HDF5 sets when it initialises.
struct ElemTypes {
  hid_t file, mem;
};

ElemTypes elem_types(Elem e) {
  switch (e) {
    case Elem::f32:
      return {H5T_IEEE_F32LE, H5T_NATIVE_FLOAT};
    case Elem::f64:
      return {H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE};
    case Elem::i32:
      return {H5T_STD_I32LE, H5T_NATIVE_INT32};
    case Elem::i64:
      return {H5T_STD_I64LE, H5T_NATIVE_INT64};
  }
  return {H5I_INVALID_HID, H5I_INVALID_HID};
}

hid_t file_type(Elem e) { return elem_types(e).file; }
hid_t mem_type(Elem e) { return elem_types(e).mem; }

std::string describe(hid_t type) {
  size_t bits = H5Tget_size(type) * 8;
  switch (H5Tget_class(type)) {
    case H5T_FLOAT:
      return "float" + std::to_string(bits);
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_STRING:
      return "a string";
    case H5T_ENUM:
      return "an enum";
    case H5T_COMPOUND:
      return "a compound type";
    default:
      return "a non-numeric type";
  }
}

// Lossless read: same class and at most as wide (unsigned needs a strictly wider signed).
bool readable_as(hid_t type, Elem e) {
  size_t size = H5Tget_size(type), want = elem_size(e);
  H5T_class_t cls = H5Tget_class(type);
  if (elem_is_float(e)) return cls == H5T_FLOAT && size <= want;
  if (cls != H5T_INTEGER) return false;
  return H5Tget_sign(type) == H5T_SGN_NONE ? size < want : size <= want;
}

bool exactly(hid_t type, Elem e) {
  H5T_class_t cls = H5Tget_class(type);
  if (H5Tget_size(type) != elem_size(e)) return false;
  if (elem_is_float(e)) return cls == H5T_FLOAT;
  return cls == H5T_INTEGER && H5Tget_sign(type) == H5T_SGN_2;
}

// Creating links also creates missing parent groups; names are UTF-8 as in h5py.
Handle link_create_plist() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.id(), 1);
  H5Pset_char_encoding(lcpl.id(), H5T_CSET_UTF8);
  return lcpl;
}

Handle utf8_string_type() {
  Handle t(H5Tcopy(H5T_C_S1));
  H5Tset_size(t.id(), H5T_VARIABLE);
  H5Tset_cset(t.id(), H5T_CSET_UTF8);
  return t;
}

// h5py's representation of numpy.bool_.
Handle bool_type() {
  Handle t(H5Tenum_create(H5T_NATIVE_INT8));
  int8_t v = 0;
  H5Tenum_insert(t.id(), "FALSE", &v);
  v = 1;
  H5Tenum_insert(t.id(), "TRUE", &v);
  return t;
}

std::vector<std::string> split_path(const std::string& path) {
  std::vector<std::string> parts;
  size_t i = 0;
  while (i <= path.size()) {
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    std::string part = path.substr(i, j - i);
    if (!part.empty() && part != ".") parts.push_back(part);
    i = j + 1;
  }
  return parts;
}

// Halve leading dimensions first: analysis reads whole trailing rows (e.g. all positions of
// one layer and head), so those stay contiguous inside a chunk.
Shape choose_chunk(const Shape& shape, size_t elem_bytes) {
  Shape chunk = shape;
  auto bytes = [&] {
    hsize_t b = elem_bytes;
    for (hsize_t c : chunk) b *= c;
    return b;
  };
  for (size_t d = 0; d < chunk.size() && bytes() > kChunkTarget; ++d)
    while (chunk[d] > 1 && bytes() > kChunkTarget) chunk[d] = (chunk[d] + 1) / 2;
  return chunk;
}

}  // namespace

// ---- Handle -----------------------------------------------------------------------------------

Handle::Handle(const Handle& other) : id_(other.id_) {
  if (valid()) H5Iinc_ref(id_);
}

Handle::~Handle() {
  if (valid()) H5Idec_ref(id_);  // closes with the type's own close when the count hits zero
}

// ---- Object: paths and attributes -------------------------------------------------------------

std::string Object::join(const std::string& relative) const {
  std::string base = (!relative.empty() && relative[0] == '/') ? "" : path_;
  for (const std::string& part : split_path(relative)) base += (base == "/" ? "" : "/") + part;
  return base.empty() ? "/" : base;
}

std::string Object::where(const std::string& relative) const { return file_ + ":" + join(relative); }

void Object::flush() { check(H5Fflush(id(), H5F_SCOPE_GLOBAL), where(), "cannot flush"); }

bool Object::has_attr(const std::string& name) const {
  htri_t r = H5Aexists(id(), name.c_str());
  if (r < 0) fail(Kind::runtime, where(), "cannot look up attribute '" + name + "'");
  return r > 0;
}

std::vector<std::string> Object::attr_names() const {
  std::vector<std::string> names;
  hsize_t idx = 0;
  herr_t r = H5Aiterate2(
      id(), H5_INDEX_NAME, H5_ITER_INC, &idx,
      [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
        static_cast<std::vector<std::string>*>(data)->push_back(name);
        return 0;
      },
      &names);
  check(r, where(), "cannot list attributes");
  std::sort(names.begin(), names.end());
  return names;
}

void Object::remove_attr(const std::string& name) {
  if (!has_attr(name)) fail_input(where(), ": no attribute '", name, "'");
  check(H5Adelete(id(), name.c_str()), where(), "cannot delete attribute '" + name + "'");
}

void Object::write_attr(const std::string& name, hid_t ftype, hid_t mtype, const void* value) {
  if (has_attr(name))
    check(H5Adelete(id(), name.c_str()), where(), "cannot replace attribute '" + name + "'");
  Handle space(H5Screate(H5S_SCALAR));
  Handle acpl(H5Pcreate(H5P_ATTRIBUTE_CREATE));
  H5Pset_char_encoding(acpl.id(), H5T_CSET_UTF8);
  Handle attr(check_id(H5Acreate2(id(), name.c_str(), ftype, space.id(), acpl.id(), H5P_DEFAULT), where(),
                       "cannot create attribute '" + name + "'"));
  check(H5Awrite(attr.id(), mtype, value), where(), "cannot write attribute '" + name + "'");
}

void Object::set_attr_string(const std::string& name, const std::string& value) {
  if (value.find('\0') != std::string::npos)
    throw std::invalid_argument(where() + ": attribute '" + name + "' contains a NUL byte");
  if (!valid_utf8(value))
    throw std::invalid_argument(where() + ": attribute '" + name + "' is not valid UTF-8");
  Handle t = utf8_string_type();
  const char* p = value.c_str();
  write_attr(name, t.id(), t.id(), &p);
}

void Object::set_attr_int(const std::string& name, int64_t value) {
  write_attr(name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void Object::set_attr_double(const std::string& name, double value) {
  write_attr(name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void Object::set_attr_bool(const std::string& name, bool value) {
  Handle t = bool_type();
  int8_t v = value ? 1 : 0;
  write_attr(name, t.id(), t.id(), &v);
}

Handle Object::open_attr(const std::string& name, const char* expected) const {
  if (!has_attr(name)) fail_input(where(), ": no attribute '", name, "'");
  Handle attr(
      check_id(H5Aopen(id(), name.c_str(), H5P_DEFAULT), where(), "cannot open attribute '" + name + "'"));
  Handle space(H5Aget_space(attr.id()));
  if (H5Sget_simple_extent_npoints(space.id()) != 1)
    fail_input(where(), ": attribute '", name, "' is an array, expected a single ", expected);
  return attr;
}

std::string Object::attr_string(const std::string& name) const {
  Handle attr = open_attr(name, "string");
  Handle type(H5Aget_type(attr.id()));
  if (H5Tget_class(type.id()) != H5T_STRING)
    fail_input(where(), ": attribute '", name, "' is ", describe(type.id()), ", expected a string");
  const std::string what = "cannot read attribute '" + name + "'";
  if (H5Tis_variable_str(type.id()) > 0) {
    Handle mem(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.id(), H5T_VARIABLE);
    H5Tset_cset(mem.id(), H5Tget_cset(type.id()));  // HDF5 does not convert character sets
    char* p = nullptr;
    check(H5Aread(attr.id(), mem.id(), &p), where(), what);
    std::string s = p ? p : "";
    H5free_memory(p);
    return s;
  }
  std::vector<char> buf(H5Tget_size(type.id()));
  check(H5Aread(attr.id(), type.id(), buf.data()), where(), what);
  std::string s(buf.begin(), buf.end());
  if (H5Tget_strpad(type.id()) == H5T_STR_SPACEPAD) {
    s.erase(s.find_last_not_of(' ') + 1);
  } else {
    s.erase(std::min(s.size(), s.find('\0')));
  }
  return s;
}

int64_t Object::attr_int(const std::string& name) const {
  Handle attr = open_attr(name, "integer");
  Handle type(H5Aget_type(attr.id()));
  if (H5Tget_class(type.id()) != H5T_INTEGER)
    fail_input(where(), ": attribute '", name, "' is ", describe(type.id()), ", expected an integer");
  const std::string what = "cannot read attribute '" + name + "'";
  if (H5Tget_sign(type.id()) == H5T_SGN_NONE && H5Tget_size(type.id()) >= 8) {
    uint64_t u = 0;
    check(H5Aread(attr.id(), H5T_NATIVE_UINT64, &u), where(), what);
    if (u > uint64_t(std::numeric_limits<int64_t>::max()))
      fail_input(where(), ": attribute '", name, "' (", u, ") does not fit in int64");
    return int64_t(u);
  }
  int64_t v = 0;
  check(H5Aread(attr.id(), H5T_NATIVE_INT64, &v), where(), what);
  return v;
}

double Object::attr_double(const std::string& name) const {
  Handle attr = open_attr(name, "number");
  Handle type(H5Aget_type(attr.id()));
  H5T_class_t cls = H5Tget_class(type.id());
  if (cls != H5T_FLOAT && cls != H5T_INTEGER)
    fail_input(where(), ": attribute '", name, "' is ", describe(type.id()), ", expected a number");
  double v = 0;
  check(H5Aread(attr.id(), H5T_NATIVE_DOUBLE, &v), where(), "cannot read attribute '" + name + "'");
  return v;
}

bool Object::attr_bool(const std::string& name) const {
  Handle attr = open_attr(name, "bool");
  Handle type(H5Aget_type(attr.id()));
  const std::string what = "cannot read attribute '" + name + "'";
  H5T_class_t cls = H5Tget_class(type.id());
  if (cls == H5T_ENUM) {
    Handle native(H5Tget_native_type(type.id(), H5T_DIR_ASCEND));
    unsigned char buf[16] = {};
    if (H5Tget_size(native.id()) > sizeof buf)
      fail_input(where(), ": attribute '", name, "' is an enum too wide for a bool");
    check(H5Aread(attr.id(), native.id(), buf), where(), what);
    char label[16] = {};
    if (H5Tenum_nameof(native.id(), buf, label, sizeof label) >= 0) {
      if (std::strcmp(label, "TRUE") == 0) return true;
      if (std::strcmp(label, "FALSE") == 0) return false;
    }
    H5Eclear2(H5E_DEFAULT);
    fail_input(where(), ": attribute '", name, "' is an enum that is not h5py's bool {FALSE, TRUE}");
  }
  if (cls == H5T_INTEGER) {
    int64_t v = attr_int(name);
    if (v != 0 && v != 1) fail_input(where(), ": attribute '", name, "' (", v, ") is not 0 or 1");
    return v == 1;
  }
  fail_input(where(), ": attribute '", name, "' is ", describe(type.id()), ", expected a bool");
}

// ---- Dataset ----------------------------------------------------------------------------------

Shape Dataset::shape() const {
  Handle space(check_id(H5Dget_space(id()), where(), "cannot get the dataspace"));
  int rank = H5Sget_simple_extent_ndims(space.id());
  if (rank < 0) fail(Kind::runtime, where(), "cannot get the rank");
  Shape dims(size_t(rank), 0);
  if (rank > 0) H5Sget_simple_extent_dims(space.id(), dims.data(), nullptr);
  return dims;
}

hsize_t Dataset::size() const {
  Handle space(check_id(H5Dget_space(id()), where(), "cannot get the dataspace"));
  hssize_t n = H5Sget_simple_extent_npoints(space.id());
  if (n < 0) fail(Kind::runtime, where(), "cannot count the elements");
  return hsize_t(n);
}

Elem Dataset::elem() const {
  Handle type(check_id(H5Dget_type(id()), where(), "cannot get the type"));
  for (Elem e : {Elem::f32, Elem::f64, Elem::i32, Elem::i64})
    if (exactly(type.id(), e)) return e;
  fail_input(where(), ": stored as ", describe(type.id()), ", not float32/float64/int32/int64");
}

void Dataset::read_raw(Elem e, void* out, size_t n) const {
  Handle type(check_id(H5Dget_type(id()), where(), "cannot get the type"));
  if (!readable_as(type.id(), e))
    fail_input(where(), ": stored as ", describe(type.id()), ", cannot be read losslessly as ", elem_name(e));
  if (n == 0) return;
  check(H5Dread(id(), mem_type(e), H5S_ALL, H5S_ALL, H5P_DEFAULT, out), where(), "cannot read");
}

void Dataset::append_raw(Elem e, const void* values, size_t n) {
  Handle space(check_id(H5Dget_space(id()), where(), "cannot get the dataspace"));
  hsize_t dims[1] = {0}, maxdims[1] = {0};
  if (H5Sget_simple_extent_ndims(space.id()) != 1 ||
      (H5Sget_simple_extent_dims(space.id(), dims, maxdims), maxdims[0] != H5S_UNLIMITED))
    fail_input(where(), ": cannot append, not an extendible 1-D dataset (see create_extendible)");
  Handle type(check_id(H5Dget_type(id()), where(), "cannot get the type"));
  if (!exactly(type.id(), e))
    fail_input(where(), ": cannot append ", elem_name(e), " values to a dataset of ", describe(type.id()));
  if (n == 0) return;
  if (!values) throw std::invalid_argument(where() + ": append of null data");
  hsize_t start = dims[0], count = n, total = dims[0] + n;
  check(H5Dset_extent(id(), &total), where(), "cannot extend");
  Handle fspace(check_id(H5Dget_space(id()), where(), "cannot get the dataspace"));
  check(H5Sselect_hyperslab(fspace.id(), H5S_SELECT_SET, &start, nullptr, &count, nullptr), where(),
        "cannot select the appended range");
  Handle mspace(H5Screate_simple(1, &count, nullptr));
  check(H5Dwrite(id(), mem_type(e), mspace.id(), fspace.id(), H5P_DEFAULT, values), where(), "cannot append");
}

void Dataset::resize(hsize_t n) {
  Handle space(check_id(H5Dget_space(id()), where(), "cannot get the dataspace"));
  hsize_t dims[1] = {0}, maxdims[1] = {0};
  if (H5Sget_simple_extent_ndims(space.id()) != 1 ||
      (H5Sget_simple_extent_dims(space.id(), dims, maxdims), maxdims[0] != H5S_UNLIMITED))
    fail_input(where(), ": cannot resize, not an extendible 1-D dataset (see create_extendible)");
  check(H5Dset_extent(id(), &n), where(), "cannot resize to " + std::to_string(n));
}

void Dataset::check_dim(unsigned dim) const {
  size_t rank = shape().size();
  if (dim >= rank)
    throw std::invalid_argument(where() + ": dimension " + std::to_string(dim) + " out of range for rank " +
                                std::to_string(rank));
}

void Dataset::make_scale(const std::string& name) {
  if (shape().size() != 1) throw std::invalid_argument(where() + ": a dimension scale must be 1-D");
  check(H5DSset_scale(id(), name.c_str()), where(), "cannot make a dimension scale");
}

bool Dataset::is_scale() const {
  htri_t r = H5DSis_scale(id());
  if (r < 0) fail(Kind::runtime, where(), "cannot check for a dimension scale");
  return r > 0;
}

std::string Dataset::scale_name() const {
  ssize_t n = H5DSget_scale_name(id(), nullptr, 0);
  if (n < 0) fail(Kind::runtime, where(), "cannot read the scale name");
  std::string s(size_t(n) + 1, '\0');
  H5DSget_scale_name(id(), s.data(), s.size());
  s.resize(size_t(n));
  return s;
}

void Dataset::attach_scale(unsigned dim, const Dataset& scale) {
  check_dim(dim);
  if (!scale.is_scale()) throw std::invalid_argument(scale.where() + ": not a dimension scale");
  hsize_t len = shape()[dim], slen = scale.size();
  if (slen != len)
    throw std::invalid_argument(scale.where() + ": scale length " + std::to_string(slen) + " != dimension " +
                                std::to_string(dim) + " of " + where() + " (" + std::to_string(len) + ")");
  check(H5DSattach_scale(id(), scale.id(), dim), where(),
        "cannot attach scale " + scale.path() + " to dimension " + std::to_string(dim));
}

bool Dataset::is_attached(unsigned dim, const Dataset& scale) const {
  check_dim(dim);
  htri_t r = H5DSis_attached(id(), scale.id(), dim);
  if (r < 0) fail(Kind::runtime, where(), "cannot check an attached scale");
  return r > 0;
}

void Dataset::set_dim_label(unsigned dim, const std::string& label) {
  check_dim(dim);
  check(H5DSset_label(id(), dim, label.c_str()), where(), "cannot label dimension " + std::to_string(dim));
}

std::string Dataset::dim_label(unsigned dim) const {
  check_dim(dim);
  ssize_t n = H5DSget_label(id(), dim, nullptr, 0);
  if (n < 0) fail(Kind::runtime, where(), "cannot read the label of dimension " + std::to_string(dim));
  if (n == 0) return "";
  std::string s(size_t(n) + 1, '\0');
  H5DSget_label(id(), dim, s.data(), s.size());
  s.resize(size_t(n));
  return s;
}

// ---- Group ------------------------------------------------------------------------------------

bool Group::exists(const std::string& path) const {
  std::string prefix = (!path.empty() && path[0] == '/') ? "/" : "";
  for (const std::string& part : split_path(path)) {
    prefix += part;
    htri_t r = H5Lexists(id(), prefix.c_str(), H5P_DEFAULT);
    if (r <= 0) {  // negative when a parent is a dataset: still "does not exist"
      H5Eclear2(H5E_DEFAULT);
      return false;
    }
    prefix += "/";
  }
  return true;
}

Handle Group::open_object(const std::string& path) const {
  if (!exists(path)) fail_input(where(path), ": not found");
  return Handle(
      check_id(H5Oopen(id(), path.empty() ? "." : path.c_str(), H5P_DEFAULT), where(path), "cannot open"));
}

Group Group::open_group(const std::string& path) const {
  Handle h = open_object(path);
  if (H5Iget_type(h.id()) != H5I_GROUP) fail_input(where(path), ": is not a group");
  return Group(std::move(h), file_, join(path));
}

Dataset Group::dataset(const std::string& path) const {
  Handle h = open_object(path);
  if (H5Iget_type(h.id()) != H5I_DATASET) fail_input(where(path), ": is not a dataset");
  return Dataset(std::move(h), file_, join(path));
}

Group Group::group(const std::string& path) {
  if (exists(path)) return open_group(path);
  Handle lcpl = link_create_plist();
  Handle h(check_id(H5Gcreate2(id(), path.c_str(), lcpl.id(), H5P_DEFAULT, H5P_DEFAULT), where(path),
                    "cannot create group"));
  return Group(std::move(h), file_, join(path));
}

void Group::remove(const std::string& path) {
  if (split_path(path).empty()) throw std::invalid_argument(where(path) + ": cannot remove itself");
  if (!exists(path)) fail_input(where(path), ": cannot remove, not found");
  check(H5Ldelete(id(), path.c_str(), H5P_DEFAULT), where(path), "cannot remove");
}

std::vector<std::string> Group::children(const std::string& path) const {
  Group g = open_group(path);
  H5G_info_t info;
  check(H5Gget_info(g.id(), &info), g.where(), "cannot list");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t n = H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) fail(Kind::runtime, g.where(), "cannot list");
    std::string s(size_t(n) + 1, '\0');
    H5Lget_name_by_idx(g.id(), ".", H5_INDEX_NAME, H5_ITER_INC, i, s.data(), s.size(), H5P_DEFAULT);
    s.resize(size_t(n));
    names.push_back(std::move(s));
  }
  return names;
}

void Group::check_new(const std::string& path) const {
  if (split_path(path).empty()) throw std::invalid_argument(where(path) + ": empty dataset name");
  if (exists(path))
    fail_input(where(path), ": already exists (datasets are never replaced; remove it first)");
}

void Group::check_count(const std::string& path, size_t n, const Shape& shape) const {
  hsize_t want = 1;
  for (hsize_t d : shape) want *= d;
  if (n != want)
    throw std::invalid_argument(where(path) + ": " + std::to_string(n) + " values for a shape of " +
                                std::to_string(want) + " elements");
}

Dataset Group::write_raw(const std::string& path, Elem e, const void* data, const Shape& shape) {
  check_new(path);
  hsize_t n = 1;
  for (hsize_t d : shape) n *= d;
  if (n > 0 && !data) throw std::invalid_argument(where(path) + ": write of null data");
  Handle space(shape.empty() ? H5Screate(H5S_SCALAR)
                             : H5Screate_simple(int(shape.size()), shape.data(), nullptr));
  check_id(space.id(), where(path), "cannot create the dataspace");
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  if (!shape.empty() && n * elem_size(e) > kCompressAbove) {
    Shape chunk = choose_chunk(shape, elem_size(e));
    check(H5Pset_chunk(dcpl.id(), int(chunk.size()), chunk.data()), where(path), "cannot chunk");
    check(H5Pset_shuffle(dcpl.id()), where(path), "cannot enable shuffle");
    check(H5Pset_deflate(dcpl.id(), 4), where(path), "cannot enable deflate");
  }
  Handle lcpl = link_create_plist();
  Handle d(
      check_id(H5Dcreate2(id(), path.c_str(), file_type(e), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
               where(path), "cannot create dataset"));
  if (n > 0)
    check(H5Dwrite(d.id(), mem_type(e), H5S_ALL, H5S_ALL, H5P_DEFAULT, data), where(path), "cannot write");
  return Dataset(std::move(d), file_, join(path));
}

Dataset Group::create_extendible_raw(const std::string& path, Elem e, hsize_t chunk) {
  check_new(path);
  if (chunk == 0) throw std::invalid_argument(where(path) + ": chunk must be > 0");
  hsize_t dims[1] = {0}, maxdims[1] = {H5S_UNLIMITED};
  Handle space(H5Screate_simple(1, dims, maxdims));
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE));
  check(H5Pset_chunk(dcpl.id(), 1, &chunk), where(path), "cannot chunk");
  Handle lcpl = link_create_plist();
  Handle d(
      check_id(H5Dcreate2(id(), path.c_str(), file_type(e), space.id(), lcpl.id(), dcpl.id(), H5P_DEFAULT),
               where(path), "cannot create dataset"));
  return Dataset(std::move(d), file_, join(path));
}

// ---- H5File -----------------------------------------------------------------------------------

H5File::H5File(Handle file, Handle root, const std::string& path)
    : Group(std::move(root), path, "/"), file_h_(std::move(file)) {}

H5File H5File::create_or_open(const std::string& path) {
  quiet_errors();
  hid_t f;
  if (std::filesystem::exists(path)) {
    if (!is_hdf5(path)) fail(Kind::input, path, "not an HDF5 file");
    f = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    if (f < 0) fail(Kind::input, path, "cannot open HDF5 file for writing (read-only, or open elsewhere?)");
  } else {
    f = H5Fcreate(path.c_str(), H5F_ACC_EXCL, H5P_DEFAULT, H5P_DEFAULT);
    if (f < 0) fail(Kind::input, path, "cannot create HDF5 file (directory missing or read-only?)");
  }
  Handle file(f);
  Handle root(check_id(H5Gopen2(f, "/", H5P_DEFAULT), path, "cannot open the root group"));
  return H5File(std::move(file), std::move(root), path);
}

H5File H5File::open_read(const std::string& path) {
  quiet_errors();
  if (!std::filesystem::exists(path)) fail_input(path, ": cannot open HDF5 file (does it exist?)");
  if (!is_hdf5(path)) fail(Kind::input, path, "not an HDF5 file");
  hid_t f = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (f < 0) fail(Kind::input, path, "cannot open HDF5 file");
  Handle file(f);
  Handle root(check_id(H5Gopen2(f, "/", H5P_DEFAULT), path, "cannot open the root group"));
  return H5File(std::move(file), std::move(root), path);
}

bool H5File::read_only() const {
  unsigned intent = 0;
  check(H5Fget_intent(file_h_.id(), &intent), file_, "cannot get the access mode");
  return (intent & H5F_ACC_RDWR) == 0;
}

}  // namespace ropelab::h5
