#include "core/data/tasks.h"

#include <algorithm>

#include "core/data/passkey_text.h"
#include "core/data/task_fit.h"
#include "core/eval/longbench/truncation.h"
#include "core/text/chat_template.h"
#include "core/util/enum_names.h"
#include "core/util/error.h"
#include "core/util/largest_fitting.h"

namespace ropelab::data {

namespace {
using K = TaskKind;
constexpr EnumName<TaskKind> kTaskKindNames[] = {
    {K::passkey, "passkey"},     {K::sdqa, "sdqa"}, {K::mdqa, "mdqa"},    {K::fewshot, "fewshot"},
    {K::retrieval, "retrieval"}, {K::kv, "kv"},     {K::recite, "recite"}};
}  // namespace

std::vector<TaskKind> all_task_kinds() { return values_of(kTaskKindNames); }

std::string task_name(TaskKind k) { return name_of(kTaskKindNames, k); }

std::string task_names() { return valid_names(kTaskKindNames); }

bool is_task_name(const std::string& name) { return find_value(kTaskKindNames, name) != nullptr; }

TaskKind task_from_string(const std::string& name, const std::string& option) {
  return parse_name(kTaskKindNames, name, option, "task");
}

const std::string& task_template(TaskKind k) {
  static const std::string passkey = passkey_intro() + " {context} {input}";
  static const std::string sdqa =
      "Read the text and answer the question with a few words.\n\n{context}\n\nQuestion: {input}\nAnswer:";
  static const std::string mdqa =
      "Answer the question using the passages. Give only the answer.\n\n{context}\n\nQuestion: "
      "{input}\nAnswer:";
  static const std::string fewshot =
      "Give the type of the last text. The examples show the type of each text.\n\n{context}\n{input}";
  static const std::string retrieval =
      "Find the paragraph that contains the sentence. Answer like \"Paragraph 1\".\n\n{context}\n\n"
      "Sentence: {input}\nAnswer:";
  // The input ends with the needle's own words ("The magic number for K is"), as the passkey
  // question ends with "The pass key is" and RULER's answer prefix with "The magic numbers for K".
  static const std::string kv = "Remember the magic numbers in the text.\n\n{context}\n\n{input}";
  static const std::string recite =
      "Read the text; you will be asked to recite parts of it.\n\n{context}\n\n{input}";
  switch (k) {
    case TaskKind::passkey:
      return passkey;
    case TaskKind::sdqa:
      return sdqa;
    case TaskKind::mdqa:
      return mdqa;
    case TaskKind::fewshot:
      return fewshot;
    case TaskKind::retrieval:
      return retrieval;
    case TaskKind::kv:
      return kv;
    case TaskKind::recite:
      return recite;
  }
  return sdqa;
}

std::string format_template(const std::string& tmpl, const std::string& context, const std::string& input) {
  std::string out;
  for (size_t i = 0; i < tmpl.size();) {
    if (tmpl.compare(i, 9, "{context}") == 0) {
      out += context;
      i += 9;
    } else if (tmpl.compare(i, 7, "{input}") == 0) {
      out += input;
      i += 7;
    } else {
      out += tmpl[i++];
    }
  }
  return out;
}

std::string prompt_text(const TaskInstance& t, size_t q) {
  return format_template(task_template(t.kind), t.context, t.qa.at(q).input);
}

std::string followup_text(const TaskInstance& t, size_t q) {
  const auto& tmpl = task_template(t.kind);
  auto tail = format_template(tmpl.substr(tmpl.find("{context}") + 9), "", t.qa.at(q).input);
  auto b = tail.find_first_not_of(" \n");
  return b == std::string::npos ? "" : tail.substr(b);
}

std::string document_text(const TaskInstance& t) {
  std::string out = prompt_text(t, 0) + " " + t.qa.at(0).answer;
  for (size_t q = 1; q < t.qa.size(); ++q) out += "\n" + followup_text(t, q) + " " + t.qa[q].answer;
  return out;
}

std::string chat_document_text(const TaskInstance& t, ChatWrap wrap) {
  auto turn = [&](const std::string& user, const std::string& answer) {
    const std::string prompt =
        wrap == ChatWrap::llama2 ? llama2_prompt_text(user) : longbench::longbench_llama2_wrap(user);
    return prompt + " " + answer;
  };
  std::string out = turn(prompt_text(t, 0), t.qa.at(0).answer);
  for (size_t q = 1; q < t.qa.size(); ++q) out += kTurnBoundary + turn(followup_text(t, q), t.qa[q].answer);
  return out;
}

Measure context_tokens(const Tokenizer& tok) {
  return [&tok](const TaskInstance& t) { return int64_t(tok.encode(t.context).size()); };
}

Measure document_tokens(const Tokenizer& tok) {
  return [&tok](const TaskInstance& t) { return int64_t(tok.encode(document_text(t), true, true).size()); };
}

Measure chat_document_tokens(const Tokenizer& tok, ChatWrap wrap) {
  return [&tok, wrap](const TaskInstance& t) {
    return int64_t(encode_turns(tok, chat_document_text(t, wrap)).size());
  };
}

TaskInstance fit_task(const TaskEnv& env, const std::string& task, size_t max_n, const Builder& build) {
  const int64_t target = env.req.target_tokens;
  auto measured = [&](size_t n) {
    auto t = build(n);
    t.measured_tokens = env.req.measure(t);
    return t;
  };
  auto best = measured(0);
  check_input(best.measured_tokens <= target, env.req.length_option, " (", target,
              ") is below the minimum of ", best.measured_tokens, " tokens a ", task, " instance needs");
  auto top = measured(max_n);
  if (top.measured_tokens <= target) return top;
  return largest_fitting(0, max_n, std::move(best), measured,
                         [&](const TaskInstance& t) { return t.measured_tokens <= target; });
}

void fail_attempts(const TaskEnv& env, const std::string& task, const std::string& why) {
  fail_input(env.req.length_option, " (", env.req.target_tokens, "): no valid ", task, " instance in ",
             kMaxAttempts, " draws (", why, "); use a longer length or more filler documents");
}

Passages draw_passages(const TaskEnv& env, Rng& rng, size_t count) {
  Passages p;
  p.weights.resize(count);
  for (auto& w : p.weights) w = 0.6 + 0.8 * rng.unit();
  p.start = rng.below(env.filler.start_count());
  return p;
}

std::vector<std::pair<size_t, size_t>> cut_blocks(size_t total_words, const std::vector<size_t>& sizes,
                                                  size_t min_last) {
  std::vector<std::pair<size_t, size_t>> blocks;
  size_t pos = 0;
  for (size_t i = 0; pos < total_words; ++i) {
    size_t len = sizes[i % sizes.size()];
    size_t end = std::min(total_words, pos + len);
    if (end == total_words && end - pos < min_last && !blocks.empty())  // only the final piece
      blocks.back().second = end;
    else
      blocks.push_back({pos, end});
    pos = end;
  }
  if (blocks.empty()) blocks.push_back({0, 0});
  return blocks;
}

std::vector<std::pair<size_t, size_t>> cut_fixed(size_t total_words, const std::vector<double>& weights) {
  double sum = 0;
  for (double w : weights) sum += w;
  std::vector<std::pair<size_t, size_t>> blocks;
  double acc = 0;
  size_t pos = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    acc += weights[i];
    const size_t end = i + 1 == weights.size() ? total_words : size_t(double(total_words) * acc / sum);
    blocks.push_back({pos, std::max(pos, end)});
    pos = std::max(pos, end);
  }
  return blocks;
}

