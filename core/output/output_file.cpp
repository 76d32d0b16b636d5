#include "core/output/output_file.h"

#include <filesystem>

#include "core/util/error.h"
#include "core/util/files.h"
#include "core/util/version.h"

namespace ropelab::output {

namespace {

constexpr const char* kComplete = "complete";
constexpr const char* kKindAttr = "schema_kind";
constexpr const char* kVersionAttr = "schema_version";

std::string hdf5_version() {
  unsigned major = 0, minor = 0, release = 0;
  H5get_libversion(&major, &minor, &release);
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(release);
}

std::string article(const std::string& kind) { return kind.find_first_of("aeiou") == 0 ? "an " : "a "; }

// InputError unless `root` is an `expected` file; a file with no objects passes when empty_ok.
// Messages name `shown` (the target when `root` is its temporary copy).
void check_root(const h5::Group& root, const Schema& expected, bool empty_ok, const std::string& shown) {
  const std::string want = article(expected.kind) + expected.kind + " file";
  if (!root.has_attr(kKindAttr)) {
    if (empty_ok && root.children().empty()) return;
    fail_input(shown, ": not ", want, " (no schema_kind attribute: another program's file, or one ",
               "written by ropelab before file kinds were recorded; re-run the command that wrote it)");
  }
  const std::string kind = root.attr_string(kKindAttr);
  const int64_t version = root.has_attr(kVersionAttr) ? root.attr_int(kVersionAttr) : -1;
  if (kind == expected.kind && version == expected.version) return;
  fail_input(shown, ": ", article(kind), kind, " file (schema v", version, "), not ", want,
             kind == expected.kind
                 ? " of schema v" + std::to_string(expected.version) + " (re-run the command that wrote it)"
                 : std::string());
}

// InputError naming `shown` when `parent` holds run_path.
void refuse_existing_run(const h5::Group& parent, const std::string& run_path, const std::string& shown) {
  if (!parent.exists(run_path)) return;
  fail_input(shown, ": run ", parent.open_group(run_path).path(), " already exists (",
             is_complete(parent, run_path) ? "complete" : "incomplete", "); pass `overwrite` to replace it");
}

h5::Group begin_run_in(h5::Group& parent, const std::string& run_path, bool overwrite, const Provenance& p,
                       const std::string& shown) {
  if (!overwrite) refuse_existing_run(parent, run_path, shown);
  if (parent.exists(run_path)) parent.remove(run_path);
  h5::Group run = parent.group(run_path);
  run.set_attr_bool(kComplete, false);
  stamp_provenance(run, p);
  return run;
}

}  // namespace

void stamp_provenance(h5::Object& obj, const Provenance& p) {
  obj.set_attr_string("ropelab_version", toolkit_version());
  obj.set_attr_string("torch_version", torch_version());
  obj.set_attr_string("hdf5_version", hdf5_version());
  obj.set_attr_string("git_sha", git_sha());
  obj.set_attr_string("created_utc", utc_now_iso8601());
  obj.set_attr_string("command_line", p.command_line);
  obj.set_attr_string("config_json", p.config_json);
}

void validate_run_name(const std::string& name, const std::string& what) {
  const auto bad = [&](const char* why) { fail_input(what, " '", name, "' ", why); };
  if (name.empty()) bad("is empty");
  if (name == "." || name == "..") bad("is not a name ('.' and '..' are directories)");
  if (name.size() > kMaxRunNameLength)
    fail_input(what, " '", name.substr(0, 20), "...' is longer than ", kMaxRunNameLength, " bytes");
  for (char ch : name) {
    if (ch == '/') bad("must not contain '/'");
    if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) > 0x7e)
      bad("must be printable ASCII");
  }
}

void check_schema(const h5::Group& root, const Schema& expected) {
  check_root(root, expected, false, root.file_name());
}

h5::H5File open_for_reading(const std::string& path, const Schema& expected) {
  auto f = h5::H5File::open_read(path);
  check_schema(f, expected);
  return f;
}

void claim_root(h5::H5File& f, const Schema& schema, const Provenance& p, const std::string& shown) {
  check_root(f, schema, /*empty_ok=*/true, shown.empty() ? f.file_name() : shown);
  const bool fresh = !f.has_attr(kKindAttr);
  std::string created;
  if (!fresh && f.has_attr("created_utc")) created = f.attr_string("created_utc");
  f.set_attr_string(kKindAttr, schema.kind);
  f.set_attr_int(kVersionAttr, schema.version);
  stamp_provenance(f, p);
  if (!created.empty()) f.set_attr_string("created_utc", created);  // the file's, not this writer's
}

void check_writable(const std::string& path, const Schema& schema, const std::string& run_path,
                    bool overwrite) {
  check_writable_location(path);
  if (!std::filesystem::exists(path)) return;
  auto f = h5::H5File::open_read(path);
  check_root(f, schema, /*empty_ok=*/true, path);
  if (!run_path.empty() && !overwrite) refuse_existing_run(f, run_path, path);
}

h5::Group begin_run(h5::Group& parent, const std::string& run_path, bool overwrite, const Provenance& p) {
  return begin_run_in(parent, run_path, overwrite, p, parent.file_name());
}

void mark_complete(h5::Group& run) {
  run.set_attr_bool(kComplete, true);
  run.flush();
}

bool is_complete(const h5::Group& run) { return run.has_attr(kComplete) && run.attr_bool(kComplete); }

bool is_complete(const h5::Group& parent, const std::string& run_path) {
  return parent.exists(run_path) && is_complete(parent.open_group(run_path));
}

OutputFile::OutputFile(const std::string& path, const Schema& schema, const Provenance& p, bool replace)
    : update_(path, replace), path_(path), provenance_(p) {
  claim_root(update_.file(), schema, p, path);
}

h5::Group OutputFile::begin_run(const std::string& run_path, bool overwrite) {
  return begin_run_in(update_.file(), run_path, overwrite, provenance_, path_);
}

}  // namespace ropelab::output
