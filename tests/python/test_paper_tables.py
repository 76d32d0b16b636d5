#!/usr/bin/python3
"""analysis/paper_tables.py on a hand-made run_paper.sh output folder: cells read "measured (paper)",
missing runs read "–", the paper's numbers come from analysis/paper_numbers.json, the tables carry
the git SHA their inputs recorded, a malformed sweep summary is refused with its path."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TASKS = ["narrativeqa", "qasper", "multifieldqa_en", "hotpotqa", "2wikimqa", "musique",
         "gov_report", "qmsum", "multi_news", "trec", "triviaqa", "samsum"]


def write_sweep(out, run, rows, git_sha=None):
    d = os.path.join(out, "eval", run)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "sweep.json"), "w") as f:
        json.dump({"longbench": {str(w): r for w, r in rows.items()},
                   "provenance": {"git_sha": git_sha} if git_sha else {}}, f)


class PaperTables(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.out = self.tmp.name
        scores = {t: float(i) for i, t in enumerate(TASKS)}  # 0..11, mean 5.5
        write_sweep(self.out, "eabf-3.5k", {16384: {"scores": scores, "paper_macro": 5.5},
                                            32768: {"scores": {}, "paper_macro": 4.0}})
        write_sweep(self.out, "pi-100", {16384: {"scores": {}, "paper_macro": 30.0}}, git_sha="abc1234")
        write_sweep(self.out, "base", {4096: {"scores": {}, "paper_macro": 32.95}})

    def tearDown(self):
        self.tmp.cleanup()

    def run_tables(self):
        p = subprocess.run([sys.executable, "analysis/paper_tables.py", self.out, "--write",
                            os.path.join(self.out, "t.md")], capture_output=True, text=True, cwd=ROOT)
        return p

    def row(self, text, section, label):
        part = text.split(section, 1)[1]
        return next(l for l in part.splitlines() if l.startswith(f"| {label} |"))

    def test_measured_beside_paper(self):
        p = self.run_tables()
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(self.out, "t.md")) as f:
            text = f.read()
        self.assertEqual(text.strip(), p.stdout.strip())
        # The SHA the inputs recorded (one of the three sweep summaries records one).
        self.assertIn(f"From `{self.out}` (git abc1234, as recorded by its 1 input);", text)
        eabf2 = self.row(text, "## Table 2", "EABF")
        self.assertTrue(eabf2.startswith("| EABF | 0.0 (21.9) | 1.0 (31.0) | 2.0 (47.1) |"), eabf2)
        self.assertTrue(eabf2.endswith("| 11.0 (42.0) | **5.5 (39.1)** |"), eabf2)
        self.assertIn("| – (20.1) |", self.row(text, "## Table 2", "PI"))
        self.assertIn("| 33.0 (33.0) |", self.row(text, "## Table 2", "LLaMA-2-7B-Chat (4k, not extended)"))
        self.assertEqual(self.row(text, "## Table 4", "EABF"), "| EABF | – (36.3) | – (38.1) | 5.5 (39.1) | 4.0 (39.1) |")
        self.assertEqual(self.row(text, "## Table 5", "PI"), "| PI | – (29.7) | 30.0 (33.8) | – (36.1) | – (36.3) |")
        self.assertEqual(self.row(text, "## Table 5", "EABF"), "| EABF | – (31.3) | – (37.4) | – (38.3) | 5.5 (39.1) |")

    def test_malformed_sweep_names_its_file(self):
        with open(os.path.join(self.out, "eval", "pi-100", "sweep.json"), "w") as f:
            f.write("{not json")
        p = self.run_tables()
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(os.path.join("pi-100", "sweep.json"), p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)

    def test_missing_folder(self):
        p = subprocess.run([sys.executable, "analysis/paper_tables.py", os.path.join(self.out, "nope")],
                           capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("no eval/ folder", p.stderr)


if __name__ == "__main__":
    unittest.main()
