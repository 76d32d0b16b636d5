// io/h5: bit-exact round trips, compression of big datasets, dimension scales, attributes, the
// run convention (refusal, killed runs), extendible logs across reopen, and h5py compatibility.
#include <H5DSpublic.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

#include "core/io/h5.h"
#include "core/output/output_file.h"
#include "core/util/error.h"
#include "test_util.h"

namespace ropelab {
namespace {

using h5::Dataset;
using h5::Group;
using h5::H5File;
using h5::Shape;
using testing::TempDir;

template <typename T>
void expect_bits_equal(const std::vector<T>& a, const std::vector<T>& b) {
  ASSERT_EQ(a.size(), b.size());
  EXPECT_EQ(std::memcmp(a.data(), b.data(), a.size() * sizeof(T)), 0);
}

std::vector<int> filters_of(const Dataset& d) {
  h5::Handle dcpl(H5Dget_create_plist(d.id()));
  std::vector<int> out;
  for (int i = 0, n = H5Pget_nfilters(dcpl.id()); i < n; ++i) {
    unsigned flags = 0;
    size_t nelem = 0;
    unsigned config = 0;
    out.push_back(int(H5Pget_filter2(dcpl.id(), unsigned(i), &flags, &nelem, nullptr, 0, nullptr, &config)));
  }
  return out;
}

TEST(H5, RoundTripsEveryTypeBitExact) {
  TempDir tmp;
  const std::string path = tmp / "rt.h5";
  const float inf = std::numeric_limits<float>::infinity();
  std::vector<float> f32 = {0.f,    -0.f,    1.5f, -inf, inf, std::nanf(""),
                            1e-45f, 3.4e38f, 0.1f, -2.f, 7.f, 1.f / 3.f};
  std::vector<double> f64 = {0.0, -0.0, M_PI, -1e308, 5e-324, std::nan("1")};
  std::vector<int64_t> i64 = {std::numeric_limits<int64_t>::min(), -1, 0, 1,
                              std::numeric_limits<int64_t>::max(), 42};
  std::vector<int32_t> i32 = {std::numeric_limits<int32_t>::min(), 0, std::numeric_limits<int32_t>::max()};
  {
    H5File f = H5File::create_or_open(path);
    f.write("a/f32", f32, Shape{2, 3, 2});
    f.write("a/f64", f64.data(), Shape{3, 2});
    f.write("b/i64", i64, Shape{6});
    Group b = f.group("b");
    b.write("i32", i32);
    double scalar = 2.5;
    f.write("scalar", &scalar, Shape{});
    f.write("empty", std::vector<float>{}, Shape{0, 4});
  }
  H5File f = H5File::open_read(path);
  EXPECT_TRUE(f.read_only());
  auto a = f.dataset("a/f32").read<float>();
  EXPECT_EQ(a.shape, (Shape{2, 3, 2}));
  expect_bits_equal(a.data, f32);
  auto b = f.dataset("/a/f64").read<double>();
  EXPECT_EQ(b.shape, (Shape{3, 2}));
  expect_bits_equal(b.data, f64);
  auto c = f.open_group("b").dataset("i64").read<int64_t>();
  EXPECT_EQ(c.shape, (Shape{6}));
  EXPECT_EQ(c.data, i64);
  auto d = f.dataset("b/i32").read<int32_t>();
  EXPECT_EQ(d.data, i32);
  auto s = f.dataset("scalar").read<double>();
  EXPECT_TRUE(s.shape.empty());
  EXPECT_EQ(s.data, std::vector<double>{2.5});
  auto e = f.dataset("empty").read<float>();
  EXPECT_EQ(e.shape, (Shape{0, 4}));
  EXPECT_TRUE(e.data.empty());
  EXPECT_EQ(f.dataset("a/f32").elem(), h5::Elem::f32);
  EXPECT_EQ(f.dataset("a/f32").path(), "/a/f32");

  // Widening reads are lossless; narrowing ones are refused.
  auto widened = f.dataset("a/f32").read<double>();
  for (size_t i = 0; i < f32.size(); ++i)
    if (!std::isnan(f32[i])) {
      EXPECT_EQ(widened.data[i], double(f32[i]));
    }
  EXPECT_EQ(f.dataset("b/i32").read<int64_t>().data[0], std::numeric_limits<int32_t>::min());
  std::string msg = ropelab::testing::input_error_of([&] { f.dataset("a/f64").read<float>(); });
  EXPECT_NE(msg.find("rt.h5:/a/f64"), std::string::npos) << msg;
  EXPECT_NE(msg.find("float64"), std::string::npos) << msg;
  EXPECT_NE(ropelab::testing::input_error_of([&] { f.dataset("b/i64").read<float>(); }).find("int64"),
            std::string::npos);
}

TEST(H5, CompressesOnlyDatasetsOver64KiB) {
  TempDir tmp;
  H5File f = H5File::create_or_open(tmp / "c.h5");
  std::vector<float> big(4 * 8 * 4096);  // 512 KiB, smooth: shuffle + deflate shrink it a lot
  for (size_t i = 0; i < big.size(); ++i) big[i] = float(i % 4096) * 0.25f;
  Dataset d = f.write("big", big, Shape{4, 8, 4096});
  EXPECT_EQ(filters_of(d), (std::vector<int>{H5Z_FILTER_SHUFFLE, H5Z_FILTER_DEFLATE}));
  EXPECT_LT(H5Dget_storage_size(d.id()), big.size() * sizeof(float) / 4);
  h5::Handle dcpl(H5Dget_create_plist(d.id()));
  EXPECT_EQ(H5Pget_layout(dcpl.id()), H5D_CHUNKED);
  hsize_t chunk[3];
  H5Pget_chunk(dcpl.id(), 3, chunk);
  EXPECT_EQ(chunk[2], 4096u);  // trailing rows stay whole inside a chunk

  std::vector<double> small(8 * 1024);  // exactly 64 KiB: stays contiguous
  Dataset s = f.write("small", small, Shape{8, 1024});
  EXPECT_TRUE(filters_of(s).empty());
  h5::Handle scpl(H5Dget_create_plist(s.id()));
  EXPECT_EQ(H5Pget_layout(scpl.id()), H5D_CONTIGUOUS);

  f.flush();
  expect_bits_equal(f.dataset("big").read<float>().data, big);
}

TEST(H5, GroupsChildrenExistsRemove) {
  TempDir tmp;
  H5File f = H5File::create_or_open(tmp / "g.h5");
  Group c = f.group("x/y/z");
  EXPECT_EQ(c.path(), "/x/y/z");
  EXPECT_TRUE(f.exists("x"));
  EXPECT_TRUE(f.exists("/x/y/z"));
  EXPECT_FALSE(f.exists("x/q/z"));
  EXPECT_EQ(f.group("x/y/z").path(), "/x/y/z");  // opening an existing group
  f.group("x/a");
  f.write("x/b", std::vector<int32_t>{1, 2});
  EXPECT_EQ(f.children("x"), (std::vector<std::string>{"a", "b", "y"}));
  EXPECT_EQ(f.open_group("x").children(), (std::vector<std::string>{"a", "b", "y"}));
  EXPECT_FALSE(f.exists("x/b/deeper"));  // a dataset has no children

  f.remove("x/y");
  EXPECT_FALSE(f.exists("x/y"));
  EXPECT_FALSE(f.exists("x/y/z"));
  EXPECT_EQ(f.children("x"), (std::vector<std::string>{"a", "b"}));

  EXPECT_NE(ropelab::testing::input_error_of([&] { f.remove("x/nope"); }).find("g.h5:/x/nope"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { f.dataset("x/a"); }).find("not a dataset"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { f.open_group("x/b"); }).find("not a group"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] { f.dataset("missing"); }).find("g.h5:/missing: not found"),
            std::string::npos);
  std::string msg = ropelab::testing::input_error_of([&] { f.write("x/b", std::vector<int32_t>{3}); });
  EXPECT_NE(msg.find("g.h5:/x/b: already exists"), std::string::npos) << msg;
  EXPECT_THROW(f.write("v", std::vector<float>(5), Shape{2, 3}), std::invalid_argument);
}

TEST(H5, AttributesRoundTripAndReplace) {
  TempDir tmp;
  const std::string path = tmp / "a.h5";
  {
    H5File f = H5File::create_or_open(path);
    f.set_attr_string("config", "{\"rope\": \"yarn\", \"ñ\": \"→\"}");
    f.set_attr_int("seed", std::numeric_limits<int64_t>::min());
    Group g = f.group("runs/r");
    g.set_attr_double("lr", 3e-4);
    g.set_attr_bool("flag", true);
    g.set_attr_bool("off", false);
    g.set_attr_string("empty", "");
    Dataset d = g.write("loss", std::vector<float>{1.f});
    d.set_attr_int("step", 7);
    d.set_attr_int("step", 8);  // replaced, same type
    g.set_attr_int("lr_was_int", 1);
    g.set_attr_string("flag2", "x");
    g.set_attr_bool("flag2", false);  // replaced, other type
    EXPECT_THROW(g.set_attr_string("bad", std::string("a\xC3", 2)), std::invalid_argument);
  }
  H5File f = H5File::open_read(path);
  EXPECT_EQ(f.attr_string("config"), "{\"rope\": \"yarn\", \"ñ\": \"→\"}");
  EXPECT_EQ(f.attr_int("seed"), std::numeric_limits<int64_t>::min());
  Group g = f.open_group("runs/r");
  EXPECT_EQ(g.attr_double("lr"), 3e-4);
  EXPECT_TRUE(g.attr_bool("flag"));
  EXPECT_FALSE(g.attr_bool("off"));
  EXPECT_FALSE(g.attr_bool("flag2"));
  EXPECT_EQ(g.attr_string("empty"), "");
  EXPECT_EQ(g.attr_double("lr_was_int"), 1.0);
  EXPECT_EQ(f.dataset("runs/r/loss").attr_int("step"), 8);
  EXPECT_EQ(g.attr_names(), (std::vector<std::string>{"empty", "flag", "flag2", "lr", "lr_was_int", "off"}));
  EXPECT_TRUE(g.has_attr("lr"));
  EXPECT_FALSE(g.has_attr("nope"));

  std::string msg = ropelab::testing::input_error_of([&] { g.attr_int("nope"); });
  EXPECT_NE(msg.find("a.h5:/runs/r: no attribute 'nope'"), std::string::npos) << msg;
  msg = ropelab::testing::input_error_of([&] { g.attr_int("lr"); });
  EXPECT_NE(msg.find("'lr' is float64, expected an integer"), std::string::npos) << msg;
  msg = ropelab::testing::input_error_of([&] { f.attr_double("config"); });
  EXPECT_NE(msg.find("expected a number"), std::string::npos) << msg;
  EXPECT_THROW(g.attr_bool("lr"), InputError);
  EXPECT_THROW(f.attr_bool("seed"), InputError);  // an integer other than 0/1
}

TEST(H5, DimensionScalesAndLabels) {
  TempDir tmp;
  const std::string path = tmp / "ds.h5";
  {
    H5File f = H5File::create_or_open(path);
    Group run = f.group("runs/r");
    std::vector<float> entropy(2 * 3 * 4);
    for (size_t i = 0; i < entropy.size(); ++i) entropy[i] = float(i);
    Dataset e = run.write("entropy", entropy, Shape{2, 3, 4});
    Dataset layer = run.write_scale("layer", std::vector<int32_t>{0, 1}, "layer");
    Dataset head = run.write_scale("head", std::vector<int32_t>{0, 1, 2}, "head");
    Dataset pos = run.write_scale("position", std::vector<int64_t>{0, 128, 256, 384}, "position");
    e.attach_scale(0, layer);
    e.attach_scale(1, head);
    e.attach_scale(2, pos);
    e.set_dim_label(0, "layer");
    e.set_dim_label(1, "head");
    e.set_dim_label(2, "position");
    EXPECT_THROW(e.attach_scale(1, layer), std::invalid_argument);  // length 2 != 3
    EXPECT_THROW(e.attach_scale(3, layer), std::invalid_argument);
    EXPECT_THROW(e.attach_scale(0, run.write("plain", std::vector<int32_t>{0, 1})), std::invalid_argument);
  }
  H5File f = H5File::open_read(path);
  Dataset e = f.dataset("runs/r/entropy");
  Dataset layer = f.dataset("runs/r/layer"), head = f.dataset("runs/r/head"),
          pos = f.dataset("runs/r/position");
  EXPECT_TRUE(layer.is_scale());
  EXPECT_FALSE(e.is_scale());
  EXPECT_EQ(H5DSis_attached(e.id(), layer.id(), 0), 1);
  EXPECT_EQ(H5DSis_attached(e.id(), head.id(), 1), 1);
  EXPECT_EQ(H5DSis_attached(e.id(), pos.id(), 2), 1);
  EXPECT_EQ(H5DSis_attached(e.id(), pos.id(), 0), 0);
  EXPECT_TRUE(e.is_attached(2, pos));
  char name[32] = {};
  ASSERT_GT(H5DSget_scale_name(head.id(), name, sizeof name), 0);
  EXPECT_STREQ(name, "head");
  EXPECT_EQ(pos.scale_name(), "position");
  EXPECT_EQ(e.dim_label(0), "layer");
  EXPECT_EQ(e.dim_label(2), "position");
  EXPECT_EQ(pos.read<int64_t>().data, (std::vector<int64_t>{0, 128, 256, 384}));
}

TEST(H5, ExtendibleLogAppendsAcrossReopen) {
  TempDir tmp;
  const std::string path = tmp / "log.h5";
  {
    H5File f = H5File::create_or_open(path);
    Dataset loss = f.group("runs/t").create_extendible<float>("loss", 4);
    EXPECT_EQ(loss.shape(), Shape{0});
    for (int i = 0; i < 10; ++i) loss.append(float(i) * 0.5f);
    Dataset steps = f.create_extendible<int64_t>("runs/t/step");
    std::vector<int64_t> first = {0, 1, 2};
    steps.append(first.data(), first.size());
  }
  {
    H5File f = H5File::create_or_open(path);  // resume
    Dataset loss = f.dataset("runs/t/loss");
    EXPECT_EQ(loss.size(), 10u);
    loss.resize(8);  // the checkpoint we resume from is at step 8
    loss.append(100.f);
    loss.append(101.f);
    f.dataset("runs/t/step").append(int64_t(3));
    std::string msg = ropelab::testing::input_error_of([&] { loss.append(1.0); });  // double into float32
    EXPECT_NE(msg.find("cannot append float64 values to a dataset of float32"), std::string::npos) << msg;
    Dataset fixed = f.write("fixed", std::vector<float>{1.f});
    EXPECT_NE(ropelab::testing::input_error_of([&] { fixed.append(2.f); }).find("not an extendible"),
              std::string::npos);
  }
  H5File f = H5File::open_read(path);
  auto loss = f.dataset("runs/t/loss").read<float>();
  std::vector<float> want = {0.f, 0.5f, 1.f, 1.5f, 2.f, 2.5f, 3.f, 3.5f, 100.f, 101.f};
  EXPECT_EQ(loss.shape, Shape{10});
  EXPECT_EQ(loss.data, want);
  EXPECT_EQ(f.dataset("runs/t/step").read<int64_t>().data, (std::vector<int64_t>{0, 1, 2, 3}));
}

TEST(H5, RunRefusedWithoutOverwriteAndReplacedWithIt) {
  TempDir tmp;
  H5File f = H5File::create_or_open(tmp / "runs.h5");
  Group r = output::begin_run(f, "/runs/yarn", false, {});
  r.write("x", std::vector<float>{1.f});
  output::mark_complete(r);
  EXPECT_TRUE(output::is_complete(r));

  std::string msg = ropelab::testing::input_error_of([&] { output::begin_run(f, "/runs/yarn", false, {}); });
  EXPECT_NE(msg.find("runs.h5: run /runs/yarn already exists (complete)"), std::string::npos) << msg;
  EXPECT_NE(msg.find("pass `overwrite` to replace it"), std::string::npos) << msg;
  EXPECT_TRUE(f.exists("runs/yarn/x"));  // refusal touched nothing

  Group again = output::begin_run(f, "/runs/yarn", true, {});
  EXPECT_FALSE(f.exists("runs/yarn/x"));
  EXPECT_FALSE(output::is_complete(again));
  EXPECT_TRUE(again.has_attr("complete"));
}

TEST(H5, UnfinishedRunIsIncompleteBesideACompleteOne) {
  TempDir tmp;
  const std::string path = tmp / "runs.h5";
  {
    H5File f = H5File::create_or_open(path);
    Group done = output::begin_run(f, "runs/done", false, {});
    done.write("entropy", std::vector<double>{1.0, 2.0});
    output::mark_complete(done);
    Group killed = f.group("runs/killed");  // written, never marked
    killed.write("entropy", std::vector<double>{3.0});
  }
  H5File f = H5File::open_read(path);
  EXPECT_TRUE(output::is_complete(f, "runs/done"));
  EXPECT_FALSE(output::is_complete(f, "runs/killed"));
  EXPECT_FALSE(output::is_complete(f, "runs/absent"));
  EXPECT_EQ(f.dataset("runs/done/entropy").read<double>().data, (std::vector<double>{1.0, 2.0}));
}

// A process that dies without closing the file (no destructors, nothing flushed after its last
// flush) leaves its run incomplete and the complete run before it readable.
TEST(H5, KilledProcessLeavesRunIncompleteAndOthersIntact) {
  TempDir tmp;
  const std::string path = tmp / "killed.h5";
  {
    H5File f = H5File::create_or_open(path);
    Group done = output::begin_run(f, "runs/done", false, {});
    done.write("entropy", std::vector<float>(30000, 0.5f));  // compressed
    output::mark_complete(done);
  }
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    try {
      H5File f = H5File::create_or_open(path);
      Group run = output::begin_run(f, "runs/killed", false, {});
      Dataset loss = run.create_extendible<float>("loss");
      for (int i = 0; i < 100; ++i) loss.append(float(i));
      f.flush();
      for (int i = 0; i < 100; ++i) loss.append(float(i));
      run.write("late", std::vector<double>(20000, 1.0));
      _exit(0);  // killed: no close, no destructors
    } catch (...) {
      _exit(3);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status));
  ASSERT_EQ(WEXITSTATUS(status), 0);

