// llama4: t = 1 + β·ln(1 + ⌊(p + offset)/F⌋), HF transformers' Ministral-3 semantics: β =
// llama_4_scaling_beta, F = original_max_position_embeddings of the same rope_parameters object,
// p the 0-based position (offset 0), q multiplied after RoPE in every layer, training included.
// Llama-4's own attention temperature is the same rule with offset 1 and its floor_scale as F.
#include <cmath>

#include "core/rope/rope_spec.h"
#include "core/util/error.h"

namespace ropelab {

namespace {
class Llama4Scale final : public LogitScalePolicy {
 public:
  std::string name() const override { return "llama4"; }
  double at(int64_t p, bool) const override {
    return 1.0 + beta * std::log(1.0 + std::floor(double(p + offset) / double(floor_scale)));
  }
  void to_json(nlohmann::json& j) const override {
    j["logit_scale"] = "llama4";
    j["llama_4_scaling_beta"] = beta;
    j["llama_4_floor_scale"] = floor_scale;
    j["llama_4_position_offset"] = offset;
  }
  // HF reads only β (F is its original_max_position_embeddings, offset 0): written when exact.
  void write_hf(nlohmann::json& params) const override {
    if (hf_exact) params["llama_4_scaling_beta"] = beta;
  }
  double beta = 0.0;
  int64_t floor_scale = 1, offset = 0;
  bool hf_exact = true;
};

std::shared_ptr<const LogitScalePolicy> parse_llama4(RopeKeys& k, const RopeSpec& s) {
  auto p = std::make_shared<Llama4Scale>();
  auto beta = k.optional_number("llama_4_scaling_beta");
  check_input(beta.has_value(), k.where(),
              ": logit_scale 'llama4' needs key 'llama_4_scaling_beta' (e.g. 0.1)");
  p->beta = *beta;
  check_input(std::isfinite(p->beta) && p->beta >= 0, k.where(), ": key 'llama_4_scaling_beta' (", p->beta,
              ") must be >= 0");
  p->floor_scale = k.integer("llama_4_floor_scale", s.original_max_position);
  check_input(p->floor_scale > 0, k.where(), ": key 'llama_4_floor_scale' (", p->floor_scale,
              ") must be > 0");
  p->offset = k.integer("llama_4_position_offset", 0);
  check_input(p->offset >= 0, k.where(), ": key 'llama_4_position_offset' (", p->offset, ") must be >= 0");
  p->hf_exact = p->floor_scale == s.original_max_position && p->offset == 0;
  return p;
}

bool claims_llama4(const nlohmann::json& rs) { return rs.is_object() && rs.contains("llama_4_scaling_beta"); }
}  // namespace

PolicyEntry policy_entry_llama4() {
  return {"llama4", "t = 1 + beta ln(1 + floor((p + offset)/F)) (Llama-4, Ministral-3)", parse_llama4,
          claims_llama4};
}

}  // namespace ropelab
