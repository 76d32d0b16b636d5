#!/usr/bin/python3
"""Every script in plots/ on small hand-made outputs (tests/python/toolkit_outputs.py, the writers'
layouts): it exits 0 and writes non-empty PNGs (and PDFs), the figure shows the numbers it should
(read back by tests/python/figure_probe.py: lines, bars, images, labels, against values computed
here by hand or by a separate loop), and a missing or malformed input ends it with one line naming
the file and exit status 2, never a traceback. One test class per script, named on the command line
by CTest (python.plots.<script>). Exit 77 (CTest: skipped) without h5py, matplotlib and numpy."""
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from needs import ROOT, require  # noqa: E402

h5py, _, np = require("h5py", "matplotlib", "numpy")
PLOTS = os.path.join(ROOT, "plots")
from toolkit_outputs import (C, build_study, write_entropy_run, write_passkey, write_ppl, write_result,  # noqa: E402
                             write_ruler_csv, write_sweep, write_train_log)

PAPER12 = ["narrativeqa", "qasper", "multifieldqa_en", "hotpotqa", "2wikimqa", "musique",
           "gov_report", "qmsum", "multi_news", "trec", "triviaqa", "samsum"]


class PlotTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.d = self.tmp.name
        self.fig = os.path.join(self.d, "figures")

    def tearDown(self):
        self.tmp.cleanup()

    def path(self, *parts):
        return os.path.join(self.d, *parts)

    def draw(self, script, *args):
        """Runs plots/SCRIPT under the probe; {png name: description}, and the process."""
        record = self.path("probe.json")
        p = subprocess.run([sys.executable, os.path.join(HERE, "figure_probe.py"), record,
                            os.path.join(PLOTS, script), *args], capture_output=True, text=True, cwd=ROOT)
        self.assertEqual(p.returncode, 0, p.stderr)
        with open(record) as f:
            figs = {os.path.basename(r["path"]): r for r in json.load(f)}
        for name, r in figs.items():
            self.assert_png(r["path"])
            self.assertTrue(os.path.getsize(r["path"][:-4] + ".pdf") > 1000, name)
        return figs, p

    def assert_png(self, path):
        with open(path, "rb") as f:
            head = f.read(24)
        self.assertEqual(head[:8], b"\x89PNG\r\n\x1a\n", path)
        width, height = struct.unpack(">II", head[16:24])
        self.assertGreater(min(width, height), 300, path)
        self.assertGreater(os.path.getsize(path), 10000, path)

    def fails_without_runs(self, script, kind, write_other):
        """SCRIPT refuses an absent file, and an eval file that write_other(f) fills with runs of
        another kind only ("no complete KIND runs")."""
        out = ["--out", self.fig]
        self.fails(script, [self.path("none.h5"), *out], "none.h5: no such file")
        other = self.path(f"no-{kind}.h5")
        with h5py.File(other, "w") as f:
            write_other(f)
        self.fails(script, [other, *out], f"no complete {kind} runs")

    def fails(self, script, args, *fragments, code=2):
        """plots/SCRIPT ARGS run as a user would: exit `code` with one error line, `SCRIPT: ...` holding
        each fragment, last on stderr (after notes on skipped runs, if any)."""
        p = subprocess.run([sys.executable, os.path.join(PLOTS, script), *args], capture_output=True, text=True,
                           cwd=ROOT)
        self.assertEqual(p.returncode, code, p.stderr)
        self.assertNotIn("Traceback", p.stderr)
        lines = p.stderr.strip().splitlines()
        self.assertTrue(lines and lines[-1].startswith((script + ": ", script[:-3] + ": ")), p.stderr)
        for note in lines[:-1]:
            self.assertIn("; skipped", note)
        for frag in fragments:
            self.assertIn(frag, lines[-1])
        return p

    def remove(self, file, name, attr=None):
        """Deletes object `name` (or its attribute `attr`) from an HDF5 file: a malformed input."""
        with h5py.File(file, "a") as f:
            if attr:
                del f[name].attrs[attr]
            else:
                del f[name]

    def fails_without(self, script, name, attr=None):
        """SCRIPT refuses self.file once object `name` (or its attribute `attr`) is removed, naming it."""
        self.remove(self.file, name, attr)
        missing = f"/{name} has no attribute {attr}" if attr else f"/{name} is missing"
        self.fails(script, [self.file, "--out", self.fig], missing)

    def line(self, ax, label):
        hits = [l for l in ax["lines"] if l["label"] == label]
        self.assertEqual(len(hits), 1, f"{label!r} among {[l['label'] for l in ax['lines']]}")
        return hits[0]

    def assert_close(self, got, want, places=5):
        self.assertEqual(len(got), len(want))
        for g, w in zip(got, want):
            if w is None or (isinstance(w, float) and math.isnan(w)):
                self.assertIsNone(g)
            else:
                self.assertAlmostEqual(g, w, places=places)


