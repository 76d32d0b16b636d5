#!/usr/bin/python3
"""analysis/h5_complete.py, the check run_mini.sh reuses finished evaluations by, on hand-made files
written the way the toolkit's writers leave them (tests/python/toolkit_outputs.py): a complete run
exits 0; an interrupted run, an absent group and an absent file exit 1 (not yet done); a file that is
not HDF5, a group path that is a dataset and a `complete` that is not a boolean exit 2 with one line
naming the file. Exit 77 (CTest: skipped) without h5py."""
import os
import subprocess
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from needs import ROOT, require  # noqa: E402

h5py, np = require("h5py", "numpy")
from toolkit_outputs import WINDOWS, study_entropy, write_entropy_run, write_passkey  # noqa: E402


class H5Complete(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.eval = os.path.join(self.tmp.name, "eval.h5")
        with h5py.File(self.eval, "w") as f:
            write_passkey(f, "done", [[1.0] * 5] * len(WINDOWS))
            write_passkey(f, "killed", [[1.0] * 5] * len(WINDOWS), complete=False)
        self.entropy = os.path.join(self.tmp.name, "entropy.h5")
        with h5py.File(self.entropy, "w") as f:
            write_entropy_run(f, "base-s0", study_entropy(1.0, 0.5))

    def tearDown(self):
        self.tmp.cleanup()

    def check(self, path, group):
        return subprocess.run([sys.executable, "analysis/h5_complete.py", path, group], capture_output=True,
                              text=True, cwd=ROOT)

    def assert_refused(self, p, *parts):
        self.assertEqual(p.returncode, 2, p.stderr)
        self.assertEqual(len(p.stderr.strip().splitlines()), 1, p.stderr)
        for part in parts:
            self.assertIn(part, p.stderr)

    def test_complete_run(self):
        self.assertEqual(self.check(self.eval, "/eval/done/passkey").returncode, 0)
        self.assertEqual(self.check(self.entropy, "/runs/base-s0").returncode, 0)

    def test_interrupted_run_is_not_complete(self):
        p = self.check(self.eval, "/eval/killed/passkey")
        self.assertEqual(p.returncode, 1, p.stderr)
        self.assertEqual(p.stderr, "")

    def test_absent_group_and_file_are_not_complete(self):
        self.assertEqual(self.check(self.eval, "/eval/done/ppl").returncode, 1)
        self.assertEqual(self.check(self.eval, "/eval/never-run/passkey").returncode, 1)
        self.assertEqual(self.check(os.path.join(self.tmp.name, "absent.h5"), "/eval/done/passkey").returncode, 1)

    def test_group_without_complete_attribute_is_not_complete(self):
        with h5py.File(self.eval, "a") as f:
            del f["eval/done/passkey"].attrs["complete"]
        self.assertEqual(self.check(self.eval, "/eval/done/passkey").returncode, 1)

    def test_not_hdf5_is_an_error(self):
        path = os.path.join(self.tmp.name, "text.h5")
        with open(path, "w") as f:
            f.write("not HDF5\n")
        self.assert_refused(self.check(path, "/eval/done/passkey"), f"{path}: not a readable HDF5 file")

    def test_dataset_is_not_a_run(self):
        self.assert_refused(self.check(self.eval, "/eval/done/passkey/accuracy"), self.eval,
                            "/eval/done/passkey/accuracy is not a group")

    def test_non_boolean_complete_is_an_error(self):
        with h5py.File(self.eval, "a") as f:
            f["eval/done/passkey"].attrs["complete"] = np.int64(1)
        self.assert_refused(self.check(self.eval, "/eval/done/passkey"), self.eval, "not a boolean")

    def test_usage(self):
        p = subprocess.run([sys.executable, "analysis/h5_complete.py", self.eval], capture_output=True, text=True,
                           cwd=ROOT)
        self.assertEqual(p.returncode, 2)
        self.assertIn("usage:", p.stderr)


if __name__ == "__main__":
    unittest.main()
