// RAII wrapper over the HDF5 C API (and the HL dimension-scale API) for the toolkit's output files.
// It is not HighFive (the usual C++ HDF5 wrapper) because Debian 12 does not package HighFive, and
// every dependency of the toolkit is a Debian package; this wrapper is the small subset we use.
// It holds HDF5 mechanics only: the toolkit's file policy (schema kinds, provenance, run names,
// the run convention) is core/output/output_file.h.
//
// Invariants:
// - Every HDF5 id is owned by a Handle; copies share it through HDF5's reference count, so no id
//   leaks when an exception unwinds. A File stays open while any Group/Dataset from it lives.
// - HDF5's automatic error printing is switched off whenever a file is opened; a failing call
//   becomes an exception naming FILE:/object/path and carrying HDF5's innermost error text.
//   What a file or a user can cause (not an HDF5 file, missing object, wrong type, existing run)
//   is InputError; misuse of the API (null data, size mismatch) is std::invalid_argument; a
//   failed HDF5 write is std::runtime_error.
// - Nothing is replaced silently: writing a dataset that exists is an InputError (remove() it
//   first); only attributes are replaced on write, which is what flags such as `complete` need.
// - Reads convert only losslessly (same class, never narrower: float32 -> double is fine, double
//   -> float is refused); append() requires the dataset's exact element type.
// - Files use HDF5's default (earliest) format: any h5py/h5dump reads them, and a file left open
//   by a killed process reopens without `h5clear`.
// - Bool attributes are stored the way h5py stores numpy.bool_: an int8 enum {FALSE=0, TRUE=1}.
//   h5py reads them back as numpy.bool_ (use `bool(attrs["complete"])`, not `is True`).
// - Not thread-safe (Debian's serial HDF5 has no global lock): use HDF5 from one thread.
#pragma once
#include <hdf5.h>

#include <cstdint>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

namespace ropelab::h5 {

using Shape = std::vector<hsize_t>;  // row-major, like numpy; empty = scalar

// Owns one HDF5 id (file, group, dataset, attribute, dataspace, type or property list).
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  Handle(const Handle& other);
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle other) noexcept {
    std::swap(id_, other.id_);
    return *this;
  }
  ~Handle();
  hid_t id() const { return id_; }
  bool valid() const { return id_ >= 0; }

 private:
  hid_t id_ = H5I_INVALID_HID;
};

// The element types a dataset can hold.
enum class Elem { f32, f64, i32, i64 };

template <typename T>
constexpr Elem elem_of() {
  static_assert(std::is_same_v<T, float> || std::is_same_v<T, double> || std::is_same_v<T, int32_t> ||
                    std::is_same_v<T, int64_t>,
                "h5 datasets hold float, double, int32_t or int64_t");
  if constexpr (std::is_same_v<T, float>)
    return Elem::f32;
  else if constexpr (std::is_same_v<T, double>)
    return Elem::f64;
  else if constexpr (std::is_same_v<T, int32_t>)
    return Elem::i32;
  else
    return Elem::i64;
}

template <typename T>
struct Array {
  Shape shape;
  std::vector<T> data;  // row-major, product(shape) elements
};

// Anything that carries attributes: the file's root group, a group, a dataset.
class Object {
 public:
  hid_t id() const { return h_.id(); }
  const std::string& file_name() const { return file_; }
  const std::string& path() const { return path_; }          // absolute path inside the file
  std::string where() const { return file_ + ":" + path_; }  // for messages

  void flush();  // everything in this object's file reaches the disk

  bool has_attr(const std::string& name) const;
  std::vector<std::string> attr_names() const;  // sorted
  void remove_attr(const std::string& name);

  // Writing replaces an attribute of the same name, whatever its type was.
  void set_attr_string(const std::string& name, const std::string& value);  // vlen UTF-8
  void set_attr_int(const std::string& name, int64_t value);
  void set_attr_double(const std::string& name, double value);
  void set_attr_bool(const std::string& name, bool value);

  // InputError when the attribute is missing, not a scalar, or of another type. attr_double
  // also accepts integers (Python writes `4` for 4.0); attr_bool accepts 0/1 integers too.
  std::string attr_string(const std::string& name) const;
  int64_t attr_int(const std::string& name) const;
  double attr_double(const std::string& name) const;
  bool attr_bool(const std::string& name) const;

 protected:
  Object(Handle h, std::string file, std::string path)
      : h_(std::move(h)), file_(std::move(file)), path_(std::move(path)) {}
  std::string where(const std::string& relative) const;  // FILE:/joined/path
  std::string join(const std::string& relative) const;   // absolute path of `relative`