class Entropy(PlotTest):
    T = 64

    def head_entropy(self, layers):
        """[layer, head, position]: 0.1 (layer index + 1) + 0.2 head + 0.01 position."""
        l, h, p = np.meshgrid(np.asarray(layers), np.arange(2), np.arange(self.T), indexing="ij")
        return 0.1 * (l + 1) + 0.2 * h + 0.01 * p

    def setUp(self):
        super().setUp()
        self.file = self.path("entropy.h5")
        with h5py.File(self.file, "w") as f:
            # 8 layers: Figure 1 shows a spread of them; the trained window the writer stored (16 < T).
            write_entropy_run(f, "base", self.head_entropy(range(8)), method="default", n_docs=3,
                              model={"max_position_embeddings": 16}, trained_window=16)
            # 4 recorded layers; a Phi-3-style longrope record: c (16) is in neither the rope record nor
            # the model's max_position_embeddings (64), only in the stored trained_window.
            write_entropy_run(f, "yarn@64", self.head_entropy([0, 2, 5, 7]), layers=[0, 2, 5, 7], method="yarn",
                              rope={"rope_type": "longrope", "factor": 4.0},
                              model={"max_position_embeddings": 64, "original_max_position_embeddings": 16},
                              n_docs=2, trained_window=16)
            write_entropy_run(f, "pi", self.head_entropy(range(8)), method="pi", complete=False)

    def test_figures(self):
        figs, p = self.draw("entropy.py", self.file, "--out", self.fig)
        self.assertEqual(set(figs), {"entropy_vs_position_base.png", "entropy_vs_position.png", "heatmap_base.png",
                                     "entropy_vs_position_yarn@64.png", "heatmap_yarn@64.png",
                                     "methods_layer7.png"})
        self.assertIn("run pi is incomplete; skipped", p.stderr)
        n = np.arange(1, self.T + 1)
        ax = figs["entropy_vs_position_base.png"]["axes"][0]
        self.assertEqual(ax["title"], "base (default, 3 docs)")
        self.assert_close(self.line(ax, "uniform (ln n)")["y"], np.log(n).tolist())
        # More than 6 layers: the first two plus round(linspace(0, 7, 6)) = 0, 1, 3, 4, 6, 7.
        shown = [l["label"] for l in ax["lines"] if l["label"].startswith("layer ")]
        self.assertEqual(shown, ["layer 0", "layer 1", "layer 3", "layer 4", "layer 6", "layer 7"])
        # Head mean of layer 3: 0.1 * 4 + 0.1 + 0.01 p.
        self.assert_close(self.line(ax, "layer 3")["y"], [0.5 + 0.01 * p for p in range(self.T)])
        self.assertEqual(self.line(ax, "trained window 16")["x"], [16.0, 16.0])
        self.assertEqual(figs["entropy_vs_position.png"]["axes"][0]["title"], "base (default, 3 docs)")

        ax = figs["entropy_vs_position_yarn@64.png"]["axes"][0]
        self.assertEqual([l["label"] for l in ax["lines"] if l["label"].startswith("layer ")],
                         ["layer 0", "layer 2", "layer 5", "layer 7"])
        self.assertEqual(self.line(ax, "trained window 16")["x"], [16.0, 16.0])  # not the model's 64
        self.assert_close(self.line(ax, "layer 5")["y"], [0.7 + 0.01 * p for p in range(self.T)])

        img = figs["heatmap_base.png"]["axes"][0]["images"][0]  # [layer, position] head means
        self.assertEqual((len(img), len(img[0])), (8, self.T))
        self.assertAlmostEqual(img[7][10], 0.9 + 0.1, places=5)

        # Methods compared at the last layer every run recorded (7).
        ax = figs["methods_layer7.png"]["axes"][0]
        self.assertEqual(ax["title"], "layer 7: methods compared")
        for label in ("base (default)", "yarn@64 (yarn)"):
            self.assert_close(self.line(ax, label)["y"], [0.9 + 0.01 * p for p in range(self.T)])

    def test_selected_layers(self):
        figs, _ = self.draw("entropy.py", self.file, "--out", self.fig, "--layers", "0,7", "--compare-layer", "2")
        ax = figs["entropy_vs_position_base.png"]["axes"][0]
        self.assertEqual([l["label"] for l in ax["lines"] if l["label"].startswith("layer ")], ["layer 0", "layer 7"])
        ax = figs["methods_layer2.png"]["axes"][0]
        self.assertEqual(sorted(l["label"] for l in ax["lines"]),
                         ["base (default)", "uniform (ln n)", "yarn@64 (yarn)"])

    def test_bad_input(self):
        out = ["--out", self.fig]
        self.fails("entropy.py", [self.path("none.h5"), *out], "none.h5: no such file")
        with open(self.path("text.h5"), "w") as f:
            f.write("not HDF5\n")
        self.fails("entropy.py", [self.path("text.h5"), *out], "text.h5: not a readable HDF5 file")
        self.fails("entropy.py", [self.file, *out, "--layers", "2,1"],
                   "--layers: layer(s) 1 not recorded in run yarn@64")
        self.fails("entropy.py", [self.file, *out, "--layers", "x"], "--layers")
        self.fails("entropy.py", [self.file, *out, "--compare-layer", "12"], "--compare-layer", "12")
        self.fails_without("entropy.py", "runs/yarn@64/entropy_mean")
        self.fails_without("entropy.py", "runs/base", "trained_window")
        with h5py.File(self.file, "a") as f:
            f.attrs["schema_version"] = np.int64(1)
        self.fails("entropy.py", [self.file, *out], "entropy.h5: an entropy file (schema v1), not an entropy file "
                   "of schema v2 (re-run the command that wrote it)")
        with h5py.File(self.file, "a") as f:
            del f.attrs["schema_kind"]  # what ropelab wrote before file kinds
        self.fails("entropy.py", [self.file, *out], "entropy.h5: not an entropy file (no schema_kind attribute")
        write_train_log(self.path("m", "train.h5"), "m", "pretrain", [1.0], {}, {}, 1)
        self.fails("entropy.py", [self.path("m", "train.h5"), *out],
                   "train.h5: a train_log file (schema v2), not an entropy file")
        with h5py.File(self.path("eval.h5"), "w") as f:
            write_ppl(f, "pi", {16: np.zeros(15)}, trained_window=8)
        self.fails("entropy.py", [self.path("eval.h5"), *out], "eval.h5: an eval file (schema v2), not an entropy file")
        with h5py.File(self.path("incomplete.h5"), "w") as f:
            write_entropy_run(f, "pi", self.head_entropy(range(2)), complete=False)
        p = subprocess.run([sys.executable, os.path.join(PLOTS, "entropy.py"), self.path("incomplete.h5"), *out],
                           capture_output=True, text=True)
        self.assertEqual(p.returncode, 2)
        self.assertIn("no complete runs", p.stderr)


