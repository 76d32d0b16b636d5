#!/usr/bin/python3
"""The miniature study's report (analysis/study_report.py) on a hand-made study folder whose numbers
are chosen so that every expected cell is known by hand: seeds are averaged with a sample std, the
data-efficiency and ablation sections appear only when their runs exist, incomplete HDF5 groups are
ignored, a malformed file is refused with its path. What the report says about the study (window c,
model, recipes, git SHA) is what the folder's inputs recorded, and the paper's side of each claim is
analysis/paper_numbers.json: folders that record other values report them. Exit 77 (CTest: skipped)
without h5py and matplotlib. The study figures are tested in test_plots.py."""
import json
import re
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from needs import ROOT, require  # noqa: E402

h5py, _, np = require("h5py", "matplotlib", "numpy")
from toolkit_outputs import (C, WINDOWS, build_study, model_config, rope_record, study_entropy,  # noqa: E402
                             write_entropy_run, write_sweep, write_train_log)


class StudyReport(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        self.runs = build_study(self.out)  # numbers: toolkit_outputs.build_study

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, *args):
        p = subprocess.run([sys.executable, *args], capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 0, p.stderr)
        return p

    def report(self, out=None, runs=None, script="analysis/study_report.py", extra=()):
        out = out or self.out
        self.run_script(script, "--out", out, "--mode", "full", "--runs", *(runs or self.runs), *extra)
        with open(os.path.join(out, "report.md")) as f:
            return f.read()

    def refused(self, out=None):
        """study_report's exit 2 and its one-line message."""
        p = subprocess.run([sys.executable, "analysis/study_report.py", "--out", out or self.out, "--runs", *self.runs],
                           capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        return p.stderr.strip()

    def row(self, text, section, label):
        part = text.split(section, 1)[1]
        return next(l for l in part.splitlines() if l.startswith(f"| {label} |"))

    def test_table2_averages_seeds_with_sample_std(self):
        text = self.report()
        self.assertIn("| 20.0 ± 14.1 | 20.0 ± 14.1 | 20.0 ± 14.1 | 20.0 ± 14.1 | **20.0 ± 14.1** |",
                      self.row(text, "## Table 2", "EABF"))
        self.assertIn("**20.0** |", self.row(text, "## Table 2", "Base (not extended)"))

    def test_window_table(self):
        text = self.report()
        self.assertEqual(self.row(text, "## Table 4", "EABF"), "| EABF | 5.0 ± 1.4 | 7.0 ± 1.4 | 20.0 ± 14.1 | 10.0 ± 1.4 |")
        self.assertEqual(self.row(text, "## Table 4", "PI"), "| PI | 5.0 | 5.0 | 5.0 | 5.0 |")

    def test_passkey_percent_and_incomplete_group_ignored(self):
        text = self.report()
        self.assertEqual(self.row(text, "## Passkey", "EABF"), "| EABF | 60 ± 14 | 30 ± 14 | 0 ± 0 | 0 ± 0 |")
        self.assertEqual(self.row(text, "## Passkey", "PI"), "| PI | – | – | – | – |")

    def test_samples_and_ablation_sections(self):
        text = self.report()
        self.assertEqual(self.row(text, "## Table 5", "EABF"), "| EABF | 8.0 | 20.0 ± 14.1 |")
        self.assertIn("| 12.0 |", self.row(text, "## Ablations", "EABF, all layers scaled"))

    def test_what_replicates(self):
        text = self.report()
        claims = text.split("## What replicates", 1)[1]
        # Differences are paired by seed: only seed 0 is shared by EABF and PI (10 - 5 = 5).
        self.assertIn("best at 4c: EABF (20.0); EABF 20.0; EABF − strongest rival Δ 5.0 | inconclusive: no test (one value) |", claims)
        self.assertIn("base 20.0; methods 5.0–20.0; weakest method − base Δ -15.0 | inconclusive: no test (one value) |", claims)
        # Entropy: positions 64-128 are 1.0 everywhere; 512-1024 are 3.0 (layers 0-1) and 1.5 (2-5).
        # Gaps below ln n over positions 513..1024 (1-based: n keys visible).
        lnn = float(np.mean(np.log(np.arange(513, 1025))))
        self.assertIn(f"below ln n by {lnn - 3:.2f} nats (layers 0–1) and {lnn - 1.5:.2f} nats (layers 2+); "
                      "Δ 1.50 | inconclusive: no test (one value) |", claims)
        # Inside the window the fixture is flat (1.0 at every position up to 4c): layers 2+ rise by 0
        # between positions 24-40 and 56-72, ln n by mean(ln 56..72) - mean(ln 24..40).
        rise = float(np.mean(np.log(np.arange(56, 73))) - np.mean(np.log(np.arange(24, 41))))
        self.assertIn(f"layers 2+ 0.00 nats, ln n {rise:.2f} nats; half of ln n's rise − theirs Δ {rise / 2:.2f} | "
                      "inconclusive: no test (one value) |", claims)
        # 32 -> 100 samples: 8.0 -> 20.0 on average; paired on seed 0: 10 - 8 = 2.
        self.assertIn("| 8.0 / 20.0; 100 − 32 samples Δ 2.0 | inconclusive: no test (one value) |", claims)

    def seeds_report(self, name, pairs):
        out = os.path.join(self.out, name)
        runs = []
        for seed, (e, p) in enumerate(pairs):
            write_sweep(out, f"base-s{seed}", {w: 5.0 for w in WINDOWS}, rope=rope_record())
            write_sweep(out, f"eabf-s{seed}", {w: e for w in WINDOWS})
            write_sweep(out, f"pi-s{seed}", {w: p for w in WINDOWS})
            runs += [f"base-s{seed}", f"eabf-s{seed}", f"pi-s{seed}"]
        self.run_script("analysis/study_report.py", "--out", out, "--runs", *runs)
        with open(os.path.join(out, "report.md")) as f:
            return f.read().split("## What replicates", 1)[1]

    def test_verdicts_weigh_seed_noise(self):
        # Paired t-test over 3 seeds (df 2), checked by hand: for df 2 the two-sided p of t is
        # 1 - t / sqrt(2 + t^2), and the 95 % interval is mean +- 4.303 * sd / sqrt(3).
        # Noisy: EABF - PI per seed -2, 2, 6 -> mean 2, sd 4, t 0.866, p 0.478, interval 2 +- 9.9;
        # PI - base 7, 13, 19 -> mean 13, sd 6, t 3.753, p 0.064: both inconclusive.
        claims = self.seeds_report("noisy", [(10.0, 12.0), (20.0, 18.0), (30.0, 24.0)])
        self.assertIn("over 3 seeds", claims)
        self.assertIn("EABF − strongest rival Δ 2.0 [-7.9, 11.9] (p = 0.478, n = 3) | inconclusive (p = 0.48) |",
                      claims)
        self.assertIn("weakest method − base Δ 13.0 [-1.9, 27.9] (p = 0.064, n = 3) | inconclusive (p = 0.06) |",
                      claims)
        # Clean: EABF - PI 4, 3, 5 -> t 6.93, p 0.020; PI - base 13, 16, 16 -> mean 15, sd 1.73, t 15.0,
        # p 0.0044: both replicate.
        claims = self.seeds_report("clean", [(22.0, 18.0), (24.0, 21.0), (26.0, 21.0)])
        self.assertIn("EABF − strongest rival Δ 4.0 [1.5, 6.5] (p = 0.020, n = 3) | replicates |", claims)
        self.assertIn("weakest method − base Δ 15.0 [10.7, 19.3] (p = 0.004, n = 3) | replicates |", claims)


    # --- what the report says about the study comes from what its inputs recorded -----------------

    def test_description_from_recorded_configs(self):
        text = self.report()
        self.assertIn("A 6-layer `llama` model (hidden 128, 4 heads) pre-trained by `ropelab pretrain` at c = 128 "
                      "tokens (its last stage 40 steps), extended to 512 tokens (4c) with each RoPE method by `ropelab finetune` "
                      "on 100 synthetic long conversations (2 epochs, global batch 32 = 6 steps), evaluated at c, "
                      "2c, 4c, 8c.", text)
        self.assertIn("mean over 5 depths", text)
        self.assertEqual(self.row(text, "## Training", "base-s0"), "| base-s0 | 40 | 5.000 | 2.000 | 1000 |")
        self.assertEqual(self.row(text, "## Perplexity", "Base (not extended)"),
                         "| Base (not extended) | 2.7 | 2.7 | 2.7 | 2.7 |")  # e^1: NLL 1 everywhere

    def test_shipped_base_is_stated(self):
        self.assertNotIn("was not pre-trained by this run", self.report())
        text = self.report(extra=("--shipped-base", "data/models/mini-base-s1"))
        self.assertIn("The base model was not pre-trained by this run: it is the shipped "
                      "`data/models/mini-base-s1`", text)

    def test_other_recorded_model_and_recipe(self):
        out = os.path.join(self.out, "other")
        os.makedirs(out)
        # 100 conversations / global batch 25 = 4 steps per epoch x 3 epochs = 12 steps
        build_study(out, epochs=3, global_batch=25, model=model_config(layers=3, hidden=96, heads=2))
        text = self.report(out)
        self.assertIn("A 3-layer `llama` model (hidden 96, 2 heads) pre-trained", text)
        self.assertIn("on 100 synthetic long conversations (3 epochs, global batch 25 = 12 steps)", text)
        self.assertIn("| 100 samples / 12 steps extend the window", text)

    def test_recorded_window_256(self):
        out = os.path.join(self.out, "c256")
        os.makedirs(out)
        build_study(out, c=256)
        text = self.report(out)
        self.assertIn("at c = 256 tokens (its last stage 40 steps), extended to 1024 tokens (4c)", text)
        self.assertIn("| method | 256 (1c) | 512 (2c) | 1024 (4c) | 2048 (8c) |", text)
        self.assertEqual(self.row(text, "## Table 4", "EABF"), "| EABF | 5.0 ± 1.4 | 7.0 ± 1.4 | 20.0 ± 14.1 | 10.0 ± 1.4 |")
        self.assertEqual(self.row(text, "## Passkey", "EABF"), "| EABF | 60 ± 14 | 30 ± 14 | 0 ± 0 | 0 ± 0 |")
        # Figure 1's band: the paper's 1,024 and 2,048 of 4,096 are c/4 = 64 and c/2 = 128, ± c/16 = 16;
        # the second half of 8c = 2048 is positions 1024-2048.
        self.assertIn("rise from positions 64 to 128 (± 16)", text)
        self.assertIn("base model, positions 1024–2048:", text)

    def test_recorded_git_sha(self):
        out = os.path.join(self.out, "sha")
        os.makedirs(out)
        build_study(out, git_sha="abc1234")
        # 6 sweeps, 3 complete passkey groups, 1 ppl, 1 entropy run, 6 training logs
        self.assertIn("Mode `full`, seeds [0, 1], git abc1234, as recorded by its 17 inputs. ", self.report(out))

    def test_disagreeing_git_shas_are_named(self):
        write_sweep(self.out, "pi-s0", {w: 5.0 for w in WINDOWS}, rope=rope_record(), git_sha="fedcba9")
        text = self.report()
        self.assertIn("inputs recorded different git SHAs: 0000000 (16 inputs: ", text)
        self.assertIn("; fedcba9 (1 input: sweeps/pi-s0/sweep.json). ", text)

    def test_disagreeing_windows_refused(self):
        with h5py.File(os.path.join(self.out, "entropy.h5"), "w") as f:
            write_entropy_run(f, "base-s0", study_entropy(2.0, 0.5), rope=rope_record(256), model=model_config())
        msg = self.refused()
        self.assertTrue(msg.startswith("study_report: inputs disagree on the trained window c: 128 (sweeps/base-s0/"
                                       "sweep.json rope_json, "), msg)
        self.assertTrue(msg.endswith("; 256 (entropy.h5:/runs/base-s0 rope_json)"), msg)

    def test_unrecorded_window_refused(self):
        out = os.path.join(self.out, "bare")
        for run in self.runs:
            write_sweep(out, run, {w: 5.0 for w in WINDOWS})  # sweep.json without a RoPE record
        self.assertIn("no input of a base-s<seed> run records the trained window c", self.refused(out))

    def test_one_seed_verdicts_from_the_item_bootstrap(self):
        # One seed with per-item scores. Every item of every task: EABF 0.5, PI 0.3 and 0.1 alternating
        # -> EABF - PI is +20 or +40 per item, mean 30, and every resample lies in [20, 40]: the interval is
        # above 0, replicates. Base alternates 0.9 / 0.1 against PI's 0.3 / 0.1 -> PI - base is -60 or 0,
        # mean -30, the interval below 0: "every method beats the base" does not replicate.
        out = os.path.join(self.out, "one-seed")
        n = 16
        alt = lambda a, b: [a if i % 2 == 0 else b for i in range(n)]
        for run, xs in (("base-s0", alt(0.9, 0.1)), ("eabf-s0", [0.5] * n), ("pi-s0", alt(0.3, 0.1))):
            mean = 100 * sum(xs) / n
            write_sweep(out, run, {w: mean for w in WINDOWS}, rope=rope_record() if run == "base-s0" else None,
                        items={w: xs for w in WINDOWS})
        self.run_script("analysis/study_report.py", "--out", out, "--runs", "base-s0", "eabf-s0", "pi-s0")
        with open(os.path.join(out, "report.md")) as f:
            claims = f.read().split("## What replicates", 1)[1]
        self.assertIn("item-paired bootstrap", claims)
        m = re.search(r"EABF − strongest rival Δ 30\.0 \[([0-9.]+), ([0-9.]+)\] \| replicates \|", claims)
        self.assertIsNotNone(m, claims)
        self.assertTrue(20 <= float(m.group(1)) < 30 < float(m.group(2)) <= 40)
        m = re.search(r"weakest method − base Δ -30\.0 \[(-[0-9.]+), (-[0-9.]+)\] \| does not replicate \|", claims)
        self.assertIsNotNone(m, claims)
        self.assertTrue(-60 <= float(m.group(1)) < -30 < float(m.group(2)) <= 0)

    def test_passkey_gate_cell_by_depth(self):
        # run_mini.sh measures 21 depths: the cell summarises them; five or fewer are listed.
        sys.path.insert(0, os.path.join(ROOT, "analysis"))
        from study_gates import _by_depth
        self.assertEqual(_by_depth([0.0, 100.0, 100.0, 100.0, 100.0]), "0 / 100 / 100 / 100 / 100 %")
        depths = [100.0] * 18 + [66.7, 33.3, 0.0]  # mean (1800 + 100) / 21 = 90.5
        self.assertEqual(_by_depth(depths), "min 0 %, mean 90 %, 3 of 21 depths < 95 %")
        self.assertEqual(_by_depth(None), "–")

    def test_gates_per_seed(self):
        # The base model's gates from hand-made outputs: fit scores at c from sweep.json.
        out = os.path.join(self.out, "gates")
        write_sweep(out, "base-s0", {w: 50.0 for w in WINDOWS}, rope=rope_record(),
                    fit={C: {"multifieldqa_en": 90.0, "hotpotqa": 84.0, "passage_retrieval_en": 81.0, "trec": 10.0}})
        write_sweep(out, "control-s0", {w: 48.0 for w in WINDOWS})
        # The recall gate: RULER's one-task summary (evaluate.py's layout) at 3c/4 and c.
        for n, score in ((3 * C // 4, 93.75), (C, 84.4)):
            os.makedirs(os.path.join(out, "ruler-c", "base-s0", str(n)))
            with open(os.path.join(out, "ruler-c", "base-s0", str(n), "summary-niah_multikey_1.csv"), "w") as f:
                f.write(f"0,1\nTasks,niah_multikey_1\nScore,{score}\nNulls,0/64\n")
        self.run_script("analysis/study_report.py", "--out", out, "--runs", "base-s0", "control-s0")
        with open(os.path.join(out, "report.md")) as f:
            report = f.read()
        # The fit table: the tasks' mean of fit_scores, (90 + 84 + 81 + 10) / 4 = 66.25 at c only.
        self.assertIn("| Base (not extended) | 66.2 | – | – | – | – | – | – | – |", report)
        text = report.split("## Base-model gates", 1)[1]
        self.assertIn("| QA items inside c | 0 | 90.0 / 84.0 | >= 85 | **fails** |", text)
        self.assertIn("| retrieval items inside c | 0 | 81.0 | >= 80 | **holds** |", text)
        self.assertIn("| control fine-tune vs base, suite at c | 0 | 48.0 vs 50.0 | within 3 points | **holds** |", text)
        self.assertIn("| passkey at c, every depth | 0 | – | >= 95 % at each depth | **not measured** |", text)
        self.assertIn("| kv recall inside c (RULER niah_multikey_1, 3c/4 / c) | 0 | 93.8 / 84.4 | >= 85 | **fails** |",
                      text)
        self.assertIn("Gates that fail: QA items inside c; kv recall inside c (RULER niah_multikey_1, 3c/4 / c).", text)

    def test_scale_rules_table_once(self):
        # The report carries the scale-rule table of experiments/configs/mini/scale-rules.md, and the
        # README holds the same table (one statement of the rules, checked to agree).
        with open(os.path.join(ROOT, "experiments", "configs", "mini", "scale-rules.md")) as f:
            table = f.read().strip()
        self.assertIn("| rotary pairs completing a full period inside c | 46 / 64 (71.9 %) | 23 / 32 (71.9 %) |", table)
        self.assertIn("## Scale rules\n", self.report())
        self.assertIn(table, self.report())
        with open(os.path.join(ROOT, "README.md")) as f:
            self.assertIn(table, f.read())

    def test_paper_numbers_from_json(self):
        # With the real paper_numbers.json (values of docs/method.md §6, by hand: Table 2 Macro EABF 39.1,
        # best rival ABF 38.6; Table 4 at 16k / 32k: EABF 39.1 / 39.1, PI/NTK-by-parts/YaRN mean
        # (36.3 + 34.7 + 35.7) / 3 = 35.6 and (28.4 + 28.5 + 28.6) / 3 = 28.5; Table 5 EABF 31.3 / 37.4 / 38.3).
        text = self.report()
        self.assertIn("| EABF has the best Macro at the training window (39.1 vs ≤ 38.6) |", text)
        self.assertIn("(39.1 → 39.1) while PI/NTK-by-parts/YaRN drop (35.6 → 28.5 on average) |", text)
        self.assertIn("(EABF 31.3 / 37.4 / 38.3 for 32 / 100 / 1000) |", text)
        self.assertIn("(the analogue of the paper's 12-task Macro)", text)
        # A copy of analysis/ with other paper numbers reports those.
        copy = os.path.join(self.out, "analysis")
        shutil.copytree(os.path.join(ROOT, "analysis"), copy)
        rules = os.path.join(self.out, "experiments", "configs", "mini")
        os.makedirs(rules)
        shutil.copy(os.path.join(ROOT, "experiments", "configs", "mini", "scale-rules.md"), rules)
        with open(os.path.join(copy, "paper_numbers.json")) as f:
            paper = json.load(f)
        paper["table2"]["eabf"][-1], paper["table2"]["abf"][-1] = 41.5, 40.25
        paper["table4"]["eabf"][2:] = [41.5, 30.0]
        paper["table5"]["eabf"] = [10.0, 20.0, 30.0, 40.0]
        paper["figure1"] = {"window": 4096, "flat_between": [2048, 3072]}
        with open(os.path.join(copy, "paper_numbers.json"), "w") as f:
            json.dump(paper, f)
        text = self.report(script=os.path.join(copy, "study_report.py"))
        self.assertIn("| EABF has the best Macro at the training window (41.5 vs ≤ 40.2) |", text)  # 40.25 -> 40.2
        self.assertIn("(41.5 → 30.0) while", text)
        self.assertIn("(EABF 10.0 / 20.0 / 30.0 for 32 / 100 / 1000) |", text)
        # c/2 = 64 and 3c/4 = 96 of c = 128
        self.assertIn("between 2,048 and 3,072 tokens of a 4,096-token window (Figure 1) | base model, rise from "
                      "positions 64 to 96 (± 8)", text)

    def test_malformed_file_refused(self):
        with open(os.path.join(self.out, "eval.h5"), "w") as f:
            f.write("not HDF5\n")
        p = subprocess.run([sys.executable, "analysis/study_report.py", "--out", self.out, "--runs", *self.runs],
                           capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(os.path.join(self.out, "eval.h5") + ": not a readable HDF5 file", p.stderr)

    def test_file_of_another_kind_refused(self):
        # A training log where the entropy file belongs: its schema kind, not a misread, is the message.
        write_train_log(os.path.join(self.out, "entropy.h5"), "base-s0", "pretrain", [1.0], {}, {}, 1)
        self.assertIn(os.path.join(self.out, "entropy.h5") + ": a train_log file (schema v2), not an entropy file",
                      self.refused())

if __name__ == "__main__":
    unittest.main()
