// Every `ropelab` subcommand, one function each (one file each in experiments/).
#pragma once
#include <functional>

#include "experiments/cli.h"

namespace ropelab::cli {

int run_init(const Args& args);
int run_info(const Args& args);
int run_generate(const Args& args);
int run_tokenizer(const Args& args);
int run_rope(const Args& args);
int run_forward(const Args& args);
int run_bench(const Args& args);
int run_longbench(const Args& args);  // longbench run | merge | score
int run_report(const Args& args);     // report longbench | entropy
int run_entropy(const Args& args);    // attention entropy -> HDF5 (entropy issue)
int run_finetune(const Args& args);   // supervised fine-tuning (ShareGPT), data parallel
int run_pretrain(const Args& args);   // causal-LM pre-training from documents
int run_data(const Args& args);       // data split | pretrain | conversations | longbench
int run_passkey(const Args& args);    // passkey retrieval accuracy -> HDF5 + CSV
int run_ppl(const Args& args);        // sliding-window perplexity -> HDF5 + CSV
int run_sweep(const Args& args);      // LongBench (+ passkey) at several context windows
int run_ruler(const Args& args);      // ruler run | merge | score
int run_plan(const Args& args);       // training memory plan per rank (fits / does not fit)
// Best seconds of `repeats` prefills (last position's logits) of one random sequence of T tokens.
double bench_prefill_seconds(LlamaForCausalLM& model, int64_t T, int repeats);

}  // namespace ropelab::cli

namespace ropelab {
int run_longbench_score(const cli::Args& args);
int run_longbench_run(const cli::Args& args);
int run_longbench_merge(const cli::Args& args);
int run_report_longbench(const cli::Args& args);
int run_report_entropy(const cli::Args& args);
int run_report_ruler(const cli::Args& args);
int run_bench_entropy(const cli::Args& args);
int run_bench_train(const cli::Args& args);
int run_bench_hf(const cli::Args& args);
// Best tokens/s of `steps` optimizer steps of the real trainer on one random sequence of T tokens.
// Best tokens/s of `steps` training steps on one random sequence of T tokens; after_step runs after
// each step (bench train reads its memory peaks there).
double bench_train_tokens_per_s(LlamaForCausalLM& model, int64_t T, int steps, bool checkpointing,
                                const std::function<void()>& after_step = {});
}  // namespace ropelab