class PasskeyHeatmap(PlotTest):
    ACC = [[1.0, 1.0, 0.75], [0.5, 0.25, 0.0], [0.0, 0.0, 0.0]]  # [length, depth]

    def setUp(self):
        super().setUp()
        self.file = self.path("eval.h5")
        with h5py.File(self.file, "w") as f:
            write_passkey(f, "base-s0", self.ACC, lengths=[128, 256, 512], depths=[0, 0.5, 1], trials=4)
            write_passkey(f, "yarn", self.ACC, lengths=[128, 256, 512], depths=[0, 0.5, 1], complete=False)
            write_ppl(f, "pi", {16: np.zeros(15)}, trained_window=8)  # a ppl run only: no heat map

    def test_figure(self):
        figs, p = self.draw("passkey_heatmap.py", self.file, "--out", self.fig)
        self.assertEqual(set(figs), {"passkey_base-s0.png"})
        self.assertIn("/eval/yarn/passkey is incomplete; skipped", p.stderr)
        ax = figs["passkey_base-s0.png"]["axes"][0]
        self.assertEqual(ax["images"][0], [list(col) for col in zip(*self.ACC)])  # depth rows, length columns
        self.assertEqual(ax["xticklabels"], ["128", "256", "512"])
        self.assertEqual(ax["yticklabels"], ["0", "0.5", "1"])
        self.assertEqual(ax["title"], "passkey accuracy: base-s0 (4 trials)")

    def test_bad_input(self):
        out = ["--out", self.fig]
        self.fails_without_runs("passkey_heatmap.py", "passkey",
                                lambda f: write_ppl(f, "pi", {16: np.zeros(15)}, trained_window=8))
        with h5py.File(self.path("entropy.h5"), "w") as f:
            write_entropy_run(f, "base", np.ones((1, 1, 4)))
        self.fails("passkey_heatmap.py", [self.path("entropy.h5"), *out],
                   "entropy.h5: an entropy file (schema v2), not an eval file")
        with h5py.File(self.file, "a") as f:
            del f["eval/base-s0/passkey/depths"]
            f["eval/base-s0/passkey/depths"] = np.array([0.0, 1.0])
        self.fails("passkey_heatmap.py", [self.file, *out], "accuracy is 3x3, not lengths x depths = 3x2")
        self.fails_without("passkey_heatmap.py", "eval/base-s0/passkey/accuracy")