  Handle h_;
  std::string file_, path_;

 private:
  void write_attr(const std::string& name, hid_t file_type, hid_t mem_type, const void* value);
  Handle open_attr(const std::string& name, const char* expected) const;
};

class Dataset : public Object {
 public:
  Shape shape() const;
  hsize_t size() const;  // number of elements
  Elem elem() const;     // InputError if the stored type is none of Elem

  template <typename T>
  Array<T> read() const {
    Array<T> a{shape(), std::vector<T>(size_t(size()))};
    read_raw(elem_of<T>(), a.data.data(), a.data.size());
    return a;
  }

  // Extendible 1-D datasets only (Group::create_extendible): grow by n values.
  template <typename T>
  void append(const T* values, size_t n) {
    append_raw(elem_of<T>(), values, n);
  }
  template <typename T>
  void append(T value) {
    append_raw(elem_of<T>(), &value, 1);
  }
  // Extendible 1-D only: set the length, e.g. cut a per-step log back to the resumed step.
  void resize(hsize_t n);

  // Dimension scales (H5DS): make this 1-D dataset a scale named `name` (h5py: dims[i].keys()),
  // attach a scale to dimension `dim` (its length must equal shape()[dim]), label a dimension.
  void make_scale(const std::string& name);
  bool is_scale() const;
  std::string scale_name() const;
  void attach_scale(unsigned dim, const Dataset& scale);
  bool is_attached(unsigned dim, const Dataset& scale) const;
  void set_dim_label(unsigned dim, const std::string& label);
  std::string dim_label(unsigned dim) const;  // "" when unset

 private:
  friend class Group;
  using Object::Object;
  void read_raw(Elem e, void* out, size_t n) const;
  void append_raw(Elem e, const void* values, size_t n);
  void check_dim(unsigned dim) const;
};

class Group : public Object {
 public:
  // Paths are relative to this group, or absolute ("/runs/a") from the file's root.
  Group group(const std::string& path);             // opens, creating it and missing parents
  Group open_group(const std::string& path) const;  // InputError if absent or not a group
  Dataset dataset(const std::string& path) const;   // InputError if absent or not a dataset
  bool exists(const std::string& path) const;       // false also when a parent is missing
  void remove(const std::string& path);             // unlinks (the file does not shrink)
  std::vector<std::string> children(const std::string& path = ".") const;  // sorted names

  // Writes a whole array (missing parent groups are created). Datasets over 64 KiB are chunked
  // and compressed (shuffle + deflate 4). InputError if `path` exists.
  template <typename T>
  Dataset write(const std::string& path, const T* data, const Shape& shape) {
    return write_raw(path, elem_of<T>(), data, shape);
  }
  template <typename T>
  Dataset write(const std::string& path, const std::vector<T>& data, const Shape& shape) {
    check_count(path, data.size(), shape);
    return write_raw(path, elem_of<T>(), data.data(), shape);
  }
  template <typename T>
  Dataset write(const std::string& path, const std::vector<T>& data) {  // 1-D
    return write_raw(path, elem_of<T>(), data.data(), Shape{hsize_t(data.size())});
  }
  // A 1-D scale dataset (e.g. layer indices) named `name`, ready for Dataset::attach_scale.
  template <typename T>
  Dataset write_scale(const std::string& path, const std::vector<T>& values, const std::string& name) {
    Dataset d = write(path, values);
    d.make_scale(name);
    return d;
  }
  // An empty 1-D dataset with unlimited length for per-step logs (uncompressed chunks of
  // `chunk` values: log values compress poorly and appends stay cheap).
  template <typename T>
  Dataset create_extendible(const std::string& path, hsize_t chunk = 1024) {
    return create_extendible_raw(path, elem_of<T>(), chunk);
  }

 protected:
  using Object::Object;

 private:
  Dataset write_raw(const std::string& path, Elem e, const void* data, const Shape& shape);
  Dataset create_extendible_raw(const std::string& path, Elem e, hsize_t chunk);
  void check_count(const std::string& path, size_t n, const Shape& shape) const;
  void check_new(const std::string& path) const;
  Handle open_object(const std::string& path) const;
};

// A file; as a Group it is the root group "/" (its attributes are h5py's `f.attrs`).
class H5File : public Group {
 public:
  static H5File create_or_open(const std::string& path);  // read-write, created if absent
  static H5File open_read(const std::string& path);
  bool read_only() const;

 private:
  H5File(Handle file, Handle root, const std::string& path);
  Handle file_h_;
};

}  // namespace ropelab::h5
