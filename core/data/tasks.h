// The synthetic task family of the miniature study: each instance is a long context, one or more
// short-answer questions about it, and the prompt template that frames them. Seven kinds:
//   passkey    the standard passkey prompt (core/data/passkey_text.h), key at a random depth
//   sdqa       one document of natural filler with embedded facts ("The secret city of Mara is
//              Lisbon."); a question about one of them             -> LongBench multifieldqa_en
//   mdqa       5 "Passage k:" blocks; facts about several people, same attribute, spread over the
//              passages; the question needs one of them (1-hop)    -> LongBench hotpotqa
//   fewshot    "Text: ...\nType: label" examples; the label is the one the instance's random
//              keyword->label table gives the text's keyword        -> LongBench trec
//   retrieval  8 "Paragraph k: ..." blocks; the input is a sentence copied from one of them, the
//              answer "Paragraph k"                                 -> LongBench passage_retrieval_en
//   kv         4 "The magic number for amber-anchor is 4821374." needles in natural filler; the
//              input "What is the magic number for K? The magic number for K is", the answer
//              K's number (several keys with `questions`)            -> RULER niah_multikey_1
//   recite     natural filler; the input "Which words follow "CUE" in the text? CUE" with CUE 6
//              words of it, the answer the 6 words after CUE there   (pre-training only: dense copy)
//
// Invariants: an instance is a pure function of (kind, tokenizer, filler, request, rng state);
// its size is fitted with the tokenizer so that request.measure(instance) <= target_tokens and,
// except for passkey (whole filler sentences), within a few tokens of it (tests bound the gap);
// answers of sdqa, mdqa and kv (and kv's keys) occur exactly once in the context, a retrieval query sentence
// occurs exactly once, every fewshot query keyword has at least one labelled example; facts sit at a
// uniformly drawn depth. mdqa and retrieval have a fixed number of blocks that grow with the
// length (kv a fixed number of pairs), so a longer context asks the same task further away.
// Filler comes from the given split's documents only.
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "core/data/filler.h"
#include "core/text/tokenizer.h"
#include "core/util/rng.h"

namespace ropelab::data {

enum class TaskKind { passkey, sdqa, mdqa, fewshot, retrieval, kv, recite };

std::vector<TaskKind> all_task_kinds();
std::string task_name(TaskKind k);
std::string task_names();  // "passkey, sdqa, ...", for messages
bool is_task_name(const std::string& name);
// InputError naming `option` and listing the valid names for an unknown name.
TaskKind task_from_string(const std::string& name, const std::string& option);

struct QA {
  std::string input;   // the question / query, as it goes into {input}
  std::string answer;  // short answer
  double depth = 0;    // where the needed fact sits in the context, 0 = start, 1 = end
};

struct TaskInstance {
  TaskKind kind = TaskKind::sdqa;
  std::string context;
  std::vector<QA> qa;                    // qa[0] is the main question; more for multi-turn chats
  std::vector<std::string> all_classes;  // fewshot only
  int64_t measured_tokens = 0;           // request.measure(*this) after fitting
};

// Our prompt template for a kind (Python str.format style: only {context} and {input}).
const std::string& task_template(TaskKind k);
// Replaces {context} and {input}; values are inserted literally.
std::string format_template(const std::string& tmpl, const std::string& context, const std::string& input);
// The whole prompt for question q: the template filled with the context and qa[q].input.
std::string prompt_text(const TaskInstance& t, size_t q = 0);
// A later turn asking question q about the same context: the template's part after {context}.
std::string followup_text(const TaskInstance& t, size_t q);
// Pre-training text: prompt_text + " " + answer, so a loss on every token teaches the task; every
// further question follows as "\n" + followup_text + " " + answer (one answer per question: an
// instance with several questions supervises several answers over one context).
std::string document_text(const TaskInstance& t);
// How a chat document wraps each question: LLaMA-2's own template ("[INST] prompt [/INST]") or the
// one LongBench's pred.py feeds a llama2 model ("[INST]prompt[/INST]", no spaces). A chat model
// reads both alike; a tiny one does only what it has seen, so pre-training shows it both.
enum class ChatWrap { llama2, longbench };

// The same as a LLaMA-2 conversation: one turn per question, "[INST] prompt [/INST] answer" (or
// the LongBench wrap), turns joined by kTurnBoundary, so that every answer ends with EOS once
// tokenised (encode_turns) — what a chat model's instruction tuning looks like.
std::string chat_document_text(const TaskInstance& t, ChatWrap wrap);

using Measure = std::function<int64_t(const TaskInstance&)>;
Measure context_tokens(const Tokenizer& tok);   // tokens of the context alone (no BOS)
Measure document_tokens(const Tokenizer& tok);  // tokens of document_text with BOS and EOS
Measure chat_document_tokens(const Tokenizer& tok, ChatWrap wrap);  // encode_turns of chat_document_text

struct TaskRequest {
  int64_t target_tokens = 0;
  Measure measure;                         // what has to fit target_tokens
  int questions = 1;                       // length of qa (passkey always has 1)
  int distractors = 0;                     // sdqa: more facts of each asked fact's attribute (others' names)
  std::string length_option = "`length`";  // named in errors when the target is too small
};

TaskInstance make_task(TaskKind kind, const Tokenizer& tok, const FillerText& filler, const TaskRequest& req,
                       Rng& rng);

}  // namespace ropelab::data