class PplVsPosition(PlotTest):
    def setUp(self):
        super().setUp()
        rng = np.random.default_rng(0)
        self.nll = {T: rng.uniform(1.0, 3.0, T - 1) for T in (4, 12, 32)}
        self.file = self.path("eval.h5")
        with h5py.File(self.file, "w") as f:
            write_ppl(f, "base", self.nll, trained_window=16)
            write_ppl(f, "yarn", {32: self.nll[32]}, trained_window=24)
            write_ppl(f, "pi", {32: self.nll[32]}, trained_window=8, complete=False)
            write_passkey(f, "base", [[1.0]], lengths=[32], depths=[0.5])

    def test_figure(self):
        k = 8
        figs, p = self.draw("ppl_vs_position.py", self.file, "--out", self.fig, "--smooth", str(k))
        ax = figs["ppl_vs_position.png"]["axes"][0]
        self.assertIn("/eval/pi/ppl is incomplete; skipped", p.stderr)
        self.assertEqual(ax["yscale"], "log")
        self.assertIn("8-position smoothing", ax["ylabel"])
        labels = [l["label"] for l in ax["lines"] if not l["label"].startswith("_")]
        self.assertEqual(labels, ["base T=4", "base T=12", "base T=32", "yarn T=32"])
        for T in (12, 32):
            # Running mean over k positions, drawn at the centre of its positions (i + (k - 1) / 2).
            raw = self.nll[T]
            want_y = [math.exp(sum(raw[i:i + k]) / k) for i in range(len(raw) - k + 1)]
            line = self.line(ax, f"base T={T}")
            self.assert_close(line["y"], want_y)
            self.assert_close(line["x"], [i + (k - 1) / 2 for i in range(len(want_y))])
        line = self.line(ax, "base T=4")  # 3 positions, fewer than k: drawn unsmoothed at 0, 1, 2
        self.assert_close(line["x"], [0.0, 1.0, 2.0])
        self.assert_close(line["y"], [math.exp(v) for v in self.nll[4]])
        vlines = sorted(l["x"][0] for l in ax["lines"] if l["label"].startswith("_") and l["x"][0] == l["x"][1])
        self.assertEqual(vlines, [16.0, 24.0])  # trained windows of the complete runs

    def test_bad_input(self):
        out = ["--out", self.fig]
        self.fails("ppl_vs_position.py", [self.file, *out, "--smooth", "0"], "--smooth")
        self.fails_without_runs("ppl_vs_position.py", "ppl",
                                lambda f: write_passkey(f, "base", [[1.0]], lengths=[32], depths=[0.5]))
        self.fails_without("ppl_vs_position.py", "eval/yarn/ppl", "trained_window")
        self.fails_without("ppl_vs_position.py", "eval/base/ppl/nll_by_position")


