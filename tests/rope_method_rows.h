// One row per RoPE method configuration, shared by the golden float64 reference test
// (tests/golden), the HF-form round trip and the cached-decoding property (tests/unit): a new
// method is tested everywhere by one row here (and its formula in reference_forward.py).
// Rows are HF-style rope_scaling objects for a micro model (head dim 16, window 32).
#pragma once
#include <string>
#include <vector>

namespace ropelab::testing {

inline const std::vector<std::string>& rope_method_rows() {
  static const std::vector<std::string> v = {
      "null",
      R"({"rope_type":"linear","factor":4})",
      R"({"rope_type":"ntk","factor":4})",
      R"({"rope_type":"dynamic","factor":4})",
      R"({"rope_type":"ntk_by_parts","factor":4})",
      R"({"rope_type":"yarn","factor":4})",
      R"({"rope_type":"llama3","factor":4,"original_max_position_embeddings":32})",
      R"({"rope_type":"longrope","factor":4,"short_factor":[1,1.1,1.2,1.3,1.4,1.5,1.6,1.7],"long_factor":[1,1.5,2,2.5,3,3.5,4,4.5]})",
      R"({"rope_type":"abf"})",
      R"({"rope_type":"eabf"})",
      R"({"rope_type":"eabf","exempt_layers":0,"logit_scale_floor":false})",
      R"({"rope_type":"yarn","factor":4,"logit_scale":"dynamic_log"})",
      R"({"rope_type":"abf","logit_scale":"constant","logit_scale_value":1.2965})",
      R"({"rope_type":"mixed_ntk","factor":4,"mixed_b":1.5})",
      R"({"rope_type":"ntk_alpha","alpha":4})",
      R"({"rope_type":"ntk","factor":4,"mixed_b":0.75})",
      R"({"rope_type":"yarn","factor":4,"resonance":true})",
      R"({"rope_type":"abf","logit_scale":"qwen_logn"})",
      R"({"rope_type":"yarn","factor":4,"llama_4_scaling_beta":0.5})",
      R"({"rope_type":"default","logit_scale":"llama4","llama_4_scaling_beta":0.3,"llama_4_floor_scale":8,"llama_4_position_offset":1,"exempt_layers":1})",
  };
  return v;
}

}  // namespace ropelab::testing
