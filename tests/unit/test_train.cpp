// Training pieces: ShareGPT reading (every bad-record case), loss masks token by token, splitting
// at turn boundaries, the step arithmetic, the LR schedule, AdamW against a float64 reference,
// batch sharding, loss falling on a micro model, and the stop on a non-finite loss.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <fstream>

#include "core/train/distributed.h"
#include "core/train/lr_schedule.h"
#include "core/train/pretrain_examples.h"
#include "core/train/sft_examples.h"
#include "core/train/sharegpt.h"
#include "core/train/trainer.h"
#include "core/util/error.h"
#include "model_test_util.h"
#include "train_test_util.h"

using namespace ropelab;
using ropelab::testing::TempDir;

namespace {

std::vector<Conversation> read_text(const TempDir& tmp, const std::string& text, ShareGptStats& st) {
  std::ofstream(tmp / "d.json") << text;
  return read_sharegpt(tmp / "d.json", st);
}

}  // namespace

TEST(ShareGpt, ArrayAndJsonLinesGiveTheSameConversations) {
  TempDir tmp;
  ShareGptStats a, b;
  auto rec0 = ropelab::testing::sharegpt_record(0, 2), rec1 = ropelab::testing::sharegpt_record(1, 3);
  auto x = read_text(tmp, nlohmann::json::array({rec0, rec1}).dump(2), a);
  auto y = read_text(tmp, rec0.dump() + "\n\n" + rec1.dump() + "\n", b);
  ASSERT_EQ(x.size(), 2u);
  ASSERT_EQ(y.size(), 2u);
  EXPECT_EQ(x[0].system, "You answer briefly.");
  EXPECT_EQ(x[1].system, "");
  EXPECT_EQ(x[1].turns.size(), 3u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(x[i].id, y[i].id);
    ASSERT_EQ(x[i].turns.size(), y[i].turns.size());
    for (size_t t = 0; t < x[i].turns.size(); ++t)
      EXPECT_EQ(x[i].turns[t].assistant, y[i].turns[t].assistant);
  }
  EXPECT_EQ(a.kept, 2);
  EXPECT_EQ(a.records, 2);
}

TEST(ShareGpt, EveryBadRecordIsSkippedAndCountedByReason) {
  TempDir tmp;
  const std::string good = ropelab::testing::sharegpt_record(0, 1).dump();
  std::string text =
      "[" + good + ",\n" +
      R"({"id": "a"},)"
      "\n"  // missing conversations
      R"({"id": "b", "conversations": [{"from": "robot", "value": "x"}]},)"
      "\n"
      R"({"id": "c", "conversations": []},)"
      "\n"
      R"({"id": "d", "conversations": [{"from": "human", "value": "q"}, {"from": "human", "value": "q"}]},)"
      "\n"
      R"({"id": "e", "conversations": [{"from": "human"}]},)"
      "\n"
      "{\"id\": \"f\", \"conversations\": [{\"from\": \"human\", \"value\": \"bad \xC3\x28 utf8\"}, "
      "{\"from\": \"gpt\", \"value\": \"a\"}]},\n" +
      R"({"id": "g", "conversations": [{"from": "gpt", "value": "hello"}, {"from": "human", "value": "q"}, {"from": "gpt", "value": "a"}, {"from": "human", "value": "unanswered"}]})" +
      "]";
  ShareGptStats st;
  auto convs = read_text(tmp, text, st);
  EXPECT_EQ(st.records, 8);
  EXPECT_EQ(st.kept, 2);
  ASSERT_EQ(convs.size(), 2u);
  EXPECT_EQ(convs[1].id, "g");
  ASSERT_EQ(convs[1].turns.size(), 1u);  // leading gpt and trailing human dropped
  EXPECT_EQ(convs[1].turns[0].user, "q");
  EXPECT_EQ(st.leading_gpt_dropped, 1);
  EXPECT_EQ(st.trailing_human_dropped, 1);
  EXPECT_EQ(st.skipped["missing field 'conversations'"], 1);
  EXPECT_EQ(st.skipped["unknown role (valid: system, human, gpt)"], 1);
  EXPECT_EQ(st.skipped["empty conversation (no human/gpt pair)"], 1);
  EXPECT_EQ(st.skipped["roles do not alternate human/gpt"], 1);
  EXPECT_EQ(st.skipped["turn without 'from'/'value'"], 1);
  EXPECT_EQ(st.skipped["invalid UTF-8"], 1);
  EXPECT_NE(st.summary().find("8 records: 2 kept"), std::string::npos) << st.summary();
}

