// Output safety: an HDF5 run is added as a transaction (h5::Update), one writer per output
// (OutputLock), and unwritable places are refused up front.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fstream>

#include "core/io/h5.h"
#include "core/io/h5_update.h"
#include "core/output/output_file.h"
#include "core/util/files.h"
#include "core/util/output_lock.h"
#include "test_util.h"

namespace ropelab {
namespace {

using testing::input_error_of;
using testing::TempDir;

void add_run(const std::string& path, const std::string& run, int64_t value, bool commit) {
  h5::Update up(path);
  {
    h5::Group g = output::begin_run(up.file(), run, false, {});
    g.set_attr_int("value", value);
    output::mark_complete(g);
  }
  if (commit) up.commit();
}

TEST(H5Update, CommitAddsTheRunAndAnAbandonedUpdateChangesNothing) {
  TempDir tmp;
  const std::string f = tmp / "runs.h5";
  add_run(f, "a", 1, true);
  add_run(f, "b", 2, /*commit=*/false);  // e.g. an exception before commit()
  {
    auto r = h5::H5File::open_read(f);
    EXPECT_TRUE(output::is_complete(r, "a"));
    EXPECT_FALSE(r.exists("b"));
    EXPECT_EQ(r.open_group("a").attr_int("value"), 1);
  }
  add_run(f, "c", 3, true);
  auto r = h5::H5File::open_read(f);
  EXPECT_TRUE(output::is_complete(r, "a"));
  EXPECT_TRUE(output::is_complete(r, "c"));
  for (const auto& e : fs::directory_iterator(tmp.path))
    EXPECT_EQ(e.path().filename().string().find(".tmp-"), std::string::npos) << e.path();
}

TEST(H5Update, TemporariesOfDeadProcessesAreRemoved) {
  TempDir tmp;
  const std::string f = tmp / "runs.h5";
  add_run(f, "a", 1, true);
  // A child that exits at once gives a pid that no longer runs.
  pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const std::string stale = f + ".tmp-" + std::to_string(child);
  std::ofstream(stale) << "left by a kill";
  add_run(f, "b", 2, true);
  EXPECT_FALSE(fs::exists(stale));
}

TEST(H5Update, RefusesWhatIsNotHdf5AndMissingDirectories) {
  TempDir tmp;
  std::ofstream(tmp / "text.h5") << "not hdf5";
  EXPECT_NE(input_error_of([&] { h5::Update up(tmp / "text.h5"); }).find("not an HDF5 file"),
            std::string::npos);
  EXPECT_NE(input_error_of([&] { h5::Update up(tmp / "no/such/dir.h5"); }).find("does not exist"),
            std::string::npos);
}

TEST(OutputLock, SecondWriterIsRefusedUntilTheFirstLetsGo) {
  TempDir tmp;
  const fs::path out = tmp / "e.h5";
  {
    OutputLock first(out);
    const std::string msg = input_error_of([&] { OutputLock second(out); });
    EXPECT_NE(msg.find("e.h5: being written by another process (pid " + std::to_string(getpid())),
              std::string::npos)
        << msg;
  }
  EXPECT_EQ(input_error_of([&] { OutputLock again(out); }), "");
  EXPECT_EQ(OutputLock::lock_path(tmp / "pred/").filename(), ".pred.lock");
  EXPECT_EQ(OutputLock::lock_path(tmp / "pred").filename(), ".pred.lock");
}

TEST(OutputFiles, UnwritablePlacesAreRefusedUpFront) {
  if (geteuid() == 0) {
    // root writes through permission bits; /proc is a file system no one can create files in.
    const std::string msg = input_error_of([] { check_writable_location("/proc/ropelab-out.h5"); });
    EXPECT_NE(msg.find("/proc/ropelab-out.h5: cannot write in /proc"), std::string::npos) << msg;
  } else {
    TempDir tmp;
    fs::create_directories(tmp / "ro");
    fs::permissions(tmp / "ro", fs::perms::owner_read | fs::perms::owner_exec);
    const std::string msg = input_error_of([&] { check_writable_location(tmp / "ro/x.h5"); });
    EXPECT_NE(msg.find("Permission denied"), std::string::npos) << msg;
    fs::permissions(tmp / "ro", fs::perms::owner_all);
  }
  TempDir ok;
  EXPECT_EQ(input_error_of([&] { check_writable_location(ok / "new/sub/out.h5"); }), "");  // ancestor counts
}

}  // namespace
}  // namespace ropelab
