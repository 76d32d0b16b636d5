// Adding a run to a multi-run HDF5 file as one transaction.
//
// HDF5 updates a file in place: a full disk or a kill in the middle of a write can leave the
// file's metadata inconsistent and lose the runs already in it (measured with
// tests/faults/full_disk.py: a full tmpfs made an earlier, complete run unreadable — "addr
// overflow"). An Update therefore copies the file to a sibling temporary (`FILE.tmp-<pid>`), the
// caller writes its run there, and commit() flushes, closes, fsyncs and renames the copy over the
// original. Until commit() the original is untouched; a failed or abandoned update removes its
// temporary, and temporaries left by killed processes are removed by the next update.
//
// The copy costs one read and write of the file per run, small beside computing the run. A
// single-result file that replaces its predecessor whole (`forward`) starts the temporary empty.
#pragma once
#include <optional>
#include <string>

#include "core/io/h5.h"

namespace ropelab::h5 {

class Update {
 public:
  // Copies `path` when it exists (unless start_empty); creates the temporary empty otherwise.
  explicit Update(const std::string& path, bool start_empty = false);
  ~Update();
  Update(const Update&) = delete;
  Update& operator=(const Update&) = delete;

  H5File& file() { return *file_; }
  const std::string& temporary() const { return tmp_; }
  // Every Group/Dataset taken from file() must be gone (they keep the file open).
  void commit();

 private:
  std::string path_, tmp_;
  std::optional<H5File> file_;
  bool committed_ = false;
};

}  // namespace ropelab::h5
