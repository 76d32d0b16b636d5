// Inputs the fuzz targets found (fuzz/regressions/ keeps the raw files; fuzz_replay replays them
// in CTest): each is now an InputError naming the file or option, not an escaped exception or
// undefined behaviour.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <iterator>

#include "core/config/model_config.h"
#include "core/io/jsonl.h"
#include "core/io/safetensors.h"
#include "core/util/files.h"
#include "experiments/parse_options.h"
#include "test_util.h"

namespace ropelab {
namespace {

using testing::input_error_of;
using testing::TempDir;

TEST(HostileInputs, ByteSizesOutOfRangeAreRefusedNotConverted) {
  EXPECT_EQ(parse_byte_size("2.5GB", "--max-memory"), 2500000000);
  EXPECT_EQ(parse_byte_size("512MiB", "--max-memory"), 512LL << 20);
  EXPECT_EQ(parse_byte_size("1e3", "--max-memory"), 1000);
  EXPECT_EQ(parse_byte_size("7", "--max-memory"), 7);
  // 5.1e37 does not fit an int64: converting it was undefined behaviour (UBSan, cli_inputs).
  EXPECT_EQ(input_error_of([] { parse_byte_size("51e30M", "--max-memory"); }),
            "--max-memory: size '51e30M' is out of range (at most 4 EiB)");
  EXPECT_EQ(input_error_of([] { parse_byte_size("inf", "--max-memory"); }),
            "--max-memory: cannot parse size 'inf' (examples: 2GB, 500MB, 1048576)");
  EXPECT_EQ(input_error_of([] { parse_byte_size("-1GB", "--max-memory"); }),
            "--max-memory: size must be >= 0");
  EXPECT_EQ(input_error_of([] { parse_byte_size("GB", "--max-memory"); }),
            "--max-memory: cannot parse size 'GB' (examples: 2GB, 500MB, 1048576)");
}

// nlohmann::json throws out_of_range.406, not parse_error, for a number beyond a double
// ("1e999"): model_config, text_data and eval_files each let it escape.
TEST(HostileInputs, JsonNumbersBeyondDoubleAreInputErrors) {
  TempDir tmp;
  std::ofstream(tmp / "c.json") << R"({"hidden_size": 1e999})";
  EXPECT_NE(input_error_of([&] { read_json_file(tmp / "c.json"); }).find("c.json: invalid JSON: "),
            std::string::npos);
  std::ofstream(tmp / "d.jsonl") << "{\"text\": \"a\"}\n{\"text\": 2e400}\n";
  EXPECT_NE(input_error_of([&] { read_jsonl(tmp / "d.jsonl"); }).find("d.jsonl:2: invalid JSON ("),
            std::string::npos);
  std::ofstream(tmp / "e.json") << "[1, 3e999]";
  EXPECT_NE(input_error_of([&] { read_json_records(tmp / "e.json"); }).find("e.json: invalid JSON ("),
            std::string::npos);
}

// model_config: a mistyped model_type raised nlohmann's type_error; RoPE integers beyond 2^53 were
// cast to int64 unchecked.
TEST(HostileInputs, MistypedConfigFieldsAreInputErrors) {
  TempDir tmp;
  std::ofstream(tmp / "config.json") << R"({"model_type": 12})";
  EXPECT_NE(input_error_of([&] {
              load_model_config(tmp / "config.json");
            }).find("field 'model_type' has the wrong type (12)"),
            std::string::npos);
  std::ofstream(tmp / "config.json", std::ios::trunc)
      << R"({"rope_scaling": {"rope_type": "yarn", "factor": 4, "original_max_position_embeddings": 1e30}})";
  EXPECT_NE(input_error_of([&] { load_model_config(tmp / "config.json"); }).find("(|value| <= 2^53)"),
            std::string::npos)
      << input_error_of([&] { load_model_config(tmp / "config.json"); });
  // head_dim 10^8 with the default hidden size passed the element-count bound; every RoPE table
  // then had 5·10^7 pairs (a 10 s stall under the fuzzer).
  std::ofstream(tmp / "config.json", std::ios::trunc) << R"({"head_dim": 118446746})";
  EXPECT_NE(input_error_of([&] {
              load_model_config(tmp / "config.json");
            }).find("head_dim (118446746) is implausible (at most 65536)"),
            std::string::npos);
  // 601,176 layers of a tiny width passed the count bound; their parameter tables took 12 s to build.
  std::ofstream(tmp / "config.json", std::ios::trunc)
      << R"({"hidden_size": 128, "num_hidden_layers": 601176})";
  EXPECT_NE(input_error_of([&] {
              load_model_config(tmp / "config.json");
            }).find("num_hidden_layers (601176) is implausible (at most 16384)"),
            std::string::npos);
}

// A header claiming 10^18 elements is refused from its arithmetic, before anything is mapped
// or allocated, with the bytes it would need.
TEST(HostileInputs, SafetensorsHeaderClaimingAbsurdShapesIsRefusedWithItsSize) {
  TempDir tmp;
  auto write = [&](const std::string& header) {
    std::ofstream f(tmp / "model.safetensors", std::ios::binary);
    const uint64_t n = header.size();
    f.write(reinterpret_cast<const char*>(&n), 8);
    f << header << std::string(8, '\0');
  };
  write(R"({"w":{"dtype":"F32","shape":[1000000,1000000,1000000],"data_offsets":[0,8]}})");
  EXPECT_EQ(
      input_error_of([&] { SafetensorsFile f(tmp / "model.safetensors"); }),
      tmp / "model.safetensors" + ": tensor 'w': holds 8 bytes but F32 × shape needs 4000000000000000000");
  write(R"({"w":{"dtype":"F32","shape":[1000000000000000],"data_offsets":[0,4000000000000000]}})");
  EXPECT_NE(input_error_of([&] {
              SafetensorsFile f(tmp / "model.safetensors");
            }).find("data_offsets end 4000000000000000 exceeds the data section (8 bytes"),
            std::string::npos);
}

// A refused file used to keep its memory mapping (the constructor threw after mmap): 10^5 refused
// inputs exhausted the process's mappings under the fuzzer. Counted from /proc/self/maps.
TEST(HostileInputs, RefusedSafetensorsFilesLeaveNoMapping) {
  TempDir tmp;
  {
    std::ofstream f(tmp / "model.safetensors", std::ios::binary);
    const std::string header =
        R"({"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,0]}})";
    const uint64_t n = header.size();
    f.write(reinterpret_cast<const char*>(&n), 8);
    f << header;
  }
  auto mappings = [] {
    std::ifstream maps("/proc/self/maps");
    return std::count(std::istreambuf_iterator<char>(maps), std::istreambuf_iterator<char>(), '\n');
  };
  // The shape's 2^64 elements used to wrap to 0 and match the empty data_offsets.
  EXPECT_NE(input_error_of([&] {
              SafetensorsFile f(tmp / "model.safetensors");
            }).find(": shape [4294967296,4294967296] has more elements than 2^64"),
            std::string::npos);
  const auto before = mappings();
  for (int i = 0; i < 200; ++i) (void)input_error_of([&] { SafetensorsFile f(tmp / "model.safetensors"); });
  EXPECT_LE(mappings(), before + 2);  // + slack for an allocator arena
}

}  // namespace
}  // namespace ropelab
