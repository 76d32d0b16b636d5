#!/usr/bin/python3
"""experiments/check_sums.py, the pin check of the shipped base model run_mini.sh extends: the
shipped folder itself passes; a changed byte, a missing file, a malformed line and a name outside
the folder exit 2 with one line naming the file. The sha256 values of the hand-made files are
hashlib's, computed here independently of the script (and "abc" against its published digest)."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from needs import ROOT  # noqa: E402

SHIPPED = os.path.join(ROOT, "data", "models", "mini-base-s1")
ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"  # FIPS 180-2, sha256("abc")


class CheckSums(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = os.path.join(self.tmp.name, "m")
        os.makedirs(self.dir)
        self.write("a.bin", b"abc")
        self.write("b.json", b'{"x": 1}\n')
        self.pin([(ABC, "a.bin"), (hashlib.sha256(b'{"x": 1}\n').hexdigest(), "b.json")])

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, data):
        with open(os.path.join(self.dir, name), "wb") as f:
            f.write(data)

    def pin(self, rows):
        with open(os.path.join(self.dir, "SHA256SUMS"), "w") as f:
            f.writelines(f"{h}  {n}\n" for h, n in rows)

    def run_check(self, folder=None):
        return subprocess.run([sys.executable, "experiments/check_sums.py", folder or self.dir],
                              capture_output=True, text=True, cwd=ROOT)

    def refused(self, *parts):
        p = self.run_check()
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        for part in parts:
            self.assertIn(part, p.stderr)
        return p.stderr

    def test_pins_hold(self):
        self.assertEqual(self.run_check().returncode, 0)

    def test_shipped_base_matches_its_pins(self):
        p = self.run_check(SHIPPED)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(os.path.join(SHIPPED, "SHA256SUMS")) as f:
            names = {l.split()[1] for l in f if l.strip()}
        self.assertTrue({"config.json", "model.safetensors", "tokenizer.model"} <= names, names)

    def test_changed_byte(self):
        self.write("a.bin", b"abd")
        err = self.refused("a.bin", hashlib.sha256(b"abd").hexdigest(), ABC)
        self.assertIn("SHA256SUMS pins", err)

    def test_missing_file(self):
        os.remove(os.path.join(self.dir, "b.json"))
        self.refused("b.json", "missing")

    def test_malformed_line(self):
        self.pin([("not-a-digest", "a.bin")])
        self.refused("SHA256SUMS:1", "not '<sha256>  <file>'")

    def test_name_outside_folder(self):
        self.pin([(ABC, "../a.bin")])
        self.refused("SHA256SUMS:1", "not a file name inside")

    def test_no_pins(self):
        os.remove(os.path.join(self.dir, "SHA256SUMS"))
        self.refused("SHA256SUMS", "cannot read")


if __name__ == "__main__":
    unittest.main()
