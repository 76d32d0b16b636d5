// Helpers shared by tests: temporary directories, running the CLI, tiny model configs.
#pragma once
#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>

#include "core/config/model_config.h"
#include "core/util/error.h"

namespace ropelab::testing {

namespace fs = std::filesystem;

// A fresh directory under the system temp dir, removed when the object dies.
struct TempDir {
  fs::path path;
  TempDir() {
    std::random_device rd;
    path = fs::temp_directory_path() / ("ropelab-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(path);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

// The message of the InputError that f() throws, or "" when it throws none.
template <typename F>
std::string input_error_of(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

struct CommandResult {
  int exit_code;
  std::string output;  // stdout + stderr
};

// Runs a shell command, capturing its combined output and exit code.
inline CommandResult run_command(const std::string& cmd) {
  CommandResult r{0, ""};
  FILE* pipe = popen((cmd + " 2>&1").c_str(), "r");
  if (!pipe) return {-1, "popen failed"};
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) r.output.append(buf.data(), n);
  int status = pclose(pipe);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

inline CommandResult run_cli(const std::string& args) {
  return run_command(std::string(ROPELAB_BIN) + " " + args);
}

// A refusal as the toolkit promises one: exit code 2 and `message` in the output (which a failure
// prints). Use as EXPECT_TRUE(refused_with(r, "--lengths")).
inline ::testing::AssertionResult refused_with(const CommandResult& r, const std::string& message) {
  if (r.exit_code == 2 && r.output.find(message) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "exit code " << r.exit_code << " (want 2); looked for \"" << message << "\" in:\n"
         << r.output;
}

// A very small LLaMA config for fast tests (kv_heads < heads gives GQA).
inline ModelConfig micro_config(int64_t kv_heads = 4, bool tied = false) {
  auto c = *ModelConfig::preset("tiny");
  c.vocab_size = 97;
  c.hidden_size = 64;
  c.intermediate_size = 96;
  c.num_hidden_layers = 3;
  c.num_attention_heads = 4;
  c.num_key_value_heads = kv_heads;
  c.max_position_embeddings = 32;
  c.tie_word_embeddings = tied;
  RopeContext ctx;
  ctx.head_dim = c.head_dim();
  ctx.max_position_embeddings = c.max_position_embeddings;
  c.rope = RopeSpec::from_json(nullptr, 10000.0, ctx, "test");
  return c;
}

}  // namespace ropelab::testing
