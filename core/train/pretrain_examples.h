// Pre-training examples: documents packed into sequences of at most `window` tokens.
//
// Each document becomes BOS + text + EOS (each turn of a chat document, cut at "</s><s>", its own
// BOS + turn + EOS: encode_turns). Whole documents are packed greedily in file order into
// one sequence while they fit (attention crosses document boundaries, as in standard causal-LM
// pre-training); a document longer than the window is cut into window-sized pieces. Every token
// but the first of a sequence is a loss target. Sequences are not padded here — the trainer
// right-pads a micro-batch and masks the padding.
#pragma once
#include <string>
#include <vector>

#include "core/text/tokenizer.h"
#include "core/train/sft_examples.h"

namespace ropelab {

std::vector<TrainExample> pack_documents(const std::vector<std::string>& docs, const Tokenizer& tok,
                                         int64_t window);

}  // namespace ropelab
