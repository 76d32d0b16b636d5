// config.json semantics: keys that would change what the model computes are refused by name,
// numbers out of range are refused as themselves, absurd sizes before anything is allocated.
#include <gtest/gtest.h>

#include "core/config/model_config.h"
#include "core/util/host_memory.h"
#include "test_util.h"

namespace ropelab {
namespace {

using testing::input_error_of;

nlohmann::json llama_json() {
  return nlohmann::json{{"model_type", "llama"},    {"vocab_size", 97},
                        {"hidden_size", 64},        {"intermediate_size", 96},
                        {"num_hidden_layers", 2},   {"num_attention_heads", 4},
                        {"num_key_value_heads", 2}, {"max_position_embeddings", 32}};
}

std::string error_with(const char* key, const nlohmann::json& value) {
  auto j = llama_json();
  j[key] = value;
  return input_error_of([&] { ModelConfig::from_json(j, "m/config.json"); });
}

TEST(ModelConfigRefusals, PlainLlamaConfigIsAccepted) {
  auto j = llama_json();
  j["hidden_act"] = "silu";
  j["attention_bias"] = false;
  j["mlp_bias"] = false;
  j["sliding_window"] = nullptr;
  j["attention_dropout"] = 0.0;
  j["max_position_embeddings"] = 32.0;  // an integral float is still an integer
  auto c = ModelConfig::from_json(j, "m/config.json");
  EXPECT_EQ(c.max_position_embeddings, 32);
  // 97*64*2 (embed + head) + 2 layers * (q,o: 64*64 each, k,v: 64*32 each, mlp 3*64*96, 2 norms) + norm
  const double layer = 64.0 * 64 * 2 + 64.0 * 32 * 2 + 3.0 * 64 * 96 + 2 * 64;
  EXPECT_DOUBLE_EQ(c.parameter_count(), 97.0 * 64 * 2 + 2 * layer + 64);
}

TEST(ModelConfigRefusals, Transformers5DtypeKeyNamesTheStoredDtype) {
  auto j = llama_json();
  j["dtype"] = "bfloat16";  // transformers 5.x's name for torch_dtype
  EXPECT_EQ(ModelConfig::from_json(j, "c").torch_dtype, "bfloat16");
  j["dtype"] = "int8";
  EXPECT_NE(input_error_of([&] { ModelConfig::from_json(j, "c"); }).find("torch_dtype 'int8'"),
            std::string::npos);
}

TEST(ModelConfigRefusals, KeysThatChangeTheModelAreNamed) {
  EXPECT_NE(error_with("hidden_act", "gelu").find("m/config.json: hidden_act 'gelu'"), std::string::npos);
  EXPECT_NE(error_with("sliding_window", 4096).find("sliding_window (4096)"), std::string::npos);
  EXPECT_NE(error_with("attention_bias", true).find("attention_bias"), std::string::npos);
  EXPECT_NE(error_with("mlp_bias", true).find("mlp_bias"), std::string::npos);
  EXPECT_NE(error_with("attention_dropout", 0.1).find("attention_dropout (0.1)"), std::string::npos);
  EXPECT_NE(error_with("model_type", "gemma").find("model_type 'gemma'"), std::string::npos);
  EXPECT_NE(error_with("quantization_config", nlohmann::json::object()).find("quantization_config"),
            std::string::npos);
}

TEST(ModelConfigRefusals, MistralWithoutWindowAndQwenStyleSwitchAreLlama) {
  auto j = llama_json();
  j["model_type"] = "mistral";
  j["sliding_window"] = nullptr;
  EXPECT_EQ(input_error_of([&] { ModelConfig::from_json(j, "c"); }), "");
  j = llama_json();
  j["use_sliding_window"] = false;
  j["sliding_window"] = 4096;
  EXPECT_EQ(input_error_of([&] { ModelConfig::from_json(j, "c"); }), "");
  j["use_sliding_window"] = true;
  EXPECT_NE(input_error_of([&] { ModelConfig::from_json(j, "c"); }).find("sliding_window"),
            std::string::npos);
}

TEST(ModelConfigRefusals, OutOfRangeNumbersAreRefusedAsThemselves) {
  std::string msg = error_with("max_position_embeddings", 1e30);
  EXPECT_NE(msg.find("field 'max_position_embeddings' (1e+30) is not an integer in range"), std::string::npos)
      << msg;
  EXPECT_EQ(msg.find("rope_scaling"), std::string::npos) << msg;
  msg = error_with("num_hidden_layers", 2.5);
  EXPECT_NE(msg.find("'num_hidden_layers' (2.5)"), std::string::npos) << msg;
  msg = error_with("vocab_size", uint64_t(18446744073709551615ull));
  EXPECT_NE(msg.find("out of range for a 64-bit integer"), std::string::npos) << msg;
  msg = error_with("hidden_size", "64");
  EXPECT_NE(msg.find("'hidden_size' must be an integer"), std::string::npos) << msg;
}

TEST(ModelConfigRefusals, AbsurdSizesAreRefusedWithTheirCount) {
  // 10^9 layers of a 7B-shaped block: ~2e17 parameters, far past 2^53.
  auto j = llama_json();
  j["hidden_size"] = 4096;
  j["intermediate_size"] = 11008;
  j["num_attention_heads"] = 32;
  j["num_key_value_heads"] = 32;
  j["num_hidden_layers"] = 1000000000;
  const std::string msg = input_error_of([&] { ModelConfig::from_json(j, "big.json"); });
  EXPECT_NE(msg.find("big.json: the model would have 2.02e+17 parameters"), std::string::npos) << msg;
}

TEST(HostMemory, FormatsAndRefusesWhatCannotFit) {
  EXPECT_EQ(format_bytes(812), "812 B");
  EXPECT_EQ(format_bytes(1536), "1.5 KiB");
  EXPECT_EQ(format_bytes(13.5 * 1024 * 1024 * 1024), "13.50 GiB");
  ASSERT_GT(physical_memory_bytes(), 0);
  EXPECT_EQ(input_error_of([] { check_fits_host_memory(1024, "x"); }), "");
  const std::string msg = input_error_of([] { check_fits_host_memory(4e15, "--lengths 1e12"); });
  EXPECT_NE(msg.find("--lengths 1e12 needs 3.55 PiB; this machine has"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ropelab
