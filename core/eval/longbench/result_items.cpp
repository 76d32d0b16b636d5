#include "core/eval/longbench/result_items.h"

#include "core/util/files.h"

namespace ropelab::longbench {

namespace {

template <typename T>
nlohmann::json or_null(const std::optional<T>& v) {
  return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json result_items_json(const ScoreReport& report) {
  nlohmann::json datasets = nlohmann::json::object();
  for (const auto& d : report.datasets)
    datasets[d.dataset] = {{"metric", to_string(task_info(d.dataset).metric)},
                           {"n", d.num_samples},
                           {"overall", d.score},
                           {"fit", or_null(d.fit_score)},
                           {"n_fit", d.n_fit},
                           {"n_truncated", d.n_truncated},
                           {"n_truncation_unknown", d.n_truncation_unknown},
                           {"answer_nll", or_null(d.answer_nll)},
                           {"n_answer_logprob", d.n_answer_logprob},
                           {"answer_tokens", d.answer_tokens_sum},
                           {"items", nlohmann::json::array()}};
  for (const auto& s : report.samples)
    datasets[s.dataset]["items"].push_back({{"index", s.index},
                                            {"_id", or_null(s.info.id)},
                                            {"score", s.score},
                                            {"truncated", or_null(s.info.truncated)},
                                            {"prompt_tokens", or_null(s.info.prompt_tokens)},
                                            {"answer_logprob", or_null(s.info.answer_logprob)},
                                            {"answer_tokens", or_null(s.info.answer_tokens)}});
  return {{"format", "ropelab-longbench-result-items/1"},
          {"code_sim_backend", to_string(report.options.code_sim_backend)},
          {"longbench_e", report.options.longbench_e},
          {"datasets", datasets}};
}

void write_result_files(const std::filesystem::path& dir, const ScoreReport& report) {
  write_text_file_atomic(dir / "result.json", result_json(report).dump(4));
  write_text_file_atomic(dir / "result_items.json", result_items_json(report).dump(2) + "\n");
}

}  // namespace ropelab::longbench
