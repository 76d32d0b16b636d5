#!/usr/bin/python3
"""Macro vs context window (the paper's Figure 3), one line per method, from `ropelab sweep` folders.

usage: longbench_macro_vs_window.py SWEEP_A SWEEP_B ... --out DIR [--labels a,b]

Each SWEEP folder holds sweep.json and longbench/<window>/result.json. The score is the paper's
Macro (mean of its 12 English tasks) when all 12 are present, otherwise the mean of the tasks
present, and the axis label says which. A method's label is the folder's name unless --labels.
Writes longbench_macro_vs_window.{png,pdf}.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plot_input import fail, finish_figure, labels_for, plot_parser, read_json, score  # noqa: E402

PAPER12 = ["narrativeqa", "qasper", "multifieldqa_en", "hotpotqa", "2wikimqa", "musique",
           "gov_report", "qmsum", "multi_news", "trec", "triviaqa", "samsum"]


def series(folder):
    path = os.path.join(folder, "sweep.json")
    sw = read_json(path)
    windows = sw.get("windows") if isinstance(sw, dict) else None
    if not isinstance(windows, list) or not windows or not all(isinstance(w, int) and w > 0 for w in windows):
        fail(f"{path}: not a `ropelab sweep` summary (no list of positive integer windows)")
    xs, ys, full = [], [], True
    for w in windows:
        rpath = os.path.join(folder, "longbench", str(w), "result.json")
        res = read_json(rpath)
        if not isinstance(res, dict) or not res:
            fail(f"{rpath}: not a `longbench score` result.json (an object of task: score)")
        tasks = [t for t in PAPER12 if t in res] or list(res)
        vals = [score(res[t], f"{rpath}: {t}") for t in tasks]
        if None in vals:
            fail(f"{rpath}: {tasks[vals.index(None)]} has no score")
        full &= len(tasks) == len(PAPER12)
        xs.append(w)
        ys.append(float(np.mean(vals)))
    return xs, ys, full


def main():
    ap = plot_parser(__doc__)
    ap.add_argument("sweeps", nargs="+")
    ap.add_argument("--labels", default="")
    a = ap.parse_args()
    labels = labels_for(a.labels, a.sweeps, lambda p: os.path.basename(os.path.abspath(p)), "sweep folder")
    os.makedirs(a.out, exist_ok=True)
    fig, ax = plt.subplots(figsize=(5, 3.6))
    all_full = True
    for label, folder in zip(labels, a.sweeps):
        xs, ys, full = series(folder)
        all_full &= full
        ax.plot(xs, ys, marker="o", label=label)
    ax.set_xscale("log", base=2)
    finish_figure(fig, ax, a.out, "longbench_macro_vs_window", "LongBench vs context window",
                  "Macro (mean of 12 EN tasks)" if all_full else "mean of the tasks run (not the paper's Macro)",
                  xlabel="context window (tokens)")


if __name__ == "__main__":
    main()
