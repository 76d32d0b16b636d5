#!/usr/bin/python3
"""The miniature study's report (analysis/study_report.py) on a hand-made study folder whose numbers
are chosen so that every expected cell is known by hand: seeds are averaged with a sample std, the
data-efficiency and ablation sections appear only when their runs exist, incomplete HDF5 groups are
ignored, a malformed file is refused with its path. What the report says about the study (window c,
model, recipes, git SHA) is what the folder's inputs recorded, and the paper's side of each claim is
analysis/paper_numbers.json: folders that record other values report them. Exit 77 (CTest: skipped)
without h5py and matplotlib. The study figures are tested in test_plots.py."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

try:
    import h5py  # noqa: F401
    import matplotlib  # noqa: F401
    import numpy as np
except ImportError:
    print("skipped: needs h5py, matplotlib and numpy")
    sys.exit(77)

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from toolkit_outputs import WINDOWS, build_study, rope_record, write_entropy_run, write_sweep  # noqa: E402


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

    def report(self):
        self.run_script("analysis/study_report.py", "--out", self.out, "--mode", "full", "--runs", *self.runs)
        with open(os.path.join(self.out, "report.md")) as f:
            return f.read()

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
        self.assertIn("best at 4c: EABF (20.0); EABF 20.0; EABF − strongest rival Δ 5.0 | replicates |", claims)
        self.assertIn("base 20.0; methods 5.0–20.0; weakest method − base Δ -15.0 | does not replicate |", claims)
        # Entropy: positions 64-128 are 1.0 everywhere; 512-1024 are 3.0 (layers 0-1) and 1.5 (2-5).
        # Gaps below ln n over positions 513..1024 (1-based: n keys visible).
        lnn = float(np.mean(np.log(np.arange(513, 1025))))
        self.assertIn(f"below ln n by {lnn - 3:.2f} nats (layers 0–1) and {lnn - 1.5:.2f} nats (layers 2+); "
                      "Δ 1.50 | replicates |", claims)
        # Inside the window the fixture is flat (1.0 at every position up to 4c): layers 2+ rise by 0
        # between positions 24-40 and 56-72, ln n by mean(ln 56..72) - mean(ln 24..40).
        rise = float(np.mean(np.log(np.arange(56, 73))) - np.mean(np.log(np.arange(24, 41))))
        self.assertIn(f"layers 2+ 0.00 nats, ln n {rise:.2f} nats; half of ln n's rise − theirs Δ {rise / 2:.2f} | "
                      "replicates |", claims)
        # 32 -> 100 samples: 8.0 -> 20.0 on average; paired on seed 0: 10 - 8 = 2.
        self.assertIn("| 8.0 / 20.0; 100 − 32 samples Δ 2.0 | replicates |", claims)

    def test_verdicts_weigh_seed_noise(self):
        # Three seeds. EABF - PI per seed: -2, 2, 6 -> mean 2.0, standard error 4 / sqrt(3) = 2.3: within
        # 2 standard errors, inconclusive. Methods - base: EABF 5, 15, 25 (15.0 ± 5.8), PI 7, 13, 19
        # (13.0 ± 3.5): both above 2 standard errors, replicates.
        out = os.path.join(self.out, "three-seeds")
        runs = []
        for seed, (e, p) in enumerate([(10.0, 12.0), (20.0, 18.0), (30.0, 24.0)]):
            write_sweep(out, f"base-s{seed}", {w: 5.0 for w in WINDOWS}, rope=rope_record())
            write_sweep(out, f"eabf-s{seed}", {w: e for w in WINDOWS})
            write_sweep(out, f"pi-s{seed}", {w: p for w in WINDOWS})
            runs += [f"base-s{seed}", f"eabf-s{seed}", f"pi-s{seed}"]
        self.run_script("analysis/study_report.py", "--out", out, "--runs", *runs)
        with open(os.path.join(out, "report.md")) as f:
            claims = f.read().split("## What replicates", 1)[1]
        self.assertIn("over 3 seeds", claims)
        self.assertIn("EABF − strongest rival Δ 2.0 ± 2.3 | inconclusive: within seed noise |", claims)
        self.assertIn("weakest method − base Δ 13.0 ± 3.5 | replicates |", claims)


    def test_malformed_file_refused(self):
        with open(os.path.join(self.out, "eval.h5"), "w") as f:
            f.write("not HDF5\n")
        p = subprocess.run([sys.executable, "analysis/study_report.py", "--out", self.out, "--runs", *self.runs],
                           capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        self.assertIn(os.path.join(self.out, "eval.h5") + ": not a readable HDF5 file", p.stderr)

if __name__ == "__main__":
    unittest.main()
