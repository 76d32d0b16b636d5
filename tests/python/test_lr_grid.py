#!/usr/bin/python3
"""analysis/lr_grid.py, the miniature's fine-tune LR choice: on hand-made sweep.json files the LR with
the lowest mean answer NLL at the window is chosen (ties: the smaller LR), the grid is recorded, and
a missing window, a sweep without answer_nll or an empty folder exit 2 with one line naming it."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from needs import ROOT  # noqa: E402


def sweep(grid, lr, window, nll):
    d = os.path.join(grid, f"lr-{lr}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "sweep.json"), "w") as f:
        json.dump({"longbench": {str(window): {"scores": {}, "answer_nll": nll}}}, f)


class LrGrid(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.grid = os.path.join(self.tmp.name, "grid")
        self.out = os.path.join(self.tmp.name, "choice.json")

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, window=1024):
        return subprocess.run([sys.executable, "analysis/lr_grid.py", self.grid, "--window", str(window), "--out",
                               self.out], capture_output=True, text=True, cwd=ROOT)

    def test_lowest_mean_nll_is_chosen_and_recorded(self):
        # Means over tasks (null skipped): 1e-4 -> 2.0, 1.4e-4 -> 1.5, 2e-4 -> 1.5 (tie: the smaller LR),
        # 4e-4 -> 3.0.
        sweep(self.grid, "1e-4", 1024, {"a": 1.0, "b": 3.0})
        sweep(self.grid, "1.4e-4", 1024, {"a": 1.0, "b": 2.0, "c": None})
        sweep(self.grid, "2e-4", 1024, {"a": 1.5, "b": 1.5})
        sweep(self.grid, "4e-4", 1024, {"a": 3.0})
        os.makedirs(os.path.join(self.grid, "notes"))  # not an lr-<LR> folder: ignored
        p = self.run_script()
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(p.stdout.strip(), "0.00014")
        with open(self.out) as f:
            doc = json.load(f)
        self.assertEqual(doc["grid"], {"0.0001": 2.0, "0.00014": 1.5, "0.0002": 1.5, "0.0004": 3.0})
        self.assertEqual(doc["chosen_lr"], 1.4e-4)
        self.assertEqual(doc["window"], 1024)

    def test_refusals(self):
        p = self.run_script()
        self.assertEqual(p.returncode, 2)
        self.assertIn(f"lr_grid: {self.grid}: cannot list", p.stderr)
        os.makedirs(self.grid)
        self.assertIn("no lr-<LR>/sweep.json", self.run_script().stderr)
        sweep(self.grid, "1e-4", 512, {"a": 1.0})
        p = self.run_script()
        self.assertEqual(p.returncode, 2)
        self.assertIn("lr-1e-4/sweep.json: no `ropelab sweep` result at window 1024", p.stderr)
        sweep(self.grid, "1e-4", 1024, {"a": None})
        self.assertIn("window 1024 has no answer_nll", self.run_script().stderr)
        self.assertFalse(os.path.exists(self.out))


if __name__ == "__main__":
    unittest.main()
