#include "core/eval/ruler/runner.h"

#include <torch/torch.h>

#include "core/eval/generate.h"
#include "core/eval/ruler/manifest.h"
#include "core/util/error.h"

namespace ropelab::ruler {

void RunConfig::validate() const {
  check_input(limit >= 0, "`limit` (", limit, ") must be >= 0 (0 = all samples)");
  check_input(prefill_chunk >= 0, "`prefill_chunk` (", prefill_chunk, ") must be >= 0");
  check_input(!tasks.empty(), "`tasks`: no task selected");
  for (const auto& t : tasks) {
    const auto it = tokens_to_generate.find(t);
    check_input(it != tokens_to_generate.end() && it->second >= 1, "RULER task ", t,
                ": no tokens_to_generate");
  }
}

predictions::RunSummary run_ruler(LlamaForCausalLM& model, const Tokenizer& tok, const RunConfig& cfg,
                                  const std::filesystem::path& out_dir, nlohmann::json identity,
                                  const nlohmann::json& provenance, bool verbose) {
  cfg.validate();
  predictions::RunPlan plan;
  plan.benchmark = "RULER";
  std::vector<std::vector<ManifestSample>> samples;
  std::vector<GenerateOptions> options;
  for (const auto& name : cfg.tasks) {
    const std::string path = manifest_path(cfg.data_dir, name);
    auto s = read_manifest(path);
    if (cfg.limit > 0 && int64_t(s.size()) > cfg.limit) s.resize(size_t(cfg.limit));
    GenerateOptions go;
    go.max_new_tokens = cfg.tokens_to_generate.at(name);
    go.stop_ids = {tok.eos_id()};
    go.prefill_chunk = cfg.prefill_chunk;
    identity["tokens_to_generate"][name] = go.max_new_tokens;
    plan.tasks.push_back({name, path, s.size(), {{"tokens_to_generate", go.max_new_tokens}}});
    samples.push_back(std::move(s));
    options.push_back(go);
  }
  identity["limit"] = cfg.limit;
  plan.identity = identity;
  plan.provenance = provenance;
  plan.shard = cfg.shard;
  plan.overwrite = cfg.overwrite;

  torch::NoGradGuard ng;
  return predictions::run_predictions(
      plan, out_dir,
      [&](size_t t, size_t k) -> nlohmann::json {
        const ManifestSample& s = samples[t][k];
        const auto ids = tok.encode(s.input + s.answer_prefix, /*bos=*/true);
        const auto out = generate(model, ids, options[t]);
        return {{"index", s.index},     {"pred", tok.decode(out)}, {"input", s.input},
                {"outputs", s.outputs}, {"others", s.others},      {"truncation", s.truncation},
                {"length", s.length}};
      },
      verbose);
}

}  // namespace ropelab::ruler
