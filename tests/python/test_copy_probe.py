#!/usr/bin/python3
"""experiments/copy_probe.py: the probe documents (random words of the input's 3-8-letter
vocabulary, one sequence repeated, the same for a seed) and the score read from a hand-made `ropelab
ppl` file (expected means computed here by hand); bad input refused with one line and exit 2."""
import json
import os
import re
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
SCRIPT = os.path.join(ROOT, "experiments", "copy_probe.py")

try:
    import h5py
    import numpy as np
except ImportError:  # Debian's python3-h5py / numpy: make setup installs them
    print("skipped: needs h5py and numpy (/usr/bin/python3 with python3-h5py)")
    sys.exit(77)


def run(*args):
    return subprocess.run([sys.executable, SCRIPT, *args], capture_output=True, text=True, cwd=ROOT)


class CopyProbe(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.src = os.path.join(self.tmp.name, "eval.jsonl")
        # 200 distinct 4-letter words plus words the filter must drop (too short, too long, digits).
        letters = "abcdefghij"
        self.words = sorted({letters[i // 100] + letters[i // 10 % 10] + letters[i % 10] + "x" for i in range(200)})
        with open(self.src, "w") as f:
            f.write(json.dumps({"text": " ".join(w.upper() for w in self.words[:100])}) + "\n\n")
            f.write(json.dumps({"text": " ".join(self.words[100:]) + " is to be extraordinarily 1234"}) + "\n")
        self.out = os.path.join(self.tmp.name, "probe.jsonl")

    def tearDown(self):
        self.tmp.cleanup()

    def docs(self):
        with open(self.out) as f:
            return [json.loads(line)["text"] for line in f]

    def test_documents_repeat_one_random_sequence(self):
        p = run("docs", self.src, self.out, "--count", "5", "--words", "7", "--repeats", "3", "--seed", "4")
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("200-word vocabulary", p.stdout)
        docs = self.docs()
        self.assertEqual(len(docs), 5)
        for d in docs:
            lines = d.split("\n")
            self.assertEqual(len(lines), 3)
            self.assertEqual(len(set(lines)), 1, "every line is the same sequence")
            seq = lines[0].split(" ")
            self.assertEqual(len(seq), 7)
            self.assertTrue(set(seq) <= set(self.words), "only the lowercased 3-8-letter words of the input")
        self.assertGreater(len(set(docs)), 1, "documents differ")
        first = docs
        self.assertEqual(run("docs", self.src, self.out, "--count", "5", "--words", "7", "--repeats", "3", "--seed",
                             "4", "--overwrite").returncode, 0)
        self.assertEqual(self.docs(), first, "the same seed gives the same documents")
        self.assertEqual(run("docs", self.src, self.out, "--count", "5", "--words", "7", "--repeats", "3", "--seed",
                             "5", "--overwrite").returncode, 0)
        self.assertNotEqual(self.docs(), first)

    def test_existing_output_kept_and_bad_options_refused(self):
        self.assertEqual(run("docs", self.src, self.out, "--count", "2").returncode, 0)
        p = run("docs", self.src, self.out, "--count", "3")
        self.assertEqual(p.returncode, 2)
        self.assertIn(f"{self.out}: exists; pass --overwrite", p.stderr)
        self.assertEqual(len(self.docs()), 2)
        p = run("docs", self.src, self.out, "--repeats", "1", "--overwrite")
        self.assertEqual((p.returncode, p.stderr.strip()), (2, "copy_probe: --repeats (1) must be >= 2"))
        bad = os.path.join(self.tmp.name, "bad.jsonl")
        with open(bad, "w") as f:
            f.write('{"text": "fine words here"}\n[1, 2]\n')
        p = run("docs", bad, self.out, "--overwrite")
        self.assertEqual((p.returncode, p.stderr.strip()),
                         (2, f'copy_probe: {bad}:2: not a JSON object with a "text" string'))
        with open(bad, "w") as f:
            f.write('{"text": "too few words"}\n')
        p = run("docs", bad, self.out, "--overwrite")
        self.assertEqual(p.returncode, 2)
        self.assertIn("3 distinct words of 3-8 letters; the probe needs >= 100", p.stderr)

    def test_score_reads_ppl_positions(self):
        h5 = os.path.join(self.tmp.name, "probe.h5")
        nll = np.zeros(63, dtype=np.float32)  # ppl's [T - 1] query positions at T = 64
        nll[:4] = 9.0  # ignored: the first positions see no context
        nll[4:16] = 5.0  # the first occurrence, positions [4, 16)
        nll[16:32] = 7.0  # ignored: between the two regions
        nll[32:] = np.linspace(1.0, 2.0, 31)  # the repeats, positions [32, 63): mean 1.5
        with h5py.File(h5, "w") as f:
            f.create_dataset("eval/base/ppl/nll_by_position/64", data=nll)
        p = run("score", h5, "base", "--window", "64", "--first-end", "16")
        self.assertEqual(p.returncode, 0, p.stderr)
        got = json.loads(p.stdout)
        self.assertAlmostEqual(got["first"], 5.0, places=4)
        self.assertAlmostEqual(got["repeats"], 1.5, places=4)
        self.assertAlmostEqual(got["drop"], 3.5, places=4)
        p = run("score", h5, "base", "--window", "32", "--first-end", "16")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no dataset /eval/base/ppl/nll_by_position/32", p.stderr)
        with h5py.File(h5, "a") as f:
            f.create_dataset("eval/base/ppl/nll_by_position/16", data=np.zeros(16))
        p = run("score", h5, "base", "--window", "16", "--first-end", "8")
        self.assertEqual(p.returncode, 2)
        self.assertIn("/eval/base/ppl/nll_by_position/16 has 16 positions, expected 15", p.stderr)
        p = run("score", h5, "other", "--window", "64")
        self.assertEqual(p.returncode, 2)
        self.assertIn("no dataset /eval/other/ppl/nll_by_position/64", p.stderr)
        p = run("score", h5, "base", "--window", "64", "--first-end", "40")
        self.assertEqual((p.returncode, p.stderr.strip()),
                         (2, "copy_probe: --first-end (40) must be in (4, window/2]"))
        notes = os.path.join(self.tmp.name, "notes.h5")
        with open(notes, "w") as f:
            f.write("not HDF5\n")
        p = run("score", notes, "base", "--window", "64")
        self.assertEqual(p.returncode, 2)
        self.assertTrue(re.match(rf"copy_probe: {re.escape(notes)}: not a readable HDF5 file", p.stderr), p.stderr)


if __name__ == "__main__":
    unittest.main()