TEST(ShareGpt, AFileThatIsNotJsonFailsWithItsPosition) {
  TempDir tmp;
  ShareGptStats st;
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              read_text(tmp, "\n\nid,conversations\n", st);
            }).find("d.json:3:1: not ShareGPT JSON"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              read_text(tmp, "[{\"id\": 1},\n {\"id\": 2", st);
            }).find("the array is not closed"),
            std::string::npos);
  const std::string jsonl = ropelab::testing::sharegpt_record(0, 1).dump() + "\n{\"id\": oops}\n";
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { read_text(tmp, jsonl, st); }).find("d.json:2: invalid JSON"),
      std::string::npos);
}

TEST(SftExamples, MaskCoversExactlyTheAssistantTokensAndTheirEos) {
  Tokenizer tok(ropelab::testing::shared_tokenizer_path());
  Conversation c{
      "x", "Be brief.", {{"What is the river word?", "The river word is stone."}, {"And the sky?", "Blue."}}};
  SftDataStats st;
  auto ex = build_sft_examples({c}, tok, SftDataConfig{}, st);
  ASSERT_EQ(ex.size(), 1u);
  // Expected layout, segment by segment.
  std::vector<int64_t> ids;
  std::vector<uint8_t> mask;
  auto add = [&](const std::vector<int64_t>& seg, uint8_t m) {
    ids.insert(ids.end(), seg.begin(), seg.end());
    mask.insert(mask.end(), seg.size(), m);
  };
  add(tok.encode("[INST] <<SYS>>\nBe brief.\n<</SYS>>\n\nWhat is the river word? [/INST]", true), 0);
  add(tok.encode("The river word is stone.", false, true), 1);
  add(tok.encode("[INST] And the sky? [/INST]", true), 0);
  add(tok.encode("Blue.", false, true), 1);
  EXPECT_EQ(ex[0].ids, ids);
  EXPECT_EQ(ex[0].mask, mask);
  EXPECT_EQ(ex[0].ids.back(), tok.eos_id());
  EXPECT_EQ(ex[0].mask.back(), 1);
  EXPECT_EQ(st.target_tokens, std::count(mask.begin(), mask.end(), 1));
}

TEST(SftExamples, LongConversationsSplitAtTurnBoundariesAndLongTurnsAreTruncated) {
  Tokenizer tok(ropelab::testing::shared_tokenizer_path());
  Conversation c{"c",
                 "Sys.",
                 {{"First question here?", "First answer."},
                  {"Second one?", "Second answer."},
                  {"Third?", "Third answer."}}};
  std::vector<size_t> len;
  for (size_t i = 0; i < 3; ++i)
    len.push_back(llama2_turn_tokens(tok, c.turns[i], i == 0 ? c.system : "").ids.size());
  const auto t2_sys = llama2_turn_tokens(tok, c.turns[2], c.system);
  SftDataConfig cfg;
  cfg.max_length = int64_t(len[0] + len[1]);  // turns 1+2 fit, turn 3 starts a new chunk
  SftDataStats st;
  auto ex = build_sft_examples({c}, tok, cfg, st);
  ASSERT_EQ(ex.size(), 2u);
  EXPECT_EQ(ex[0].ids.size(), len[0] + len[1]);
  EXPECT_EQ(ex[1].ids, t2_sys.ids);  // the system prompt starts every chunk
  EXPECT_EQ(ex[0].source, "c#0");
  EXPECT_EQ(ex[1].source, "c#1");
  EXPECT_EQ(st.split_conversations, 1);
  EXPECT_EQ(st.truncated_turns, 0);
  for (const auto& e : ex) EXPECT_LE(int64_t(e.ids.size()), cfg.max_length);

  cfg.max_length = int64_t(len[0]) - 2;  // the first turn itself is too long: cut, counted
  SftDataStats st2;
  auto cut = build_sft_examples({c}, tok, cfg, st2);
  EXPECT_GE(st2.truncated_turns, 1);
  for (const auto& e : cut) EXPECT_LE(int64_t(e.ids.size()), cfg.max_length);

  SftDataConfig min_cfg;
  min_cfg.min_tokens = int64_t(len[0] + len[1] + len[2]) + 1;
  SftDataStats st3;
  EXPECT_TRUE(build_sft_examples({c}, tok, min_cfg, st3).empty());
  EXPECT_EQ(st3.below_min_tokens, 1);
}

