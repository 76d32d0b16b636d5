// The toolkit's output-file policy, one set of rules for every HDF5 writer (entropy, eval, training
// log, forward) and the readers of their files.
//
// - Kind and version: each file type has a schema (kind string + integer version, the constants
//   below). A writer stamps the root attributes `schema_kind` and `schema_version`; a reader, and a
//   writer adding to an existing file, refuses another kind or version with an InputError naming
//   the file, the schema found and the schema expected ("train.h5: a train_log file (schema v2),
//   not an entropy file"). A file without `schema_kind` was written before kinds existed: it is
//   refused with the advice to re-run the command that wrote it. Bump a version whenever a reader
//   of the previous version would misread the file; Python readers take the same constants from
//   analysis/output_schema.py (a unit test holds the two in step).
// - Provenance: the same set everywhere (Provenance below: ropelab, LibTorch and HDF5 versions,
//   git SHA, command line, resolved configuration JSON, time). The root carries the last writer's
//   set (its `created_utc` stays the file's creation time); each run group carries its own run's.
// - Run names: validate_run_name(), one rule for every writer and command.
// - Atomic creation: OutputFile writes into a sibling temporary (h5::Update) renamed into place by
//   commit(); on every error path (exception, early return) the temporary is removed.
// - Runs: one file holds many runs (/runs/NAME, /eval/NAME/KIND, /train/NAME). begin_run() refuses
//   an existing run unless overwrite and writes `complete = false` at once; mark_complete() writes
//   `complete = true` last and flushes, so a run whose process died reads as incomplete while the
//   file's other runs stay intact.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/io/h5.h"
#include "core/io/h5_update.h"

namespace ropelab::output {

struct Schema {
  const char* kind;  // root attribute schema_kind
  int64_t version;   // root attribute schema_version
};

// v2 of entropy/eval/train_log: the first versions with schema_kind (entropy v2 also stores the
// run's trained_window; eval v2 replaces eval_schema_version).
inline constexpr Schema kEntropySchema{"entropy", 2};
inline constexpr Schema kEvalSchema{"eval", 2};
inline constexpr Schema kTrainLogSchema{"train_log", 2};
inline constexpr Schema kForwardSchema{"forward", 1};

// What a writer records about how its output was made (the versions, SHA and time are its own).
struct Provenance {
  std::string command_line;
  std::string config_json = "{}";  // the command's resolved configuration
};

// Stamps ropelab_version, torch_version, hdf5_version, git_sha, created_utc, command_line and
// config_json on `obj` (attributes replaced).
void stamp_provenance(h5::Object& obj, const Provenance& p);

// Run names: non-empty, at most kMaxRunNameLength bytes, printable ASCII without '/' (a name is
// one HDF5 path component and often a directory name), and not "." or "..". '@' is allowed
// (`entropy` names its per-length runs NAME@T). InputError names `what` and the name.
inline constexpr size_t kMaxRunNameLength = 128;
void validate_run_name(const std::string& name, const std::string& what = "run name");

// Readers: InputError unless the file's root says `expected` (kind and version).
void check_schema(const h5::Group& root, const Schema& expected);
h5::H5File open_for_reading(const std::string& path, const Schema& expected);

// Writers adding to a file opened read-write: a file with no objects yet becomes a `schema` file
// (kind, version, created_utc); any other file must already be one. Then the root provenance is
// the caller's. Messages name `shown` when given (the target of a temporary copy), else the file.
void claim_root(h5::H5File& f, const Schema& schema, const Provenance& p, const std::string& shown = "");

// Before compute starts: `path` can be written, and when it exists it is a `schema` file; with
// run_path non-empty and !overwrite, the run must not exist yet.
void check_writable(const std::string& path, const Schema& schema, const std::string& run_path = "",
                    bool overwrite = false);

// Run convention (see the file comment). begin_run stamps the run's provenance.
h5::Group begin_run(h5::Group& parent, const std::string& run_path, bool overwrite, const Provenance& p);
void mark_complete(h5::Group& run);
bool is_complete(const h5::Group& run);
bool is_complete(const h5::Group& parent, const std::string& run_path);  // false when absent

// One output file written as a transaction: opened on a sibling temporary (a copy of `path`, or
// empty when replace is set), claimed for `schema`; commit() renames it into place, and a
// destroyed, uncommitted OutputFile removes its temporary.
class OutputFile {
 public:
  OutputFile(const std::string& path, const Schema& schema, const Provenance& p, bool replace = false);
  h5::H5File& file() { return update_.file(); }
  const std::string& temporary() const { return update_.temporary(); }
  h5::Group begin_run(const std::string& run_path, bool overwrite);  // under the root
  void commit() { update_.commit(); }  // every Group/Dataset taken from file() must be gone

 private:
  h5::Update update_;
  std::string path_;  // the target, named in messages (file() is its temporary copy)
  Provenance provenance_;
};

}  // namespace ropelab::output
