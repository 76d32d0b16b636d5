#!/usr/bin/python3
"""experiments/long_documents.py, run_mini.sh's long held-out documents: windows of --per consecutive
documents joined by newlines, one every --step documents, only full windows (expected lines written
out by hand); blank lines skipped; an existing output kept without --overwrite; a malformed line
refused with its file and line number (exit 2, one line)."""
import json
import os
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class LongDocuments(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.src = os.path.join(self.tmp.name, "eval.jsonl")
        self.dst = os.path.join(self.tmp.name, "eval-long.jsonl")
        with open(self.src, "w") as f:
            for i in range(7):  # d0 .. d6, with a blank line after d2
                f.write(json.dumps({"text": f"d{i}"}) + "\n" + ("\n" if i == 2 else ""))

    def tearDown(self):
        self.tmp.cleanup()

    def run_script(self, *extra, per=3, step=2):
        return subprocess.run([sys.executable, "experiments/long_documents.py", self.src, self.dst, "--per", str(per),
                               "--step", str(step), *extra], capture_output=True, text=True, cwd=ROOT)

    def texts(self):
        with open(self.dst) as f:
            return [json.loads(line)["text"] for line in f]

    def test_windows(self):
        p = self.run_script()
        self.assertEqual(p.returncode, 0, p.stderr)
        # starts 0, 2, 4 (start 6 would need d6..d8): full windows only
        self.assertEqual(self.texts(), ["d0\nd1\nd2", "d2\nd3\nd4", "d4\nd5\nd6"])
        self.assertFalse(os.path.exists(self.dst + ".tmp"))

    def test_existing_output_kept_without_overwrite(self):
        self.assertEqual(self.run_script().returncode, 0)
        p = self.run_script(per=7, step=1)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn(f"{self.dst}: exists; pass --overwrite", p.stderr)
        self.assertEqual(len(self.texts()), 3)
        self.assertEqual(self.run_script("--overwrite", per=7, step=1).returncode, 0)
        self.assertEqual(self.texts(), ["\n".join(f"d{i}" for i in range(7))])

    def test_malformed_line_names_file_and_line(self):
        with open(self.src, "a") as f:
            f.write('{"title": "no text"}\n')
        p = self.run_script()
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(p.stderr.strip(), f"long_documents: {self.src}:9: not a JSON object with a \"text\" string")
        self.assertFalse(os.path.exists(self.dst))

    def test_too_few_documents(self):
        p = self.run_script(per=8)
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertIn("7 documents, fewer than one window of --per 8", p.stderr)

    def test_invalid_options(self):
        self.assertIn("--step (0) must be >= 1", self.run_script(step=0).stderr)
        self.assertIn("--per (0) must be >= 1", self.run_script(per=0).stderr)

    def chunk(self, words, *extra):
        with open(self.src, "w") as f:  # two documents of 3 lines of 2 words, and one of 1 word
            f.write(json.dumps({"text": "a b\nc d\ne f"}) + "\n" + json.dumps({"text": "g h\ni j\nk l"}) + "\n")
            f.write(json.dumps({"text": "m"}) + "\n")
        return subprocess.run([sys.executable, "experiments/long_documents.py", self.src, self.dst, "--chunk-words",
                               str(words), *extra], capture_output=True, text=True, cwd=ROOT)

    def test_chunks_cut_at_line_ends_and_drop_tails(self):
        p = self.chunk(3)
        self.assertEqual(p.returncode, 0, p.stderr)
        # 4 words reach >= 3 at the end of the second line; "e f" (2 words) and "m" are tails
        self.assertEqual(self.texts(), ["a b\nc d", "g h\ni j"])

    def test_chunk_options(self):
        self.assertIn("no document has --chunk-words 7 words", self.chunk(7).stderr)
        self.assertEqual(self.chunk(7).returncode, 2)
        self.assertIn("--chunk-words excludes --per and --step", self.chunk(3, "--per", "2").stderr)
        self.assertIn("--chunk-words (0) must be >= 1", self.chunk(0).stderr)


if __name__ == "__main__":
    unittest.main()
