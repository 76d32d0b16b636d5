// "randfacts" pre-training documents: multi-query associative recall (Arora et al. 2023, "Zoology")
// in sentences. A document states facts "The code for amber river is 4821." about keys of two random
// words and mentions them again later — restated, or asked "What is the code for amber river? 4821."
// — in a seeded interleaving, until the window is full; every value after its first statement can
// only be predicted by finding its key earlier in the window.
//
// Why two-word keys from small per-document pools: the token before a value ("is") is the same in
// every fact, and the key's last word is shared with other keys of the document, so neither a
// previous-token induction head nor a one-word match finds the value; the loss rewards matching the
// whole key several tokens back — the lookup the kv needles ("The magic number for K is") and the
// passkey question ask for, which a fresh random line repeated (randrepeat) does not teach
// (docs/measurements.md, seventh session).
//
// Invariants: keys are distinct within a document and every key is stated before it is mentioned
// again; values are distinct within a document; the text fits `window` tokens with BOS/EOS and holds
// at least one mention after a statement.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "core/data/pretrain_docs.h"
#include "core/util/rng.h"

namespace ropelab::data {

// `alphabet`: the words keys and word values are drawn from (>= 100 distinct).
PretrainDoc randfacts_doc(const Tokenizer& tok, const std::vector<std::string>& alphabet, Rng& rng,
                          int64_t window);

}  // namespace ropelab::data
