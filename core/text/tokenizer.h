// SentencePiece tokenizer (LLaMA-2's tokenizer.model format) with explicit BOS/EOS handling, and
// training of small SentencePiece models for tiny test models.
#pragma once
#include <memory>
#include <string>
#include <vector>

namespace ropelab {

class Tokenizer {
 public:
  explicit Tokenizer(const std::string& model_path);  // InputError if missing or invalid
  ~Tokenizer();
  Tokenizer(Tokenizer&&) noexcept;
  Tokenizer(const Tokenizer&) = delete;
  Tokenizer& operator=(const Tokenizer&) = delete;

  std::vector<int64_t> encode(const std::string& text, bool add_bos = false, bool add_eos = false) const;
  // Special tokens (BOS/EOS/pad/unk controls) are skipped, as HF's skip_special_tokens=True.
  std::string decode(const std::vector<int64_t>& ids) const;
  std::string piece(int64_t id) const;
  int64_t bos_id() const;
  int64_t eos_id() const;
  int64_t vocab_size() const;
  // The id of the newline token ("<0x0A>" with byte fallback), or -1.
  int64_t newline_id() const;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  void* sp_ = nullptr;  // handle inside the SentencePiece shim (see text/shim/spm_shim.h)
};

struct TokenizerTrainOptions {
  std::vector<std::string> inputs;  // text files, one sentence per line
  std::string output_model;         // e.g. DIR/tokenizer.model
  int vocab_size = 2048;
  std::string model_type = "bpe";  // LLaMA-2 style: BPE with byte fallback, digits split
  int threads = 2;
  void validate() const;
};

void train_tokenizer(const TokenizerTrainOptions& opts);

// A model directory's tokenizer.model checked against the model's vocabulary: every id it can
// produce must be a row of the embedding (InputError naming the directory otherwise). Every
// command that tokenizes for a model opens its tokenizer through this.
Tokenizer open_model_tokenizer(const std::string& model_dir, int64_t model_vocab_size,
                               const std::string& needed_for);

// Ids given by the user (a file of token ids) must be rows of the embedding: InputError naming
// `where` and the first id outside [0, vocab_size).
void check_token_ids(const std::vector<int64_t>& ids, int64_t vocab_size, const std::string& where);

// Path of DIR/tokenizer.model; a clear InputError when absent (`needed_for` names the command).
std::string tokenizer_path_in(const std::string& model_dir, const std::string& needed_for);

}  // namespace ropelab
