#include "core/eval/eval_output.h"

#include <torch/torch.h>  // the result types hold model headers: use the precompiled header

#include <cmath>
#include <cstdio>

#include "core/output/output_file.h"

namespace ropelab {

namespace {

// Opens /eval/<run>/<kind> in the transaction's file: root and run carry the provenance.
h5::Group begin(output::OutputFile& out, const std::string& run, const std::string& kind,
                const EvalRunInfo& info, bool overwrite) {
  h5::Group g = out.begin_run("/eval/" + run + "/" + kind, overwrite);
  g.set_attr_string("model_path", info.model_path);
  g.set_attr_string("model_json", info.model_json);
  g.set_attr_string("rope_json", info.rope_json);
  g.set_attr_string("dtype", info.dtype);
  return g;
}

output::Provenance provenance(const EvalRunInfo& info) { return {info.command_line, info.config_json}; }

std::string num(double v) {
  if (std::isnan(v)) return "nan";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

}  // namespace

void check_eval_run_writable(const std::string& path, const std::string& run, const std::string& kind,
                             bool overwrite) {
  output::validate_run_name(run);
  output::check_writable(path, output::kEvalSchema, "/eval/" + run + "/" + kind, overwrite);
}

void write_passkey_run(const std::string& path, const std::string& run, const EvalRunInfo& info,
                       const PasskeyResult& r, bool overwrite) {
  check_eval_run_writable(path, run, "passkey", overwrite);
  output::OutputFile out(path, output::kEvalSchema, provenance(info));  // other runs stay intact
  h5::Group g = begin(out, run, "passkey", info, overwrite);
  const auto& c = r.config;
  const hsize_t nl = c.lengths.size(), nd = c.depths.size(), nt = hsize_t(c.trials);
  g.set_attr_int("trials", c.trials);
  g.set_attr_int("seed", int64_t(c.seed));
  g.set_attr_int("max_new_tokens", c.max_new_tokens);
  auto lengths = g.write_scale<int64_t>("lengths", c.lengths, "length");
  auto depths = g.write_scale<double>("depths", c.depths, "depth");
  auto trial_v = std::vector<int64_t>(size_t(nt));
  for (size_t i = 0; i < trial_v.size(); ++i) trial_v[i] = int64_t(i);
  auto trials = g.write_scale<int64_t>("trial", trial_v, "trial");
  auto acc = g.write<double>("accuracy", r.accuracy, h5::Shape{nl, nd});
  acc.attach_scale(0, lengths);
  acc.attach_scale(1, depths);
  auto put3 = [&](const std::string& name, auto values) {
    auto d = g.write(name, values, h5::Shape{nl, nd, nt});
    d.attach_scale(0, lengths);
    d.attach_scale(1, depths);
    d.attach_scale(2, trials);
  };
  put3("correct", r.correct);
  put3("prompt_tokens", r.prompt_tokens);
  put3("key_token_pos", r.key_token_pos);
  put3("keys", r.keys);
  g.flush();
  output::mark_complete(g);
  out.commit();
}

void write_ppl_run(const std::string& path, const std::string& run, const EvalRunInfo& info,
                   const PplRunData& d, bool overwrite) {
  check_eval_run_writable(path, run, "ppl", overwrite);
  output::OutputFile out(path, output::kEvalSchema, provenance(info));  // other runs stay intact
  h5::Group g = begin(out, run, "ppl", info, overwrite);
  g.set_attr_int("trained_window", d.trained_window);
  g.set_attr_int("stride", d.stride);
  g.set_attr_string("data_path", d.data_path);
  g.set_attr_string("data_sha256", d.data_sha256);
  g.set_attr_int("n_docs", d.n_docs);
  g.set_attr_int("n_tokens", d.n_tokens);
  std::vector<int64_t> lengths, windows, n_in, n_out;
  std::vector<double> nll, ppl, nll_in, ppl_in, nll_out, ppl_out;
  for (const auto& r : d.results) {
    lengths.push_back(r.length);
    windows.push_back(r.windows);
    n_in.push_back(r.n_inside);
    n_out.push_back(r.n_beyond);
    nll.push_back(r.nll);
    ppl.push_back(std::exp(r.nll));
    nll_in.push_back(r.nll_inside);
    ppl_in.push_back(std::exp(r.nll_inside));
    nll_out.push_back(r.nll_beyond);
    ppl_out.push_back(std::exp(r.nll_beyond));
  }
  auto L = g.write_scale<int64_t>("lengths", lengths, "length");
  for (auto& [name, v] : std::vector<std::pair<std::string, std::vector<int64_t>*>>{
           {"windows", &windows}, {"n_inside", &n_in}, {"n_beyond", &n_out}})
    g.write<int64_t>(name, *v).attach_scale(0, L);
  for (auto& [name, v] : std::vector<std::pair<std::string, std::vector<double>*>>{{"nll", &nll},
                                                                                   {"ppl", &ppl},
                                                                                   {"nll_inside", &nll_in},
                                                                                   {"ppl_inside", &ppl_in},
                                                                                   {"nll_beyond", &nll_out},
                                                                                   {"ppl_beyond", &ppl_out}})
    g.write<double>(name, *v).attach_scale(0, L);
  for (const auto& r : d.results) {
    auto ds = g.write<double>("nll_by_position/" + std::to_string(r.length), r.nll_by_position);
    ds.set_dim_label(0, "query position p (predicts token p+1)");
    ds.set_attr_int("windows", r.windows);
  }
  g.flush();
  output::mark_complete(g);
  out.commit();
}

std::string passkey_csv(const PasskeyResult& r) {
  const auto& c = r.config;
  std::string out = "length,depth,trials,correct,accuracy,mean_prompt_tokens\n";
  const size_t nt = size_t(c.trials);
  for (size_t i = 0; i < c.lengths.size(); ++i)
    for (size_t j = 0; j < c.depths.size(); ++j) {
      const size_t cell = i * c.depths.size() + j;
      int64_t correct = 0;
      double tokens = 0;
      for (size_t t = 0; t < nt; ++t) {
        correct += r.correct[cell * nt + t];
        tokens += double(r.prompt_tokens[cell * nt + t]) / double(nt);
      }
      out += std::to_string(c.lengths[i]) + "," + num(c.depths[j]) + "," + std::to_string(nt) + "," +
             std::to_string(correct) + "," + num(r.accuracy[cell]) + "," + num(tokens) + "\n";
    }
  return out;
}

std::string ppl_csv(const PplRunData& d) {
  std::string out = "length,stride,windows,ppl,nll,ppl_inside,ppl_beyond,n_inside,n_beyond\n";
  for (const auto& r : d.results)
    out += std::to_string(r.length) + "," + std::to_string(r.stride) + "," + std::to_string(r.windows) + "," +
           num(std::exp(r.nll)) + "," + num(r.nll) + "," + num(std::exp(r.nll_inside)) + "," +
           num(std::exp(r.nll_beyond)) + "," + std::to_string(r.n_inside) + "," + std::to_string(r.n_beyond) +
           "\n";
  return out;
}

}  // namespace ropelab
