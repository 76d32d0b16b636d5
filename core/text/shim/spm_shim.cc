// The SentencePiece shim (see spm_shim.h). Built as its own shared library; deliberately a .cc
// file so the core library's *.cpp glob does not pick it up.
#include "core/text/shim/spm_shim.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {
void set_err(char* err, size_t errlen, const std::string& msg) {
  if (err && errlen) {
    std::strncpy(err, msg.c_str(), errlen - 1);
    err[errlen - 1] = 0;
  }
}
sentencepiece::SentencePieceProcessor* sp(void* h) {
  return static_cast<sentencepiece::SentencePieceProcessor*>(h);
}
char* dup(const std::string& s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = 0;
  return p;
}
}  // namespace

extern "C" {

// Nothing may unwind through this C interface: SentencePiece throws on some malformed models
// (darts_clone's "zero-length key", found by fuzz/targets/tokenizer_model.cpp), so every entry
// that parses or allocates turns an exception into its error return. catch (...) is deliberate at
// an extern "C" boundary.
void* ropelab_spm_load(const char* path, char* err, size_t errlen) {
  sentencepiece::SentencePieceProcessor* p = nullptr;
  try {
    p = new sentencepiece::SentencePieceProcessor();
    auto st = p->Load(path);
    if (st.ok()) return p;
    set_err(err, errlen, st.ToString());
  } catch (const std::exception& e) {
    set_err(err, errlen, std::string("SentencePiece failed: ") + e.what());
  } catch (...) {
    set_err(err, errlen, "SentencePiece failed with a non-standard exception");
  }
  delete p;
  return nullptr;
}

void ropelab_spm_free(void* h) { delete sp(h); }

int ropelab_spm_encode(void* h, const char* text, size_t len, int** out, size_t* n) {
  try {
    std::vector<int> ids;
    auto st = sp(h)->Encode(std::string(text, len), &ids);
    if (!st.ok()) return 1;
    *n = ids.size();
    *out = static_cast<int*>(std::malloc(sizeof(int) * (ids.size() ? ids.size() : 1)));
    if (!ids.empty()) std::memcpy(*out, ids.data(), sizeof(int) * ids.size());
    return 0;
  } catch (...) {  // see ropelab_spm_load
    return 1;
  }
}

char* ropelab_spm_decode(void* h, const int* ids, size_t n, size_t* len) {
  try {
    std::string text;
    auto st = sp(h)->Decode(std::vector<int>(ids, ids + n), &text);
    if (!st.ok()) return nullptr;
    *len = text.size();
    return dup(text);
  } catch (...) {  // see ropelab_spm_load
    return nullptr;
  }
}

char* ropelab_spm_id_to_piece(void* h, int id) { return dup(sp(h)->IdToPiece(id)); }
int ropelab_spm_piece_to_id(void* h, const char* piece) { return sp(h)->PieceToId(piece); }
int ropelab_spm_bos(void* h) { return sp(h)->bos_id(); }
int ropelab_spm_eos(void* h) { return sp(h)->eos_id(); }
int ropelab_spm_unk(void* h) { return sp(h)->unk_id(); }
int ropelab_spm_size(void* h) { return sp(h)->GetPieceSize(); }
int ropelab_spm_is_control(void* h, int id) { return sp(h)->IsControl(id) ? 1 : 0; }
void ropelab_spm_free_buf(void* p) { std::free(p); }

int ropelab_spm_train(const char* args, char* err, size_t errlen) {
  try {
    auto st = sentencepiece::SentencePieceTrainer::Train(args);
    if (st.ok()) return 0;
    set_err(err, errlen, st.ToString());
  } catch (const std::exception& e) {  // see ropelab_spm_load
    set_err(err, errlen, std::string("SentencePiece training failed: ") + e.what());
  } catch (...) {
    set_err(err, errlen, "SentencePiece training failed with a non-standard exception");
  }
  return 1;
}
}
