// `ropelab forward`: one sequence of token ids through the model, logits and the RoPE actually
// used written to HDF5 — the command for comparing the toolkit with other implementations.
//
// Output (output::kForwardSchema, written to a temporary file renamed into place; a failure
// removes the temporary):
//   /logits       [T, V]   float32
//   /logit_scale  [L, T]   float32  multiplier applied to each layer's query logits (af² · t)
//   /inv_freq     [D/2]    float64  frequencies used for this sequence length
//   attributes: schema_kind, schema_version, the provenance set of core/output/output_file.h,
//               rope_json (resolved), model_json, model_path, tokens_file, dtype, complete (last)
#include <torch/torch.h>

#include <iostream>

#include "core/output/output_file.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/files.h"
#include "experiments/commands.h"
#include "experiments/eval_cli.h"

namespace ropelab::cli {

int run_forward(const Args& args) {
  po::options_description d = model_command_options("ropelab forward");
  d.add_options()("tokens-file", po::value<std::string>()->required(), "whitespace-separated token ids")(
      "out", po::value<std::string>()->required(), "output HDF5 file")("overwrite", po::bool_switch(),
                                                                       "replace an existing output file");
  const auto vm =
      parse_command("ropelab forward --model DIR --tokens-file FILE [--rope ...] --out OUT.h5", d, args);
  const std::string out = vm["out"].as<std::string>();
  check_output_path(out, vm["overwrite"].as<bool>());
  const auto ids = read_token_file(vm["tokens-file"].as<std::string>());
  auto model = load_model_from_options(vm);
  check_token_ids(ids, model->config.vocab_size, vm["tokens-file"].as<std::string>());
  const int64_t T = int64_t(ids.size());
  torch::NoGradGuard ng;
  auto positions = torch::arange(T, torch::kLong);
  auto logits = model->forward(torch::tensor(ids, torch::kLong).view({1, T}), positions)
                    .squeeze(0)
                    .to(torch::kCPU, torch::kFloat32)
                    .contiguous();  // (T, V)
  const auto& rope = model->config.rope;
  const double af = rope.attention_factor(T);
  auto scale = (model->logit_scale_table(positions) * float(af * af)).contiguous();  // (L, T)
  auto inv = rope.inv_freq(T);                                                       // (D/2,)

  {
    // A temporary renamed into place by commit(); any failure before that removes it.
    output::OutputFile file(out, output::kForwardSchema, {command_line(), options_json(vm).dump()},
                            /*replace=*/true);
    h5::H5File& f = file.file();
    f.set_attr_string("rope_json", rope.to_json().dump());
    f.set_attr_string("model_json", model->config.to_json().dump());
    f.set_attr_string("model_path", vm["model"].as<std::string>());
    f.set_attr_string("tokens_file", vm["tokens-file"].as<std::string>());
    f.set_attr_string("dtype", dtype_cli_name(model->dtype()));
    f.set_attr_bool("complete", false);
    f.write<float>("logits", logits.data_ptr<float>(), {hsize_t(T), hsize_t(logits.size(1))});
    f.write<float>("logit_scale", scale.data_ptr<float>(), {hsize_t(scale.size(0)), hsize_t(T)});
    f.write<double>("inv_freq", inv);
    f.flush();
    output::mark_complete(f);
    file.commit();
  }
  std::cout << "wrote " << out << ": logits [" << T << ", " << logits.size(1) << "], rope " << rope.type
            << ", attention_factor " << af << "\n";
  return 0;
}

}  // namespace ropelab::cli
