// Model directories: save→load round trips, shards, and damaged checkpoints/configs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "core/io/safetensors.h"
#include "core/model/checkpoint.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "test_util.h"

using namespace ropelab;
using ropelab::testing::input_error_of;
using ropelab::testing::micro_config;
using ropelab::testing::TempDir;

namespace {

LlamaForCausalLM random_model(ModelConfig c, uint64_t seed = 1) {
  LlamaForCausalLM m(c);
  m->init_weights(seed);
  return m;
}

std::string load_error(const std::string& dir) {
  return input_error_of([&] { load_model(dir); });
}

void edit_config(const std::string& dir, const std::function<void(nlohmann::json&)>& edit) {
  auto j = read_json_file(dir + "/config.json");
  edit(j);
  std::ofstream(dir + "/config.json") << j.dump(2);
}

}  // namespace

TEST(Checkpoint, SaveLoadRoundTripIsBitExactF32) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  auto back = load_model(tmp / "m");
  auto a = m->named_parameters(), b = back->named_parameters();
  ASSERT_EQ(a.size(), b.size());
  for (auto& p : a) EXPECT_TRUE(torch::equal(p.value(), b[p.key()])) << p.key();
}

TEST(Checkpoint, SaveLoadRoundTripIsBitExactBF16) {
  TempDir tmp;
  auto cfg = micro_config();
  cfg.torch_dtype = "bfloat16";
  auto m = random_model(cfg);
  m->to(torch::kBFloat16);
  save_model(m, tmp / "m");
  SafetensorsFile f(tmp / "m/model.safetensors");
  EXPECT_EQ(f.entries().at("model.norm.weight").dtype, "BF16");
  LoadOptions lo;
  lo.dtype = torch::kBFloat16;
  auto back = load_model(tmp / "m", lo);
  for (auto& p : m->named_parameters())
    EXPECT_TRUE(torch::equal(p.value(), back->named_parameters()[p.key()]));
  // fp32 compute upcasts the stored bf16 exactly.
  auto up = load_model(tmp / "m");
  EXPECT_EQ(up->dtype(), torch::kFloat32);
  EXPECT_TRUE(torch::equal(up->named_parameters()["lm_head.weight"],
                           m->named_parameters()["lm_head.weight"].to(torch::kFloat32)));
}

TEST(Checkpoint, ShardedLoadEqualsUnsharded) {
  TempDir tmp;
  auto m = random_model(micro_config(2, /*tied=*/true));
  save_model(m, tmp / "one");
  SaveOptions so;
  so.shard_size_bytes = 40000;
  save_model(m, tmp / "sharded", so);
  ASSERT_TRUE(fs::exists(tmp / "sharded/model.safetensors.index.json"));
  int shards = 0;
  for (auto& e : fs::directory_iterator(tmp.path / "sharded"))
    shards += e.path().filename().string().rfind("model-0000", 0) == 0;
  EXPECT_GE(shards, 2);
  auto a = load_model(tmp / "one"), b = load_model(tmp / "sharded");
  for (auto& p : a->named_parameters()) EXPECT_TRUE(torch::equal(p.value(), b->named_parameters()[p.key()]));
  auto ids = torch::randint(0, 97, {1, 9}, torch::kLong);
  EXPECT_TRUE(torch::equal(a->forward(ids), b->forward(ids)));
}

TEST(Checkpoint, RefusesToOverwriteWithoutFlag) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  try {
    save_model(m, tmp / "m");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("`overwrite`"), std::string::npos);
  }
  SaveOptions so;
  so.overwrite = true;
  EXPECT_NO_THROW(save_model(m, tmp / "m", so));
}

TEST(Checkpoint, MissingTensorIsNamed) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  SafetensorsFile f(tmp / "m/model.safetensors");
  std::vector<std::pair<std::string, torch::Tensor>> keep;
  for (auto& [name, e] : f.entries())
    if (name != "model.layers.1.mlp.up_proj.weight") keep.emplace_back(name, f.view(name).clone());
  write_safetensors(tmp / "m/model.safetensors", keep);
  EXPECT_NE(load_error(tmp / "m").find("missing tensor 'model.layers.1.mlp.up_proj.weight'"),
            std::string::npos);
}

TEST(Checkpoint, ShapeDisagreeingWithConfigIsNamed) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  edit_config(tmp / "m", [](nlohmann::json& j) { j["intermediate_size"] = 128; });
  auto msg = load_error(tmp / "m");
  EXPECT_NE(msg.find("mlp."), std::string::npos) << msg;
  EXPECT_NE(msg.find("config.json implies"), std::string::npos) << msg;
}

TEST(Checkpoint, ConfigValuesOutOfRange) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  edit_config(tmp / "m", [](nlohmann::json& j) { j["num_key_value_heads"] = 3; });
  EXPECT_NE(
      load_error(tmp / "m").find("num_attention_heads (4) must be divisible by num_key_value_heads (3)"),
      std::string::npos);
  edit_config(tmp / "m", [](nlohmann::json& j) {
    j["num_key_value_heads"] = 4;
    j["num_attention_heads"] = 5;
  });
  EXPECT_NE(load_error(tmp / "m").find("hidden_size (64) must be divisible by num_attention_heads (5)"),
            std::string::npos);
  edit_config(tmp / "m", [](nlohmann::json& j) {
    j["num_attention_heads"] = 4;
    j["num_hidden_layers"] = 0;
  });
  EXPECT_NE(load_error(tmp / "m").find("num_hidden_layers (0) must be positive"), std::string::npos);
}

TEST(Checkpoint, InvalidConfigJsonNamesTheFile) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  std::ofstream(tmp / "m/config.json") << "{\"vocab_size\": 97,";
  auto msg = load_error(tmp / "m");
  EXPECT_NE(msg.find("config.json: invalid JSON"), std::string::npos) << msg;
}

TEST(Checkpoint, MissingConfigIsReported) {
  TempDir tmp;
  fs::create_directories(tmp / "empty");
  EXPECT_NE(load_error(tmp / "empty").find("config.json: missing"), std::string::npos);
}

TEST(Checkpoint, UnknownConfigFieldsSurviveARoundTrip) {
  TempDir tmp;
  auto m = random_model(micro_config());
  save_model(m, tmp / "m");
  edit_config(tmp / "m", [](nlohmann::json& j) { j["my_custom_field"] = {{"a", 1}}; });
  auto back = load_model(tmp / "m");
  save_model(back, tmp / "m2");
  auto j = read_json_file(tmp / "m2/config.json");
  EXPECT_EQ(j["my_custom_field"]["a"], 1);
}