class LongbenchCategories(PlotTest):
    def setUp(self):
        super().setUp()
        self.pi = self.path("pred", "pi", "result.json")
        self.yarn = self.path("pred", "yarn", "result.json")
        write_result(self.pi, {"narrativeqa": 10.0, "qasper": 20.0, "hotpotqa": 30.0, "trec": 40.0,
                               "triviaqa": 50.0, "samsum": 60.0, "passage_count": None})
        write_result(self.yarn, {"narrativeqa": 5.0, "qasper": 15.0, "multifieldqa_en": 25.0, "lcc": 70.0})

    def test_figure(self):
        figs, p = self.draw("longbench_categories.py", self.pi, self.yarn, "--out", self.fig)
        ax = figs["longbench_categories.png"]["axes"][0]
        # Categories with a score in some file; passage_count is null (unscored), so no Synthetic.
        self.assertEqual(ax["xticklabels"], ["Single-Doc QA", "Multi-Doc QA", "Few-shot", "Code"])
        bars = {b["label"]: b["heights"] for b in ax["bars"]}
        self.assertEqual(bars, {"pi": [15.0, 30.0, 50.0, None], "yarn": [15.0, None, None, 70.0]})
        for note in ("pi: Single-Doc QA from 2 of 3 tasks", "pi: Multi-Doc QA from 1 of 3 tasks",
                     "yarn: Code from 1 of 2 tasks"):
            self.assertIn(note, p.stderr)
        self.assertNotIn("yarn: Single-Doc QA", p.stderr)
        figs, _ = self.draw("longbench_categories.py", self.pi, self.yarn, "--out", self.fig, "--labels", "PI,YaRN")
        self.assertEqual([b["label"] for b in figs["longbench_categories.png"]["axes"][0]["bars"]], ["PI", "YaRN"])

    def test_bad_input(self):
        out = ["--out", self.fig]
        self.fails("longbench_categories.py", [self.path("none.json"), *out], "none.json: no such file")
        self.fails("longbench_categories.py", [self.pi, *out, "--labels", "a,b"], "--labels")
        bad = self.path("pred", "bad", "result.json")
        os.makedirs(os.path.dirname(bad))
        for content, fragment in (("{not json", "not valid JSON"),
                                  ('{"qasper": "high"}', "qasper: 'high' is not a number"),
                                  ('{"qasper": {"0-4k": 1, "4-8k": 2, "8k+": 3}}', "LongBench-E"),
                                  ('[1, 2]', "not a `longbench score` result.json"),
                                  ('{"unknown_task": 3}', "no LongBench task scores")):
            with open(bad, "w") as f:
                f.write(content)
            self.fails("longbench_categories.py", [bad, *out], fragment)


