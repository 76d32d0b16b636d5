// Tokenizer: train → encode → decode round trip on the shipped corpus, BOS/EOS, chat template.
#include <gtest/gtest.h>

#include "core/text/chat_template.h"
#include "core/text/tokenizer.h"
#include "core/util/error.h"
#include "test_util.h"
#include "train_test_util.h"

using namespace ropelab;
using ropelab::testing::TempDir;

using ropelab::testing::shared_tokenizer;

TEST(Tokenizer, TrainEncodeDecodeRoundTrip) {
  const auto& tok = shared_tokenizer();
  EXPECT_EQ(tok.vocab_size(), 600);
  const std::string text = "A journey of a thousand miles begins with 12 steps. Ünïcödé ✓";
  auto ids = tok.encode(text, /*bos=*/true, /*eos=*/true);
  EXPECT_EQ(ids.front(), tok.bos_id());
  EXPECT_EQ(ids.back(), tok.eos_id());
  EXPECT_EQ(tok.decode(ids), text);  // byte fallback covers characters never seen in training
}

TEST(Tokenizer, NewlineIsAByteToken) {
  const auto& tok = shared_tokenizer();
  EXPECT_EQ(tok.piece(tok.newline_id()), "<0x0A>");
}

TEST(Tokenizer, MissingModelFileIsNamed) {
  try {
    Tokenizer t("/nonexistent/tokenizer.model");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/tokenizer.model"), std::string::npos);
  }
}

TEST(ChatTemplate, Llama2PromptText) {
  EXPECT_EQ(llama2_prompt_text(" Hi "), "[INST] Hi [/INST]");
  EXPECT_EQ(llama2_prompt_text("Hi", "Be brief."), "[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nHi [/INST]");
}

// A pre-training document's "</s><s>" is EOS + BOS, as Hugging Face tokenizers read it: each turn
// is encoded on its own with BOS and EOS; a text without the boundary is one BOS + text + EOS.
TEST(ChatTemplate, TurnBoundaryEncodesAsEosThenBos) {
  const auto& tok = shared_tokenizer();
  auto one = tok.encode("The sky is blue.", true, true);
  EXPECT_EQ(encode_turns(tok, "The sky is blue."), one);
  auto a = tok.encode("[INST] Sky? [/INST] blue", true, true);
  auto b = tok.encode("[INST] Grass? [/INST] green", true, true);
  std::vector<int64_t> both(a);
  both.insert(both.end(), b.begin(), b.end());
  EXPECT_EQ(encode_turns(tok, "[INST] Sky? [/INST] blue</s><s>[INST] Grass? [/INST] green"), both);
  ASSERT_GT(a.size(), 2u);
  EXPECT_EQ(a.back(), tok.eos_id());
  EXPECT_EQ(b.front(), tok.bos_id());
  // A lone "</s>" (an HTML tag, say) is text, not a boundary.
  EXPECT_EQ(encode_turns(tok, "x </s> y"), tok.encode("x </s> y", true, true));
}

TEST(ChatTemplate, AssistantMaskCoversExactlyTheAnswersAndTheirEos) {
  const auto& tok = shared_tokenizer();
  std::vector<ChatTurn> turns = {{"What is two plus two?", "Four."}, {"And three?", "Five."}, {"Bye", ""}};
  auto ct = llama2_chat_tokens(tok, turns, "You are terse.");
  ASSERT_EQ(ct.ids.size(), ct.is_assistant.size());
  auto p1 = tok.encode("[INST] <<SYS>>\nYou are terse.\n<</SYS>>\n\nWhat is two plus two? [/INST]", true);
  auto a1 = tok.encode("Four.", false, true);
  auto p2 = tok.encode("[INST] And three? [/INST]", true);
  auto a2 = tok.encode("Five.", false, true);
  auto p3 = tok.encode("[INST] Bye [/INST]", true);
  std::vector<int64_t> expect;
  std::vector<uint8_t> mask;
  for (auto* seg : {&p1, &a1, &p2, &a2, &p3}) {
    expect.insert(expect.end(), seg->begin(), seg->end());
    mask.insert(mask.end(), seg->size(), uint8_t(seg == &a1 || seg == &a2));
  }
  EXPECT_EQ(ct.ids, expect);
  EXPECT_EQ(ct.is_assistant, mask);
}