  H5File f = H5File::open_read(path);
  EXPECT_TRUE(output::is_complete(f, "runs/done"));
  EXPECT_EQ(f.dataset("runs/done/entropy").read<float>().data, std::vector<float>(30000, 0.5f));
  EXPECT_FALSE(output::is_complete(f, "runs/killed"));
  ASSERT_TRUE(f.exists("runs/killed/loss"));  // flushed before the kill
  EXPECT_GE(f.dataset("runs/killed/loss").size(), 100u);
}

TEST(H5, OpenErrorsNameThePath) {
  TempDir tmp;
  const std::string text = tmp / "notes.txt";
  std::ofstream(text) << "not hdf5\n";
  std::string msg = ropelab::testing::input_error_of([&] { H5File::open_read(text); });
  EXPECT_NE(msg.find(text + ": not an HDF5 file"), std::string::npos) << msg;
  msg = ropelab::testing::input_error_of([&] { H5File::create_or_open(text); });
  EXPECT_NE(msg.find(text + ": not an HDF5 file"), std::string::npos) << msg;
  msg = ropelab::testing::input_error_of([&] { H5File::open_read(tmp / "missing.h5"); });
  EXPECT_NE(msg.find("missing.h5: cannot open HDF5 file (does it exist?)"), std::string::npos) << msg;
  msg = ropelab::testing::input_error_of([&] { H5File::create_or_open(tmp / "no/such/dir.h5"); });
  EXPECT_NE(msg.find("dir.h5: cannot create HDF5 file"), std::string::npos) << msg;

  H5File ro = [&] {
    H5File::create_or_open(tmp / "ro.h5").write("x", std::vector<float>{1.f});
    return H5File::open_read(tmp / "ro.h5");
  }();
  try {
    ro.set_attr_int("x", 1);
    ADD_FAILURE() << "write to a read-only file succeeded";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("ro.h5:/: cannot"), std::string::npos) << e.what();
  }
}