class LongbenchMacroVsWindow(PlotTest):
    def setUp(self):
        super().setUp()
        # pi: all 12 paper tasks (scores 0..11 + w/128, mean 5.5 + w/128) and one extra task not averaged.
        self.full = {w: {**{t: i + w / 128 for i, t in enumerate(PAPER12)}, "passage_count": 99.0}
                     for w in (128, 256, 512)}
        write_sweep(self.d, "pi", self.full)
        write_sweep(self.d, "yarn", {128: 10.0, 512: 30.0})  # the miniature's 4-task suite

    def test_paper_macro(self):
        figs, _ = self.draw("longbench_macro_vs_window.py", self.path("sweeps", "pi"), "--out", self.fig)
        ax = figs["longbench_macro_vs_window.png"]["axes"][0]
        self.assertEqual(ax["ylabel"], "Macro (mean of 12 EN tasks)")
        self.assertEqual(ax["xscale"], "log")
        line = self.line(ax, "pi")
        self.assertEqual(line["x"], [128.0, 256.0, 512.0])
        self.assert_close(line["y"], [6.5, 7.5, 9.5])

    def test_tasks_run(self):
        figs, _ = self.draw("longbench_macro_vs_window.py", self.path("sweeps", "pi"), self.path("sweeps", "yarn"),
                            "--out", self.fig, "--labels", "PI,YaRN")
        ax = figs["longbench_macro_vs_window.png"]["axes"][0]
        self.assertEqual(ax["ylabel"], "mean of the tasks run (not the paper's Macro)")
        self.assertEqual(self.line(ax, "YaRN")["x"], [128.0, 512.0])
        self.assert_close(self.line(ax, "YaRN")["y"], [10.0, 30.0])

    def test_bad_input(self):
        out = ["--out", self.fig]
        pi = self.path("sweeps", "pi")
        self.fails("longbench_macro_vs_window.py", [self.path("sweeps", "none"), *out], "sweep.json: no such file")
        self.fails("longbench_macro_vs_window.py", [pi, *out, "--labels", "a,b"], "--labels")
        os.remove(self.path("sweeps", "pi", "longbench", "256", "result.json"))
        self.fails("longbench_macro_vs_window.py", [pi, *out], os.path.join("longbench", "256", "result.json"),
                   "no such file")
        write_result(self.path("sweeps", "pi", "longbench", "256", "result.json"), {"qasper": None})
        self.fails("longbench_macro_vs_window.py", [pi, *out], "qasper has no score")
        with open(self.path("sweeps", "pi", "sweep.json"), "w") as f:
            json.dump({"longbench": {}}, f)
        self.fails("longbench_macro_vs_window.py", [pi, *out], "sweep.json: not a `ropelab sweep` summary")


class Ruler(PlotTest):
    def setUp(self):
        super().setUp()
        self.table = self.path("ruler", "ruler.csv")
        write_ruler_csv(self.table, [4096, 8192, 16384], [("A", [90.0, 86.0, 50.0], 8192),
                                                          ("B, seed 1", [70.0, None, 60.5], None)])

    def test_figure(self):
        figs, _ = self.draw("ruler.py", self.table, self.path("r.png"), "--title", "RULER, test")
        ax = figs["r.png"]["axes"][0]
        self.assertEqual(ax["title"], "RULER, test")
        self.assertEqual(ax["xticklabels"], ["4k", "8k", "16k"])
        self.assertEqual(ax["ylim"], [0.0, 100.0])
        a = self.line(ax, "A (effective 8192)")
        self.assertEqual((a["x"], a["y"]), ([4096.0, 8192.0, 16384.0], [90.0, 86.0, 50.0]))
        b = self.line(ax, "B, seed 1 (effective < 4096)")  # no score at 8192: a gap there
        self.assertEqual((b["x"], b["y"]), ([4096.0, 16384.0], [70.0, 60.5]))
        self.assertEqual(self.line(ax, "threshold 85.6")["y"], [85.6, 85.6])

    def test_bad_input(self):
        out = self.path("r.png")
        self.fails("ruler.py", [self.path("none.csv"), out], "none.csv: no such file")
        for content, fragment in (("x,y\n1,2\n", "not a `ropelab report ruler --format csv` table"),
                                  ("run,4096,effective_length,threshold\n", "not a `ropelab report ruler"),
                                  ("run,4k,effective_length,threshold\nA,1,,85.6\n", "are not positive integers"),
                                  ("run,4096,effective_length,threshold\nA,high,,85.6\n", "line 2"),
                                  ("run,4096,effective_length,threshold\nA,1,85.6\n", "line 2 has 3 fields"),
                                  ("run,4096,effective_length,threshold\nA,1,,85.6\nB,1,,50\n", "disagree")):
            with open(self.table, "w") as f:
                f.write(content)
            self.fails("ruler.py", [self.table, out], fragment)


