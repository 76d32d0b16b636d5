// pytorch_model.bin reading: files written by real torch.save (data/pytorch_bin/, made by
// tests/interop/make_bin_fixtures.py with torch 2.15), hand-known values, and refusal of pickles
// that hold anything but tensors and their containers.
#include <gtest/gtest.h>
#include <torch/csrc/jit/serialization/pickle.h>
#include <torch/torch.h>

#include <fstream>

#include "core/io/pytorch_bin.h"
#include "core/io/safetensors.h"
#include "core/model/checkpoint.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "test_util.h"

using namespace ropelab;
using ropelab::testing::input_error_of;
using ropelab::testing::micro_config;
using ropelab::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string fixture(const std::string& name) {
  return std::string(ROPELAB_DATA_DIR) + "/pytorch_bin/" + name;
}

}  // namespace

TEST(PytorchBin, ReadsPlainDictWithViewsAndBf16) {
  auto t = read_pytorch_bin(fixture("dict.bin"));
  ASSERT_EQ(t.size(), 3u);
  EXPECT_TRUE(torch::equal(t["a"], torch::tensor({0.f, 1.f, 2.f, 3.f, 4.f, 5.f}).view({2, 3})));
  // base[1:, 1:3] of arange(12).view(3, 4): storage offset 5, strides (4, 1).
  EXPECT_TRUE(torch::equal(t["view"].contiguous(), torch::tensor({5.f, 6.f, 9.f, 10.f}).view({2, 2})));
  EXPECT_EQ(t["b"].scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(t["b"].to(torch::kFloat32), torch::tensor({0.5f, -2.f, 3.f})));
}

TEST(PytorchBin, ReadsOrderedDictStateDictWithMetadata) {
  // nn.Linear(3, 2).state_dict(): an OrderedDict with a _metadata attribute (pickled with BUILD).
  auto t = read_pytorch_bin(fixture("state_dict.bin"));
  ASSERT_EQ(t.size(), 2u);
  EXPECT_TRUE(torch::equal(t["weight"], torch::tensor({1.f, 2.f, 3.f, 4.f, 5.f, 6.f}).view({2, 3})));
  EXPECT_TRUE(torch::equal(t["bias"], torch::tensor({7.f, 8.f})));
}

TEST(PytorchBin, RefusesCodeNestedAndLegacyFiles) {
  auto code = input_error_of([] { read_pytorch_bin(fixture("code.bin")); });
  EXPECT_NE(code.find("code.bin: refusing to unpickle global 'posix.system'"), std::string::npos) << code;
  auto nested = input_error_of([] { read_pytorch_bin(fixture("nested.bin")); });
  EXPECT_NE(nested.find("nested.bin: entry 'model' is a"), std::string::npos) << nested;
  auto legacy = input_error_of([] { read_pytorch_bin(fixture("legacy.bin")); });
  EXPECT_NE(legacy.find("legacy.bin: not a torch.save zip archive"), std::string::npos) << legacy;
  TempDir d;
  std::ofstream(d / "trunc.bin") << "PK\x03\x04garbage";
  auto trunc = input_error_of([&] { read_pytorch_bin(d / "trunc.bin"); });
  EXPECT_NE(trunc.find("trunc.bin: unreadable torch.save archive"), std::string::npos) << trunc;
}