// Every id is released, also when operations fail half-way.
TEST(H5, NoHdf5IdsLeakAcrossErrors) {
  TempDir tmp;
  const ssize_t before = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  {
    H5File f = H5File::create_or_open(tmp / "leak.h5");
    Group r = output::begin_run(f, "runs/a", false, {});
    Dataset d = r.write("x", std::vector<float>(20000, 1.f));
    d.set_attr_string("unit", "nats");
    EXPECT_THROW(r.write("x", std::vector<float>{1.f}), InputError);
    EXPECT_THROW(d.read<int32_t>(), InputError);
    EXPECT_THROW(d.attr_int("unit"), InputError);
    EXPECT_THROW(output::begin_run(f, "runs/a", false, {}), InputError);
    output::mark_complete(r);
  }
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), before);
  EXPECT_TRUE(output::is_complete(H5File::open_read(tmp / "leak.h5"), "runs/a"));
  EXPECT_EQ(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL), before);
}

// The plots read our files with h5py: strings must come back as str, bools as numpy.bool_,
// dimension scales under their names.
TEST(H5, ReadableByH5py) {
  if (testing::run_command("/usr/bin/python3 -c 'import h5py'").exit_code != 0)
    GTEST_SKIP() << "/usr/bin/python3 cannot import h5py";
  TempDir tmp;
  const std::string path = tmp / "py.h5";
  {
    H5File f = H5File::create_or_open(path);
    Group run = output::begin_run(f, "runs/yarn", false, {});
    run.set_attr_string("config", "{\"method\": \"yarn\", \"note\": \"π\"}");
    Dataset e = run.write("entropy", std::vector<float>{0.25f, 1.5f, -3.f, 1e-3f, 7.f, 8.f}, Shape{2, 3});
    e.attach_scale(0, run.write_scale("layer", std::vector<int32_t>{0, 1}, "layer"));
    e.attach_scale(1, run.write_scale("position", std::vector<int64_t>{0, 64, 128}, "position"));
    e.set_dim_label(1, "position");
    output::mark_complete(run);
  }
  const std::string script = R"(
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1], "r")
r = f["runs/yarn"]
c = r.attrs["config"]
assert isinstance(c, str), type(c)
assert c == '{"method": "yarn", "note": "\u03c0"}', c
done = r.attrs["complete"]
assert isinstance(done, np.bool_) and bool(done), (type(done), done)
e = r["entropy"]
assert e.dtype == np.float32 and e.shape == (2, 3), (e.dtype, e.shape)
assert (e[...] == np.array([[0.25, 1.5, -3], [1e-3, 7, 8]], dtype=np.float32)).all()
assert list(e.dims[0].keys()) == ["layer"], list(e.dims[0].keys())
assert list(e.dims[1].keys()) == ["position"], list(e.dims[1].keys())
assert e.dims[1].label == "position", e.dims[1].label
assert list(e.dims[1][0][...]) == [0, 64, 128]
with h5py.File(sys.argv[2], "w") as g:
    g.attrs["name"] = "yarn → s=4"
    g.attrs["flag"] = True
    g.attrs["n"] = 12
    g.attrs["scale"] = 0.5
    g["x"] = np.arange(6, dtype=np.float32).reshape(3, 2)
print("h5py-ok")
)";
  const std::string script_path = tmp / "check.py";
  std::ofstream(script_path) << script;
  const std::string from_py = tmp / "from_py.h5";
  auto r = testing::run_command("/usr/bin/python3 " + script_path + " " + path + " " + from_py);
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_NE(r.output.find("h5py-ok"), std::string::npos) << r.output;

  H5File g = H5File::open_read(from_py);  // and the other way round
  EXPECT_EQ(g.attr_string("name"), "yarn → s=4");
  EXPECT_TRUE(g.attr_bool("flag"));
  EXPECT_EQ(g.attr_int("n"), 12);
  EXPECT_EQ(g.attr_double("scale"), 0.5);
  auto x = g.dataset("x").read<float>();
  EXPECT_EQ(x.shape, (Shape{3, 2}));
  EXPECT_EQ(x.data, (std::vector<float>{0, 1, 2, 3, 4, 5}));
}

}  // namespace
}  // namespace ropelab