class StudyFigures(PlotTest):
    STEMS = ("study_suite_vs_window", "study_passkey_vs_window", "study_tasks_4c", "study_ablations",
             "study_suite_vs_samples", "study_entropy_base", "study_entropy_methods")

    def setUp(self):
        super().setUp()
        self.runs = build_study(self.d)

    def test_figures(self):
        figs, _ = self.draw("study_figures.py", self.d, "--runs", *self.runs, "--window", str(C))
        self.assertEqual(set(figs), {s + ".png" for s in self.STEMS})
        for s in self.STEMS:
            self.assertEqual(os.path.dirname(figs[s + ".png"]["path"]), self.fig)
        ax = figs["study_suite_vs_window.png"]["axes"][0]
        series = {e["label"]: e for e in ax["errorbars"]}
        self.assertEqual(list(series), ["Base (not extended)", "PI", "EABF"])
        self.assert_close(series["EABF"]["y"], [5.0, 7.0, 20.0, 10.0])
        sd = math.sqrt(2)  # sample std of (4, 6), (6, 8), (9, 11); (10, 30): 14.14
        self.assert_close(series["EABF"]["yerr"], [sd, sd, 10 * sd, sd])
        self.assertIsNone(series["PI"]["yerr"])  # one seed: no error bars
        self.assert_close(series["PI"]["y"], [5.0] * 4)
        self.assertEqual(ax["xticklabels"], ["128\n(1c)", "256\n(2c)", "512\n(4c)", "1024\n(8c)"])

        ax = figs["study_passkey_vs_window.png"]["axes"][0]
        series = {e["label"]: e for e in ax["errorbars"]}
        self.assertEqual(list(series), ["Base (not extended)", "EABF"])  # PI's passkey group is incomplete
        self.assert_close(series["EABF"]["y"], [60.0, 30.0, 0.0, 0.0])
        self.assert_close(series["Base (not extended)"]["y"], [95.0, 15.0, 0.0, 15.0])

        ax = figs["study_tasks_4c.png"]["axes"][0]
        bars = {b["label"]: b["heights"] for b in ax["bars"]}
        self.assertEqual(bars, {"Base (not extended)": [20.0] * 5, "PI": [5.0] * 5, "EABF": [20.0] * 5})

        ax = figs["study_suite_vs_samples.png"]["axes"][0]
        series = {e["label"]: e for e in ax["errorbars"]}
        self.assertEqual(series["EABF at 4c (512 tokens)"]["x"], [32.0, 100.0])
        self.assert_close(series["EABF at 4c (512 tokens)"]["y"], [8.0, 20.0])
        self.assertEqual(self.line(ax, "base at 4c (not extended)")["y"], [20.0, 20.0])

        # Entropy, base: one line per layer, running mean over 1024 // 64 = 16 positions (numpy's
        # "same" window for an even width: positions i-8 .. i+7, cut at the ends).
        ax = figs["study_entropy_base.png"]["axes"][0]
        self.assertIn("1 seed, running mean over 16 positions", ax["title"])
        h = [1.0] * 512 + [3.0] * 512  # layer 0, head mean
        want = [sum(h[max(0, i - 8):i + 8]) / len(h[max(0, i - 8):i + 8]) for i in range(1024)]
        self.assert_close(self.line(ax, "layer 0")["y"], want)
        self.assertEqual(len([l for l in ax["lines"] if l["label"].startswith("layer ")]), 6)
        self.assertEqual(self.line(ax, f"trained window c = {C}")["x"], [128.0, 128.0])

    def test_bad_input(self):
        self.fails("study_figures.py", [self.path("nothing")], "no runs")
        with open(self.path("eval.h5"), "w") as f:
            f.write("not HDF5\n")
        self.fails("study_figures.py", [self.d, "--runs", *self.runs], "eval.h5: not a readable HDF5 file")
        with h5py.File(self.path("eval.h5"), "w") as f:
            write_passkey(f, "base-s0", [[1.0]] * 4)
            del f["eval/base-s0/passkey/accuracy"]
        self.fails("study_figures.py", [self.d, "--runs", *self.runs], "/eval/base-s0/passkey/accuracy is missing")


