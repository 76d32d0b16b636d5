// core/output/output_file: schema kinds refused by name (another kind, another version, a file
// from before kinds), the provenance set, the run-name rule, the temporary of a failed or
// abandoned OutputFile removed with the target untouched, and the Python readers' constants
// (analysis/output_schema.py) equal to the C++ ones.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "core/output/output_file.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "test_util.h"

namespace ropelab {
namespace {

using testing::input_error_of;
using testing::TempDir;

void make_file(const std::string& path, const output::Schema& s) {
  output::OutputFile f(path, s, {"ropelab test", R"({"k":1})"});
  {
    auto g = f.begin_run("/runs/a", false);
    output::mark_complete(g);
  }  // no object of the file may outlive commit()
  f.commit();
}

TEST(OutputFile, AnotherKindOrVersionIsRefusedByName) {
  TempDir tmp;
  const std::string train = tmp / "train.h5";
  make_file(train, output::kTrainLogSchema);
  auto msg = input_error_of([&] { output::open_for_reading(train, output::kEntropySchema); });
  EXPECT_EQ(msg, train + ": a train_log file (schema v2), not an entropy file");
  msg = input_error_of([&] { output::check_writable(train, output::kEvalSchema, "/eval/a/ppl"); });
  EXPECT_EQ(msg, train + ": a train_log file (schema v2), not an eval file");
  EXPECT_NO_THROW(output::open_for_reading(train, output::kTrainLogSchema));

  {  // The same kind at another version.
    auto f = h5::H5File::create_or_open(train);
    f.set_attr_int("schema_version", 1);
  }
  msg = input_error_of([&] { output::open_for_reading(train, output::kTrainLogSchema); });
  EXPECT_EQ(msg, train +
                     ": a train_log file (schema v1), not a train_log file of schema v2 (re-run the command "
                     "that wrote it)");

  // Written before kinds existed (root schema_version only, runs inside): refused with the advice.
  const std::string old = tmp / "old.h5";
  {
    auto f = h5::H5File::create_or_open(old);
    f.set_attr_int("schema_version", 1);
    f.group("/runs/a");
  }
  msg = input_error_of([&] { output::open_for_reading(old, output::kEntropySchema); });
  EXPECT_NE(msg.find(old + ": not an entropy file (no schema_kind attribute"), std::string::npos) << msg;
  EXPECT_NE(msg.find("re-run the command that wrote it"), std::string::npos) << msg;
  EXPECT_THROW(output::OutputFile(old, output::kEntropySchema, {}), InputError);
  // An HDF5 file with nothing in it yet may become an entropy file.
  const std::string empty = tmp / "empty.h5";
  h5::H5File::create_or_open(empty);
  EXPECT_NO_THROW(output::check_writable(empty, output::kEntropySchema, "/runs/a"));
}

TEST(OutputFile, RootAndRunCarryTheProvenanceSet) {
  TempDir tmp;
  const std::string path = tmp / "e.h5";
  make_file(path, output::kEntropySchema);
  auto f = h5::H5File::open_read(path);
  EXPECT_EQ(f.attr_string("schema_kind"), "entropy");
  EXPECT_EQ(f.attr_int("schema_version"), 2);
  const std::string created = f.attr_string("created_utc");
  for (const h5::Group& g : {h5::Group(f), f.open_group("/runs/a")}) {
    for (const char* a : {"ropelab_version", "torch_version", "hdf5_version", "git_sha", "created_utc"})
      EXPECT_FALSE(g.attr_string(a).empty()) << g.path() << " " << a;
    EXPECT_EQ(g.attr_string("command_line"), "ropelab test");
    EXPECT_EQ(g.attr_string("config_json"), R"({"k":1})");
  }
  EXPECT_TRUE(std::regex_match(f.attr_string("hdf5_version"), std::regex(R"(\d+\.\d+\.\d+)")));
  EXPECT_TRUE(output::is_complete(f, "/runs/a"));

  // A second writer: the root records its command line; created_utc stays the file's.
  {
    output::OutputFile w(path, output::kEntropySchema, {"second writer", "{}"});
    w.begin_run("/runs/b", false);
    w.commit();
  }
  auto again = h5::H5File::open_read(path);
  EXPECT_EQ(again.attr_string("command_line"), "second writer");
  EXPECT_EQ(again.attr_string("created_utc"), created);
  EXPECT_EQ(again.open_group("/runs/a").attr_string("command_line"), "ropelab test");
  EXPECT_FALSE(output::is_complete(again, "/runs/b"));  // begun, never marked complete
}

TEST(OutputFile, RunNameRule) {
  for (const std::string& ok :
       std::vector<std::string>{"base", "base@4096", "eabf-s0", "yarn+dynamic_log", std::string(128, 'x')})
    EXPECT_NO_THROW(output::validate_run_name(ok)) << ok;
  const std::map<std::string, std::string> bad = {
      {"", "run name '' is empty"},
      {".", "run name '.' is not a name"},
      {"..", "run name '..' is not a name"},
      {"a/b", "run name 'a/b' must not contain '/'"},
      {"/", "run name '/' must not contain '/'"},
      {"tab\there", "must be printable ASCII"},
      {"caf\xc3\xa9", "must be printable ASCII"},
      {std::string(129, 'x'), "is longer than 128 bytes"},
  };
  for (const auto& [name, expect] : bad) {
    const auto msg = input_error_of([&] { output::validate_run_name(name); });
    EXPECT_NE(msg.find(expect), std::string::npos) << name << ": " << msg;
  }
  EXPECT_NE(input_error_of([] { output::validate_run_name("..", "--run"); }).find("--run '..'"),
            std::string::npos);
}

TEST(OutputFile, FailedWriteRemovesItsTemporaryAndKeepsTheTarget) {
  TempDir tmp;
  const std::string path = tmp / "f.h5";
  make_file(path, output::kForwardSchema);
  const std::string before = read_text_file(path);
  std::string temporary;
  for (bool replace : {false, true}) {
    try {
      output::OutputFile f(path, output::kForwardSchema, {"failing writer"}, replace);
      temporary = f.temporary();
      EXPECT_TRUE(fs::exists(temporary));
      EXPECT_EQ(f.file().exists("/runs/a"), !replace);  // replace starts from an empty file
      f.file().write<float>("logits", std::vector<float>(1000, 1.f));
      throw std::runtime_error("the write failed");
    } catch (const std::runtime_error&) {
    }
    EXPECT_FALSE(fs::exists(temporary)) << replace;
    EXPECT_EQ(read_text_file(path), before) << replace;  // byte for byte the earlier file
  }
  // Claiming the root for another kind fails inside the constructor: no temporary either.
  EXPECT_THROW(output::OutputFile(path, output::kEntropySchema, {}), InputError);
  EXPECT_FALSE(fs::exists(temporary));
}

// analysis/output_schema.py states the constants for the Python readers; they must be these.
TEST(OutputFile, PythonReadersUseTheSameSchemaConstants) {
  const std::string text = read_text_file(std::string(ROPELAB_SOURCE_DIR) + "/analysis/output_schema.py");
  const std::map<std::string, output::Schema> cpp = {{"ENTROPY", output::kEntropySchema},
                                                     {"EVAL", output::kEvalSchema},
                                                     {"TRAIN_LOG", output::kTrainLogSchema},
                                                     {"FORWARD", output::kForwardSchema}};
  const std::regex line(R"re(([A-Z_]+) = Schema\("([a-z_]+)", (\d+)\))re");
  std::map<std::string, std::pair<std::string, int64_t>> py;
  std::istringstream in(text);
  std::smatch m;
  for (std::string l; std::getline(in, l);)
    if (std::regex_match(l, m, line)) py[m[1]] = {m[2], std::stoll(m[3])};
  ASSERT_EQ(py.size(), cpp.size()) << text;
  for (const auto& [name, s] : cpp) {
    ASSERT_TRUE(py.count(name)) << name;
    EXPECT_EQ(py[name].first, s.kind) << name;
    EXPECT_EQ(py[name].second, s.version) << name;
  }
}

}  // namespace
}  // namespace ropelab
