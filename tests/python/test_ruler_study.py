#!/usr/bin/python3
"""The miniature report's RULER section (analysis/ruler_study.py) on hand-made summary.csv files whose
averages are known by hand: seeds are averaged (mean ± sample std), the per-task table is at 4c, the
section is absent without RULER results. plots/ruler.py is tested in test_plots.py."""
import os
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "analysis"))
import ruler_study  # noqa: E402


def write_summary(out, run, length, scores):
    d = os.path.join(out, "ruler", run, str(length))
    os.makedirs(d, exist_ok=True)
    tasks = list(scores)
    with open(os.path.join(d, "summary.csv"), "w") as f:
        f.write(",".join(str(i) for i in range(len(tasks) + 1)) + "\n")
        f.write("Tasks," + ",".join(tasks) + "\n")
        f.write("Score," + ",".join(str(scores[t]) for t in tasks) + "\n")
        f.write("Nulls," + ",".join("0/2" for _ in tasks) + "\n")


def cell(values, digits=1):  # the report's cell(): mean ± sample std
    if not values:
        return "–"
    m = sum(values) / len(values)
    if len(values) == 1:
        return f"{m:.{digits}f}"
    sd = (sum((v - m) ** 2 for v in values) / (len(values) - 1)) ** 0.5
    return f"{m:.{digits}f} ± {sd:.{digits}f}"


def split_run(run):
    m, s = run.rsplit("-s", 1)
    return m, int(s)


class RulerStudy(unittest.TestCase):
    def test_section(self):
        with tempfile.TemporaryDirectory() as out:
            self.assertEqual(ruler_study.section(out, ["eabf-s0"], ["eabf"], split_run, {}, cell, 128), [])
            write_summary(out, "eabf-s0", 256, {"niah_single_1": 100.0, "qa_1": 50.0})   # 75
            write_summary(out, "eabf-s1", 256, {"niah_single_1": 80.0, "qa_1": 50.0})    # 65
            write_summary(out, "eabf-s0", 512, {"niah_single_1": 40.0, "qa_1": 0.0})     # 20
            write_summary(out, "pi-s0", 512, {"niah_single_1": 10.0, "qa_1": 20.0})      # 15
            lines = ruler_study.section(out, ["eabf-s0", "eabf-s1", "pi-s0"], ["pi", "eabf"], split_run,
                                        {"eabf": "EABF"}, cell, 128)
            text = "\n".join(lines)
            self.assertIn("| method | 256 (2c) | 512 (4c) |", text)
            self.assertIn("| pi | – | 15.0 |", text)
            self.assertIn("| EABF | 70.0 ± 7.1 | 20.0 |", text)  # mean 70, std of (75, 65) = 7.07
            self.assertIn("Per task at 512 (4c)", text)
            self.assertIn("| EABF | 40 | 0 |", text)


if __name__ == "__main__":
    unittest.main()