TEST(SftExamples, SamplesAreASeededSubsetInFileOrder) {
  Tokenizer tok(ropelab::testing::shared_tokenizer_path());
  std::vector<Conversation> convs;
  for (int i = 0; i < 20; ++i)
    convs.push_back({"c" + std::to_string(i), "", {{"q" + std::to_string(i), "a"}}});
  SftDataConfig cfg;
  cfg.samples = 5;
  cfg.seed = 3;
  SftDataStats s1, s2, s3;
  auto a = build_sft_examples(convs, tok, cfg, s1), b = build_sft_examples(convs, tok, cfg, s2);
  cfg.seed = 4;
  auto c = build_sft_examples(convs, tok, cfg, s3);
  ASSERT_EQ(a.size(), 5u);
  std::vector<std::string> sa, sb, sc;
  for (size_t i = 0; i < 5; ++i)
    sa.push_back(a[i].source), sb.push_back(b[i].source), sc.push_back(c[i].source);
  EXPECT_EQ(sa, sb);
  EXPECT_NE(sa, sc);
  EXPECT_TRUE(std::is_sorted(sa.begin(), sa.end(), [](const std::string& x, const std::string& y) {
    return std::stoi(x.substr(1)) < std::stoi(y.substr(1));
  }));
  cfg.samples = 21;
  SftDataStats s4;
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              build_sft_examples(convs, tok, cfg, s4);
            }).find("`samples` (21) exceeds the 20 chunks"),
            std::string::npos);
}

TEST(TrainPlan, HundredSamplesBatch32TwoEpochsIsSixSteps) {
  TrainConfig cfg;  // paper defaults: global batch 32, micro 1, 2 epochs
  auto p = plan_steps(100, cfg, 1);
  EXPECT_EQ(p.steps_per_epoch, 3);
  EXPECT_EQ(p.dropped_per_epoch, 4);
  EXPECT_EQ(p.total_steps, 6);
  EXPECT_EQ(p.accumulation, 32);
  EXPECT_NE(
      p.arithmetic.find("100 samples / global batch 32 = 3 steps per epoch (4 dropped) x 2 epochs = 6 steps"),
      std::string::npos)
      << p.arithmetic;
  cfg.micro_batch = 4;
  EXPECT_EQ(plan_steps(100, cfg, 4).accumulation, 2);
  cfg.micro_batch = 3;
  EXPECT_NE(ropelab::testing::input_error_of([&] {
              plan_steps(100, cfg, 1);
            }).find("`global_batch` (32) must be a multiple of `micro_batch` (3)"),
            std::string::npos);
  cfg.micro_batch = 1;
  EXPECT_NE(
      ropelab::testing::input_error_of([&] { plan_steps(31, cfg, 1); }).find("fewer than one global batch"),
      std::string::npos);
  cfg.max_steps = 10;
  EXPECT_EQ(plan_steps(100, cfg, 1).total_steps, 10);
}

TEST(TrainPlan, RanksSplitEachGlobalBatchWithoutOverlap) {
  TrainConfig cfg;
  cfg.global_batch = 8;
  cfg.seed = 7;
  auto plan = plan_steps(30, cfg, 2);
  for (int64_t step = 0; step < plan.total_steps; ++step) {
    auto all = batch_indices(step, plan, cfg, 0, 1, 30);
    auto r0 = batch_indices(step, plan, cfg, 0, 2, 30), r1 = batch_indices(step, plan, cfg, 1, 2, 30);
    r0.insert(r0.end(), r1.begin(), r1.end());
    EXPECT_EQ(r0, all);
  }
  // Epochs visit every kept example once, in different orders.
  auto e0 = batch_indices(0, plan, cfg, 0, 1, 30),
       e1 = batch_indices(plan.steps_per_epoch, plan, cfg, 0, 1, 30);
  EXPECT_NE(e0, e1);
}