TEST(PytorchBin, SanitizerRewritesOrderedDictAndRefusesOtherGlobals) {
  // Protocol 2: OrderedDict() (the class memoized in slot 0), a second one through BINGET 0, TUPLE2,
  // STOP -> two fresh EMPTY_DICTs.
  const std::string od = std::string(
                             "\x80\x02"
                             "ccollections\nOrderedDict\nq\x00)R",
                             31) +
                         std::string("h\x00)R", 4) + "\x86.";
  EXPECT_EQ(sanitize_checkpoint_pickle(od, "x"), std::string("\x80\x02"
                                                             "}q\x00"
                                                             "}"
                                                             "\x86.",
                                                             8));
  // {"a": 1} with the single-item SETITEM -> MARK inserted before the key, SETITEMS.
  EXPECT_EQ(sanitize_checkpoint_pickle(std::string("\x80\x02}X\x01\x00\x00\x00"
                                                   "aK\x01s.",
                                                   13),
                                       "x"),
            std::string("\x80\x02}(X\x01\x00\x00\x00"
                        "aK\x01u.",
                        14));
  auto refusal = [](const std::string& pickle, const std::string& file) {
    return input_error_of([&] { sanitize_checkpoint_pickle(pickle, file); });
  };
  auto e = refusal(
      "\x80\x02"
      "cbuiltins\neval\n.",
      "f.bin");
  EXPECT_NE(e.find("f.bin: refusing to unpickle global 'builtins.eval'"), std::string::npos) << e;
  e = refusal(
      "\x80\x02"
      "ccollections\nOrderedDict\nK\x01.",
      "g");
  EXPECT_NE(e.find("OrderedDict used other than as OrderedDict()"), std::string::npos) << e;
  e = refusal("\x80\x02i__main__\nX\n.", "h");
  EXPECT_NE(e.find("h: refusing to unpickle opcode 0x69"), std::string::npos) << e;
  e = refusal("\x80\x02}", "k");
  EXPECT_NE(e.find("k: truncated pickle"), std::string::npos) << e;
}

TEST(PytorchBin, ModelDirectoryLoadsLikeSafetensorsSingleAndSharded) {
  // The same weights through model.safetensors and through torch.save's format (written by
  // LibTorch's pickler here; the interop tests use files written by Python's transformers).
  auto cfg = micro_config();
  LlamaForCausalLM m(cfg);
  m->init_weights(3);
  TempDir d;
  save_model(m, d / "st");
  std::vector<std::pair<std::string, torch::Tensor>> named;
  for (auto& p : m->named_parameters()) named.emplace_back(p.key(), p.value().detach().clone());
  for (bool sharded : {false, true}) {
    const std::string dir = d / (sharded ? "bin2" : "bin1");
    fs::create_directories(dir);
    fs::copy_file(d / "st/config.json", dir + "/config.json");
    nlohmann::json weight_map = nlohmann::json::object();
    const size_t half = named.size() / 2;
    for (int shard = 0; shard < (sharded ? 2 : 1); ++shard) {
      c10::Dict<std::string, torch::Tensor> dict;
      const std::string file =
          sharded ? "pytorch_model-0000" + std::to_string(shard + 1) + "-of-00002.bin" : "pytorch_model.bin";
      for (size_t i = 0; i < named.size(); ++i) {
        if (sharded && (i < half) != (shard == 0)) continue;
        dict.insert(named[i].first, named[i].second);
        weight_map[named[i].first] = file;
      }
      auto bytes = torch::pickle_save(c10::IValue(dict));
      std::ofstream(dir + "/" + file, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
    }
    if (sharded)
      std::ofstream(dir + "/pytorch_model.bin.index.json")
          << nlohmann::json{{"weight_map", weight_map}}.dump();
    auto loaded = load_model(dir);
    auto ref = load_model(d / "st");
    auto ids = torch::randint(0, cfg.vocab_size, {1, 12}, torch::kLong);
    torch::NoGradGuard ng;
    EXPECT_TRUE(torch::equal(loaded->forward(ids), ref->forward(ids))) << dir;
  }
  // An index naming a tensor its shard lacks.
  auto j = read_json_file(d / "bin2/pytorch_model.bin.index.json");
  j["weight_map"]["extra.weight"] = "pytorch_model-00001-of-00002.bin";
  std::ofstream(d / "bin2/pytorch_model.bin.index.json") << j.dump();
  auto e = input_error_of([&] { load_model(d / "bin2"); });
  EXPECT_NE(e.find("missing tensor 'extra.weight'"), std::string::npos) << e;
}