std::string weave_sentences(const Span& s, std::vector<std::pair<size_t, std::string>> at) {
  std::stable_sort(at.begin(), at.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  std::string out;
  auto add = [&](const std::string& piece) {
    if (!piece.empty()) out += (out.empty() ? "" : " ") + piece;
  };
  size_t w = 0;
  for (const auto& [pos, sentence] : at) {
    add(s.join(w, pos));
    add(sentence);
    w = pos;
  }
  add(s.join(w, s.words.size()));
  return out;
}

TaskInstance make_task(TaskKind kind, const Tokenizer& tok, const FillerText& filler, const TaskRequest& req,
                       Rng& rng) {
  check_input(req.questions >= 1, "questions per instance (", req.questions, ") must be >= 1");
  check_input(bool(req.measure), "internal: task request without a measure");
  TaskEnv env{tok, filler, req};
  switch (kind) {
    case TaskKind::passkey:
      return make_passkey(env, rng);
    case TaskKind::sdqa:
      return make_sdqa(env, rng);
    case TaskKind::mdqa:
      return make_mdqa(env, rng);
    case TaskKind::fewshot:
      return make_fewshot(env, rng);
    case TaskKind::retrieval:
      return make_retrieval(env, rng);
    case TaskKind::kv:
      return make_kv(env, rng);
    case TaskKind::recite:
      return make_recite(env, rng);
  }
  fail_input("unknown task kind");
}

}  // namespace ropelab::data
