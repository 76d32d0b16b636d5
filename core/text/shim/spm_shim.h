// C interface of the SentencePiece shim library (libropelab_spm.so).
//
// Why a shim: Debian's libsentencepiece exports its bundled copy of protobuf-lite, and LibTorch
// pulls in the system libprotobuf. Linked into one process they interpose each other's symbols
// and crash at start-up. The tokenizer therefore loads SentencePiece through this shim with
// dlopen(RTLD_LOCAL | RTLD_DEEPBIND), so each library keeps its own protobuf.
#pragma once
#include <stddef.h>

extern "C" {
// Returns a handle or null (message in err).
void* ropelab_spm_load(const char* path, char* err, size_t errlen);
void ropelab_spm_free(void* h);
// Encodes text; *out is malloc'd (free with ropelab_spm_free_buf). Returns 0 on success.
int ropelab_spm_encode(void* h, const char* text, size_t len, int** out, size_t* n);
// Decodes ids; returns a malloc'd NUL-terminated string (length in *len) or null.
char* ropelab_spm_decode(void* h, const int* ids, size_t n, size_t* len);
char* ropelab_spm_id_to_piece(void* h, int id);
int ropelab_spm_piece_to_id(void* h, const char* piece);
int ropelab_spm_bos(void* h);
int ropelab_spm_eos(void* h);
int ropelab_spm_unk(void* h);
int ropelab_spm_size(void* h);
int ropelab_spm_is_control(void* h, int id);
void ropelab_spm_free_buf(void* p);
// Trains a model with SentencePiece's flag string; 0 on success, message in err.
int ropelab_spm_train(const char* args, char* err, size_t errlen);
}