TEST(LrSchedule, CosineWithWarmupMatchesTheFormula) {
  LrSchedule s{2e-5, 0, 6, 0.0};
  EXPECT_DOUBLE_EQ(s.at(0), 2e-5);
  EXPECT_NEAR(s.at(3), 2e-5 * 0.5 * (1 + std::cos(M_PI * 0.5)), 1e-18);
  EXPECT_NEAR(s.at(5), 2e-5 * 0.5 * (1 + std::cos(M_PI * 5.0 / 6.0)), 1e-18);
  LrSchedule w{1e-3, 10, 110, 1e-4};
  EXPECT_DOUBLE_EQ(w.at(0), 0.0);
  EXPECT_DOUBLE_EQ(w.at(5), 5e-4);
  EXPECT_DOUBLE_EQ(w.at(10), 1e-3);
  EXPECT_NEAR(w.at(60), 1e-4 + 0.9e-3 * 0.5, 1e-15);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              LrSchedule{-1, 0, 6, 0}.validate();
            }).find("`lr` (-1)"),
            std::string::npos);
  EXPECT_NE(ropelab::testing::input_error_of([] {
              LrSchedule{1e-3, 6, 6, 0}.validate();
            }).find("`warmup_steps` (6)"),
            std::string::npos);
}

TEST(AdamW, TwoStepsMatchAFloat64Reference) {
  torch::manual_seed(0);
  auto p = torch::randn({5}, torch::kFloat64);
  auto g1 = torch::randn({5}, torch::kFloat64), g2 = torch::randn({5}, torch::kFloat64);
  AdamWConfig cfg;
  std::vector<NamedParam> params{{"w", p.to(torch::kFloat32).clone(), true},
                                 {"norm", p.to(torch::kFloat32).clone(), false}};
  AdamW opt(params, cfg);
  const double lr = 1e-2;
  for (auto g : {g1, g2}) opt.step({g.to(torch::kFloat32), g.to(torch::kFloat32)}, lr);
  // Reference, written from the update rule in double precision.
  auto ref = [&](bool decay) {
    auto x = p.clone(), m = torch::zeros_like(p), v = torch::zeros_like(p);
    int t = 0;
    for (auto g : {g1, g2}) {
      ++t;
      if (decay) x = x * (1 - lr * cfg.weight_decay);
      m = cfg.beta1 * m + (1 - cfg.beta1) * g;
      v = cfg.beta2 * v + (1 - cfg.beta2) * g * g;
      auto mh = m / (1 - std::pow(cfg.beta1, t)), vh = v / (1 - std::pow(cfg.beta2, t));
      x = x - lr * mh / (vh.sqrt() + cfg.eps);
    }
    return x;
  };
  EXPECT_LE((opt.params()[0].param.to(torch::kFloat64) - ref(true)).abs().max().item<double>(), 1e-6);
  EXPECT_LE((opt.params()[1].param.to(torch::kFloat64) - ref(false)).abs().max().item<double>(), 1e-6);
  EXPECT_GT((ref(true) - ref(false)).abs().max().item<double>(),
            1e-5);  // decay matters: the test discriminates
  EXPECT_EQ(opt.steps_taken(), 2);
}

TEST(PretrainExamples, DocumentsArePackedWholeIntoWindows) {
  Tokenizer tok(ropelab::testing::shared_tokenizer_path());
  std::vector<std::string> docs = {"The sky is blue.", "Seven stones.", std::string(400, 'a')};
  auto ex = pack_documents(docs, tok, 32);
  auto d0 = tok.encode(docs[0], true, true), d1 = tok.encode(docs[1], true, true);
  ASSERT_GE(ex.size(), 2u);
  std::vector<int64_t> first(d0);
  first.insert(first.end(), d1.begin(), d1.end());
  ASSERT_LE(first.size(), 32u);
  EXPECT_EQ(ex[0].ids, first);
  EXPECT_EQ(ex[0].mask[0], 0);
  EXPECT_EQ(ex[0].num_targets(), int64_t(first.size()) - 1);
  for (const auto& e : ex) EXPECT_LE(e.ids.size(), 32u);
  // A chat document's turns ("</s><s>" between them) pack as BOS turn EOS BOS turn EOS.
  auto chat = pack_documents({"[INST] Sky? [/INST] blue</s><s>[INST] Grass? [/INST] green"}, tok, 64);
  auto t0 = tok.encode("[INST] Sky? [/INST] blue", true, true),
       t1 = tok.encode("[INST] Grass? [/INST] green", true, true);
  t0.insert(t0.end(), t1.begin(), t1.end());
  ASSERT_EQ(chat.size(), 1u);
  EXPECT_EQ(chat[0].ids, t0);
}

