// A model's config.json (LLaMA/Mistral keys, rope_scaling in transformers 4.x form, rope_parameters
// in 5.x form, the authors' {"type": "eabf"}) and a --rope-json override. What loads is used the
// way the model uses it: parameter shapes, the frequency schedule at several lengths and the
// per-position logit scale, so a value that validates but breaks the arithmetic is found too.
#include "core/config/model_config.h"

#include <algorithm>
#include <boost/program_options.hpp>
#include <cmath>

#include "core/model/llama.h"
#include "core/rope/rope_spec.h"
#include "experiments/cli.h"
#include "fuzz/fuzz_target.h"

using namespace ropelab;
using namespace ropelab::fuzz;
namespace po = boost::program_options;

namespace {

void exercise(const ModelConfig& cfg) {
  (void)llama_parameter_shapes(cfg);
  const int64_t c = cfg.max_position_embeddings;
  for (const int64_t n : {int64_t(1), c, 2 * c, 8 * c}) {
    if (n <= 0 || n > (int64_t(1) << 40)) continue;
    (void)cfg.rope.inv_freq(n);
    for (int64_t layer = 0; layer < std::min<int64_t>(cfg.num_hidden_layers, 4); ++layer)
      (void)cfg.rope.logit_scale_at(layer, n - 1);
  }
}

// A small valid model for the override to apply to.
ModelConfig base_config() {
  static const ModelConfig cfg = [] {
    return load_model_config(write_scratch("base/config.json", R"({"model_type": "llama", "hidden_size": 64,
      "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
      "vocab_size": 256, "max_position_embeddings": 256, "rope_theta": 10000.0, "rms_norm_eps": 1e-5})"));
  }();
  return cfg;
}

}  // namespace

ROPELAB_FUZZ_TARGET(model_config) {
  const auto c = choose(input, 2);
  if (c.which == 0) {
    exercise(load_model_config(write_scratch("m/config.json", c.payload)));
    return;
  }
  ModelConfig cfg = base_config();
  po::options_description d;
  cli::add_rope_options(d);
  const po::variables_map vm = cli::parse_command("fuzz", d, {"--rope-json", std::string(c.payload)});
  if (auto rope = cli::rope_override(vm, cfg)) {
    cfg.rope = *rope;
    exercise(cfg);
  }
}