class RunAll(PlotTest):
    """plots/run_all.sh on a folder in the toolkit's layout: every figure whose input is there, a printed
    line for each absent input, and the plot script's own error (exit 2) for a broken one."""

    def run_all(self, folder):
        return subprocess.run(["bash", os.path.join(PLOTS, "run_all.sh"), folder], capture_output=True, text=True,
                              cwd=ROOT)

    def write_eval(self, passkey=True):
        with h5py.File(self.path("eval.h5"), "w") as f:
            if passkey:
                write_passkey(f, "base-s0", [[1.0, 0.5]] * 2, lengths=[128, 256], depths=[0, 1])
            write_ppl(f, "base-s0", {64: np.linspace(1, 2, 63)}, trained_window=32)

    def test_every_figure(self):
        with h5py.File(self.path("entropy.h5"), "w") as f:
            write_entropy_run(f, "base-s0", np.ones((2, 2, 32)))
        self.write_eval()
        write_result(self.path("pred", "pi", "result.json"), {"qasper": 10.0})
        write_sweep(self.d, "pi", {128: 10.0, 256: 5.0})
        write_ruler_csv(self.path("ruler", "ruler.csv"), [512, 1024], [("pi-s0", [90.0, 40.0], 512)])
        p = self.run_all(self.d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertNotIn("skipped", p.stdout)
        self.assertIn("plots: 6 figure set(s)", p.stdout)
        for name in ("entropy_vs_position", "entropy_vs_position_base-s0", "heatmap_base-s0", "methods_layer1",
                     "passkey_base-s0", "ppl_vs_position", "longbench_categories", "longbench_macro_vs_window",
                     "ruler"):
            self.assert_png(os.path.join(self.fig, name + ".png"))

    def test_absent_inputs_are_skipped_by_name(self):
        self.write_eval(passkey=False)
        os.makedirs(self.path("sweeps", "interrupted"))
        p = self.run_all(self.d)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assert_png(os.path.join(self.fig, "ppl_vs_position.png"))
        for what in ("entropy figures (no ", "passkey heat maps (no passkey run in", "LongBench categories (no ",
                     self.path("sweeps", "interrupted") + " (no sweep.json there)", "LongBench vs window (no ",
                     "RULER (no "):
            self.assertIn("plots: skipped " + what, p.stdout)
        self.assertIn("plots: 1 figure set(s)", p.stdout)

    def test_failures_are_not_swallowed(self):
        self.write_eval()
        self.remove(self.path("eval.h5"), "eval/base-s0/passkey/accuracy")
        p = self.run_all(self.d)
        self.assertEqual(p.returncode, 2, p.stdout)
        self.assertIn("passkey_heatmap.py: " + self.path("eval.h5") + ": /eval/base-s0/passkey/accuracy is missing",
                      p.stderr)
        with open(self.path("eval.h5"), "w") as f:
            f.write("not HDF5\n")
        p = self.run_all(self.d)
        self.assertEqual(p.returncode, 2, p.stdout)
        self.assertIn("eval.h5: not a readable HDF5 file", p.stderr)
        os.remove(self.path("eval.h5"))
        write_ruler_csv(self.path("ruler", "ruler.csv"), [512], [])  # a header only
        p = self.run_all(self.d)
        self.assertEqual(p.returncode, 2, p.stdout)
        self.assertIn("ruler.csv: not a `ropelab report ruler --format csv` table", p.stderr)

    def test_not_an_output_folder(self):
        p = self.run_all(self.path("absent"))
        self.assertEqual(p.returncode, 2)
        self.assertIn("not a directory", p.stderr)
        p = self.run_all(self.d)
        self.assertEqual(p.returncode, 2)
        self.assertIn("none of the inputs above", p.stderr)


if __name__ == "__main__":
    unittest.main()