namespace {

std::vector<TrainExample> micro_examples(int n, int turns = 2) {
  Tokenizer tok(ropelab::testing::shared_tokenizer_path());
  std::vector<Conversation> convs;
  ShareGptStats rs;
  TempDir tmp;
  ropelab::testing::write_sharegpt(tmp / "c.json", n, turns);
  convs = read_sharegpt(tmp / "c.json", rs);
  SftDataStats st;
  return build_sft_examples(convs, tok, SftDataConfig{}, st);
}

// The micro model (GQA) the training tests run: the shared tokenizer's 600 pieces, window 128.
LlamaForCausalLM micro_training_model() {
  auto c = ropelab::testing::micro_config(2);
  c.vocab_size = 600;
  c.max_position_embeddings = 128;
  LlamaForCausalLM model(c);
  model->init_weights(0);
  return model;
}

// train_model in one CPU process, writing run "t" into a temporary folder removed afterwards.
TrainResult train_in_temp_dir(LlamaForCausalLM& model, const std::vector<TrainExample>& examples,
                              const TrainConfig& cfg) {
  TempDir out;
  TrainOutputs o;
  o.out_dir = out.path;
  o.run_name = "t";
  Communicator comm(DistConfig{}, torch::kCPU);
  return train_model(model, examples, cfg, o, comm);
}

}  // namespace

TEST(Trainer, LossFallsOverTwentyStepsOnAMicroModel) {
  LlamaForCausalLM model = micro_training_model();
  auto examples = micro_examples(16, 1);
  TrainConfig cfg;
  cfg.global_batch = 4;
  cfg.micro_batch = 4;
  cfg.max_steps = 20;
  cfg.lr = 3e-3;
  cfg.warmup_steps = 2;
  auto res = train_in_temp_dir(model, examples, cfg);
  ASSERT_EQ(res.losses.size(), 20u);
  EXPECT_GT(res.losses[0], 5.0);  // ~ln 600 at random init
  EXPECT_LT(res.losses[19], 0.6 * res.losses[0]) << res.losses[0] << " -> " << res.losses[19];
}

TEST(Trainer, NonFiniteLossStopsBeforeTheUpdate) {
  LlamaForCausalLM model = micro_training_model();
  auto examples = micro_examples(8);
  TrainConfig cfg;
  cfg.global_batch = 4;
  cfg.max_steps = 4;
  cfg.lr = 1e30;
  cfg.clip_grad_norm = 0;
  try {
    train_in_temp_dir(model, examples, cfg);
    FAIL() << "expected TrainingDiverged";
  } catch (const TrainingDiverged& e) {
    EXPECT_NE(std::string(e.what()).find("stopped before applying the update"), std::string::npos)
        << e.what();
  }
}

TEST(Trainer, ActivationCheckpointingGivesTheSameGradients) {
  torch::manual_seed(3);
  auto cfgm = ropelab::testing::micro_config(2);
  LlamaForCausalLM model(cfgm);
  model->init_weights(0);
  auto ids = torch::randint(0, 97, {2, 24}, torch::kLong);
  auto grads = [&](bool ckpt) {
    model->zero_grad();
    ForwardOptions fo;
    fo.checkpoint_layers = ckpt;
    model->forward(ids, {}, fo).logsumexp(-1).sum().backward();
    std::vector<torch::Tensor> g;
    for (auto& p : model->parameters()) g.push_back(p.grad().clone());
    return g;
  };
  auto plain = grads(false), ckpt = grads(true);
  ASSERT_EQ(plain.size(), ckpt.size());
  for (size_t i = 0; i < plain.size(); ++i)
    EXPECT_LE((plain[i] - ckpt[i]).abs().max().item<double>(), 1e-5) << i;
}
