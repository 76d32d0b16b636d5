// A tokenizer.model (SentencePiece's protobuf), loaded through the SentencePiece shim and used:
// encode with and without BOS/EOS, decode, pieces, special ids. Built without LibTorch (the shim
// is then loaded without RTLD_DEEPBIND, which AddressSanitizer refuses).
#include <algorithm>

#include "core/text/tokenizer.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;

ROPELAB_FUZZ_TARGET(tokenizer_model) {
  const Tokenizer tok(write_scratch("tokenizer.model", input));
  const auto ids =
      tok.encode("Hello, world!\n  12345 \xc3\xbc\xe2\x82\xac\xf0\x9f\x99\x82 <s></s>", true, true);
  (void)tok.decode(ids);
  const int64_t n = tok.vocab_size();
  for (int64_t id = 0; id < std::min<int64_t>(n, 64); ++id) (void)tok.piece(id);
  (void)tok.piece(n - 1);
  (void)tok.bos_id();
  (void)tok.eos_id();
  (void)tok.newline_id();
  (void)tok.decode({0, n - 1, tok.bos_id(), tok.eos_id()});
}
