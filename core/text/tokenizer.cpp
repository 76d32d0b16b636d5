#include "core/text/tokenizer.h"

#include <dlfcn.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>
#include <utility>
#include <vector>

#include "core/text/shim/spm_shim.h"
#include "core/util/error.h"

namespace ropelab {

namespace fs = std::filesystem;

namespace {

// Function table of libropelab_spm.so, loaded once with RTLD_DEEPBIND (see spm_shim.h for why).
struct SpmApi {
  decltype(&ropelab_spm_load) load;
  decltype(&ropelab_spm_free) free_model;
  decltype(&ropelab_spm_encode) encode;
  decltype(&ropelab_spm_decode) decode;
  decltype(&ropelab_spm_id_to_piece) id_to_piece;
  decltype(&ropelab_spm_piece_to_id) piece_to_id;
  decltype(&ropelab_spm_bos) bos;
  decltype(&ropelab_spm_eos) eos;
  decltype(&ropelab_spm_unk) unk;
  decltype(&ropelab_spm_size) size;
  decltype(&ropelab_spm_is_control) is_control;
  decltype(&ropelab_spm_free_buf) free_buf;
  decltype(&ropelab_spm_train) train;
};

const SpmApi& spm() {
  static const SpmApi api = [] {
    std::vector<fs::path> candidates;
    char exe[4096];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) {
      exe[n] = 0;
      candidates.push_back(fs::path(exe).parent_path() / "libropelab_spm.so");
    }
    candidates.push_back(fs::path(ROPELAB_SPM_SHIM_DIR) / "libropelab_spm.so");
    void* h = nullptr;
    std::string errors;
    for (const auto& c : candidates) {
      if (!fs::exists(c)) continue;
#ifdef ROPELAB_SPM_NO_DEEPBIND
      // The fuzz build of the tokenizer target: no LibTorch in the process, and AddressSanitizer
      // refuses RTLD_DEEPBIND.
      h = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
      h = ::dlopen(c.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
      if (h) break;
      errors += std::string(" ") + ::dlerror();
    }
    if (!h) throw std::runtime_error("cannot load libropelab_spm.so (build it with `make`)" + errors);
    auto sym = [h](const char* name) {
      void* p = ::dlsym(h, name);
      if (!p) throw std::runtime_error(std::string("libropelab_spm.so lacks ") + name);
      return p;
    };
    SpmApi a{};
    a.load = reinterpret_cast<decltype(a.load)>(sym("ropelab_spm_load"));
    a.free_model = reinterpret_cast<decltype(a.free_model)>(sym("ropelab_spm_free"));
    a.encode = reinterpret_cast<decltype(a.encode)>(sym("ropelab_spm_encode"));
    a.decode = reinterpret_cast<decltype(a.decode)>(sym("ropelab_spm_decode"));
    a.id_to_piece = reinterpret_cast<decltype(a.id_to_piece)>(sym("ropelab_spm_id_to_piece"));
    a.piece_to_id = reinterpret_cast<decltype(a.piece_to_id)>(sym("ropelab_spm_piece_to_id"));
    a.bos = reinterpret_cast<decltype(a.bos)>(sym("ropelab_spm_bos"));
    a.eos = reinterpret_cast<decltype(a.eos)>(sym("ropelab_spm_eos"));
    a.unk = reinterpret_cast<decltype(a.unk)>(sym("ropelab_spm_unk"));
    a.size = reinterpret_cast<decltype(a.size)>(sym("ropelab_spm_size"));
    a.is_control = reinterpret_cast<decltype(a.is_control)>(sym("ropelab_spm_is_control"));
    a.free_buf = reinterpret_cast<decltype(a.free_buf)>(sym("ropelab_spm_free_buf"));
    a.train = reinterpret_cast<decltype(a.train)>(sym("ropelab_spm_train"));
    return a;
  }();
  return api;
}

}  // namespace

Tokenizer::Tokenizer(const std::string& model_path) : path_(model_path) {
  check_input(fs::exists(model_path), model_path, ": tokenizer model not found");
  char err[512] = {0};
  sp_ = spm().load(model_path.c_str(), err, sizeof err);
  check_input(sp_ != nullptr, model_path, ": not a valid SentencePiece model (", err, ")");
}

Tokenizer::~Tokenizer() {
  if (sp_) spm().free_model(sp_);
}

Tokenizer::Tokenizer(Tokenizer&& o) noexcept : path_(std::move(o.path_)), sp_(o.sp_) { o.sp_ = nullptr; }

std::vector<int64_t> Tokenizer::encode(const std::string& text, bool add_bos, bool add_eos) const {
  int* ids = nullptr;
  size_t n = 0;
  if (spm().encode(sp_, text.data(), text.size(), &ids, &n) != 0)
    // The model loaded but SentencePiece refuses to use it: the file is damaged (found by fuzzing).
    fail_input(path_, ": SentencePiece cannot encode with this model (a damaged tokenizer.model?)");
  std::vector<int64_t> out;
  out.reserve(n + 2);
  if (add_bos && bos_id() >= 0) out.push_back(bos_id());
  out.insert(out.end(), ids, ids + n);
  spm().free_buf(ids);
  if (add_eos && eos_id() >= 0) out.push_back(eos_id());
  return out;
}

std::string Tokenizer::decode(const std::vector<int64_t>& ids) const {
  std::vector<int> keep;
  keep.reserve(ids.size());
  const int64_t V = vocab_size();
  for (int64_t id : ids) {
    check_input(id >= 0 && id < V, "token id ", id, " outside the tokenizer's vocabulary [0, ", V, ")");
    if (spm().is_control(sp_, int(id))) continue;  // BOS, EOS, pad: skip_special_tokens
    keep.push_back(int(id));
  }
  size_t len = 0;
  char* text = spm().decode(sp_, keep.data(), keep.size(), &len);
  if (!text) fail_input(path_, ": SentencePiece cannot decode with this model (a damaged tokenizer.model?)");
  std::string out(text, len);
  spm().free_buf(text);
  return out;
}

std::string Tokenizer::piece(int64_t id) const {
  char* p = spm().id_to_piece(sp_, int(id));
  std::string out(p);
  spm().free_buf(p);
  return out;
}

int64_t Tokenizer::bos_id() const { return spm().bos(sp_); }
int64_t Tokenizer::eos_id() const { return spm().eos(sp_); }
int64_t Tokenizer::vocab_size() const { return spm().size(sp_); }

int64_t Tokenizer::newline_id() const {
  int id = spm().piece_to_id(sp_, "<0x0A>");
  if (id != spm().unk(sp_)) return id;
  auto ids = encode("\n");
  return ids.empty() ? -1 : ids.back();
}

void TokenizerTrainOptions::validate() const {
  check_input(!inputs.empty(), "tokenizer train: `inputs`: at least one text file is needed");
  for (const auto& f : inputs)
    check_input(fs::exists(f), "tokenizer train: `inputs` ", f, ": file not found");
  check_input(!output_model.empty(), "tokenizer train: `output_model`: output path is required");
  check_input(vocab_size >= 300 && vocab_size <= 1000000, "tokenizer train: `vocab_size` (", vocab_size,
              ") must be in [300, 1000000] (byte fallback alone needs 259 pieces)");
  check_input(model_type == "bpe" || model_type == "unigram", "tokenizer train: `model_type` '", model_type,
              "'; valid: bpe, unigram");
  check_input(threads >= 1, "tokenizer train: `threads` must be >= 1");
}

void train_tokenizer(const TokenizerTrainOptions& opts) {
  opts.validate();
  fs::path out(opts.output_model);
  // Train under a temporary prefix, then move the model into place (atomic output).
  std::string prefix =
      (out.parent_path() / (out.stem().string() + ".tmp-" + std::to_string(::getpid()))).string();
  // The SentencePiece trainer's own flags, name=value.
  std::string input;
  for (size_t i = 0; i < opts.inputs.size(); ++i) input += (i ? "," : "") + opts.inputs[i];
  const std::vector<std::pair<std::string, std::string>> flags = {
      {"input", input},
      {"model_prefix", prefix},
      {"vocab_size", std::to_string(opts.vocab_size)},
      {"model_type", opts.model_type},
      {"character_coverage", "1.0"},
      {"byte_fallback", "true"},
      {"split_digits", "true"},
      {"normalization_rule_name", "identity"},
      {"add_dummy_prefix", "true"},
      {"unk_id", "0"},
      {"bos_id", "1"},
      {"eos_id", "2"},
      {"pad_id", "-1"},
      {"num_threads", std::to_string(opts.threads)},
      {"hard_vocab_limit", "false"},
      {"minloglevel", "2"}};
  std::ostringstream args;
  for (size_t i = 0; i < flags.size(); ++i)
    args << (i ? " " : "") << "--" << flags[i].first << "=" << flags[i].second;
  char err[1024] = {0};
  int rc = spm().train(args.str().c_str(), err, sizeof err);
  check_input(rc == 0, "tokenizer train: ", err);
  fs::remove(prefix + ".vocab");
  fs::rename(prefix + ".model", out);
}

std::string tokenizer_path_in(const std::string& model_dir, const std::string& needed_for) {
  fs::path p = fs::path(model_dir) / "tokenizer.model";
  check_input(fs::exists(p), model_dir, ": no tokenizer.model; ", needed_for,
              " needs a tokenizer (give token ids instead, or train one with `ropelab tokenizer train`)");
  return p.string();
}

Tokenizer open_model_tokenizer(const std::string& model_dir, int64_t model_vocab_size,
                               const std::string& needed_for) {
  Tokenizer tok(tokenizer_path_in(model_dir, needed_for));
  check_input(tok.vocab_size() <= model_vocab_size, model_dir, ": tokenizer has ", tok.vocab_size(),
              " pieces but the model's vocab_size is ", model_vocab_size);
  return tok;
}

void check_token_ids(const std::vector<int64_t>& ids, int64_t vocab_size, const std::string& where) {
  for (size_t i = 0; i < ids.size(); ++i)
    check_input(ids[i] >= 0 && ids[i] < vocab_size, where, ": token ", i + 1, " (id ", ids[i],
                ") is outside the model's vocabulary [0, ", vocab_size, ")");
}

}  // namespace ropelab
