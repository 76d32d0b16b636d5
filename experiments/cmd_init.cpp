// `ropelab init`: a randomly initialised model directory from a config (preset name, HF
// config.json, or INI options file).
#include <torch/torch.h>

#include <filesystem>
#include <functional>
#include <iomanip>
#include <iostream>
#include <numeric>
#include <sstream>

#include "core/model/checkpoint.h"
#include "core/text/tokenizer.h"
#include "core/util/dtype.h"
#include "core/util/error.h"
#include "core/util/host_memory.h"
#include "experiments/commands.h"
#include "experiments/parse_options.h"

namespace ropelab::cli {

int run_init(const Args& args) {
  po::options_description d("ropelab init");
  add_common_options(d);
  d.add_options()(
      "arch", po::value<std::string>()->required(),
      ("architecture: a preset (" + ModelConfig::preset_names() + ") or an HF config.json").c_str())(
      "seed", po::value<uint64_t>()->default_value(0), "random seed")(
      "init-std", po::value<double>()->default_value(0.02), "std of the normal weight init (HF: 0.02)")(
      "out", po::value<std::string>()->required(), "output model directory")(
      "dtype", po::value<std::string>()->default_value("fp32"), "stored dtype: fp32, bf16, fp16")(
      "tokenizer", po::value<std::string>(), "tokenizer.model to copy into the directory")(
      "shard-size", po::value<std::string>()->default_value("0"),
      "split weights into shards of this size (e.g. 2GB); 0 = one file")(
      "overwrite", po::bool_switch(), "replace an existing output directory");
  // `--config tiny` or `--config x.json` names the architecture (as in the docs);
  // `--config x.ini` stays the generic options file, which may set `arch = ...`.
  Args a = args;
  for (size_t i = 0; i + 1 < a.size(); ++i) {
    const std::string& v = a[i + 1];
    if (a[i] == "--config" && !(v.size() > 4 && v.compare(v.size() - 4, 4, ".ini") == 0)) a[i] = "--arch";
  }
  const auto vm =
      parse_command("ropelab init --config tiny|config.json|options.ini --out DIR [--seed N]", d, a);

  const std::string spec = vm["arch"].as<std::string>();
  ModelConfig cfg;
  if (auto p = ModelConfig::preset(spec)) {
    cfg = *p;
  } else {
    check_input(spec.size() > 5 && spec.substr(spec.size() - 5) == ".json", "--config '", spec,
                "': not a preset (", ModelConfig::preset_names(), ") nor a .json file");
    cfg = load_model_config(spec);
  }
  if (vm.count("tokenizer")) {
    // The model's vocabulary and special ids follow the tokenizer it is created with.
    Tokenizer tok(vm["tokenizer"].as<std::string>());
    cfg.vocab_size = tok.vocab_size();
    cfg.bos_token_id = tok.bos_id() >= 0 ? std::optional<int64_t>(tok.bos_id()) : std::nullopt;
    cfg.eos_token_id = tok.eos_id() >= 0 ? std::optional<int64_t>(tok.eos_id()) : std::nullopt;
  }
  auto stored = dtype_from_cli(vm["dtype"].as<std::string>());
  cfg.torch_dtype = dtype_torch_name(stored);
  cfg.validate(spec);
  // Streamed to disk tensor by tensor (below): what must fit is the checkpoint on the disk.
  std::ostringstream what;
  what << "--arch " << spec << ": a checkpoint of " << std::setprecision(3) << cfg.parameter_count()
       << " parameters in " << cfg.torch_dtype;
  check_fits_disk(cfg.parameter_count() * double(c10::elementSize(stored)), vm["out"].as<std::string>(),
                  what.str());

  const double init_std = vm["init-std"].as<double>();
  check_input(init_std > 0 && init_std < 10, "--init-std (", init_std, ") must be in (0, 10)");
  // Streamed: each tensor is drawn (in parameter order, as init_weights draws them) when the file
  // writer reaches it, so a 7B model never sits in memory.
  auto gen = at::detail::createCPUGenerator(vm["seed"].as<uint64_t>());
  int64_t n_params = 0;
  for (const auto& [name, shape] : llama_parameter_shapes(cfg))
    n_params += std::accumulate(shape.begin(), shape.end(), int64_t(1), std::multiplies<int64_t>());
  SaveOptions so;
  so.dtype = stored;
  so.overwrite = vm["overwrite"].as<bool>();
  so.shard_size_bytes = parse_byte_size(vm["shard-size"].as<std::string>(), "--shard-size");
  const std::string out = vm["out"].as<std::string>();
  if (vm.count("tokenizer")) {
    namespace fs = std::filesystem;
    const fs::path tok = vm["tokenizer"].as<std::string>();
    check_input(fs::exists(tok), "--tokenizer ", tok.string(), ": file not found");
    so.copy_tokenizer_from = tok.parent_path().string();
    check_input(tok.filename() == "tokenizer.model",
                "--tokenizer must point to a file named tokenizer.model");
  }
  save_model_streamed(
      cfg,
      [&](const std::string& name, const std::vector<int64_t>& shape) {
        return initial_parameter(name, shape, gen, init_std);
      },
      out, so);
  std::cout << "initialised " << out << ": " << n_params << " parameters, " << cfg.num_hidden_layers
            << " layers, hidden " << cfg.hidden_size << ", heads " << cfg.num_attention_heads << "/"
            << cfg.num_key_value_heads << ", stored " << cfg.torch_dtype << ", seed "
            << vm["seed"].as<uint64_t>() << "\n";
  return 0;
}

}  // namespace ropelab::cli
