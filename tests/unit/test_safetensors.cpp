// safetensors: bit-exact round trips and every structural defect a damaged file can have.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>

#include "core/io/safetensors.h"
#include "core/util/error.h"
#include "test_util.h"

using namespace ropelab;
using ropelab::testing::input_error_of;
using ropelab::testing::TempDir;

namespace {

// Writes a raw safetensors file from a header string and `data_bytes` zero bytes.
void write_raw(const std::string& path, const std::string& header, size_t data_bytes,
               int64_t claimed_len = -1) {
  std::ofstream out(path, std::ios::binary);
  uint64_t n = claimed_len >= 0 ? uint64_t(claimed_len) : header.size();
  for (int i = 0; i < 8; ++i) out.put(char((n >> (8 * i)) & 0xff));
  out << header << std::string(data_bytes, '\0');
}

std::string open_error_of(const std::string& path) {
  return input_error_of([&] { SafetensorsFile f(path); });
}

}  // namespace

TEST(Safetensors, RoundTripIsBitExactForF32AndBF16) {
  TempDir tmp;
  auto a = torch::randn({3, 5});
  auto b = torch::randn({7}).to(torch::kBFloat16);
  write_safetensors(tmp / "x.safetensors", {{"a", a}, {"b", b}});
  SafetensorsFile f(tmp / "x.safetensors");
  EXPECT_EQ(f.metadata()["format"], "pt");
  EXPECT_TRUE(torch::equal(f.view("a"), a));
  EXPECT_EQ(f.view("b").scalar_type(), torch::kBFloat16);
  EXPECT_TRUE(torch::equal(f.view("b"), b));
}

// Every structural defect of a damaged file: (header, zero data bytes, claimed header length or -1,
// what the error must say). The truncated file is 3 bytes, shorter than the length field.
TEST(Safetensors, DamagedFilesAreRejectedNamingTheDefect) {
  struct Case {
    std::string header;
    size_t data_bytes;
    int64_t claimed_len;
    std::vector<std::string> says;
  };
  const std::vector<Case> cases = {
      {"{}", 0, 1000, {"exceeds the file size"}},
      {R"({"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})",
       8,
       -1,
       {"tensor 'w'", "exceeds the data section"}},
      {R"({"w":{"dtype":"BF16","shape":[4],"data_offsets":[0,16]}})", 16, -1, {"needs 8"}},
      {R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
       12,
       -1,
       {"overlap"}},
      {R"({"w":{"dtype":"F8_E9","shape":[1],"data_offsets":[0,1]}})", 1, -1, {"unknown dtype 'F8_E9'"}},
      {"{not json", 0, -1, {"not valid JSON"}},
  };
  TempDir tmp;
  for (size_t i = 0; i < cases.size(); ++i) {
    const std::string path = tmp / ("case" + std::to_string(i) + ".safetensors");
    write_raw(path, cases[i].header, cases[i].data_bytes, cases[i].claimed_len);
    const std::string msg = open_error_of(path);
    for (const auto& want : cases[i].says)
      EXPECT_NE(msg.find(want), std::string::npos) << cases[i].header << ": " << msg;
  }
  std::ofstream(tmp / "t.safetensors") << "abc";
  EXPECT_NE(open_error_of(tmp / "t.safetensors").find("shorter than the 8-byte"), std::string::npos);
}

TEST(Safetensors, MissingFileNamesThePath) {
  TempDir tmp;
  auto msg = open_error_of(tmp / "nope.safetensors");
  EXPECT_NE(msg.find("nope.safetensors"), std::string::npos);
}

TEST(Safetensors, MissingTensorIsNamed) {
  TempDir tmp;
  write_safetensors(tmp / "m.safetensors", {{"a", torch::ones({1})}});
  SafetensorsFile f(tmp / "m.safetensors");
  try {
    f.view("b");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("missing tensor 'b'"), std::string::npos);
  }
}
