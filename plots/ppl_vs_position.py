#!/usr/bin/python3
"""Perplexity vs position from a `ropelab ppl` file: exp of the mean NLL at each query position
(mean over windows, smoothed over --smooth positions), one line per run and length, with the
trained window marked.

usage: ppl_vs_position.py FILE.h5 --out DIR [--smooth 32]

Writes ppl_vs_position.{png,pdf}. Incomplete runs are skipped with a note on stderr.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plot_input import (EVAL, array, attr, complete_runs, fail, finish_figure, member,  # noqa: E402
                        open_output, plot_parser)


def smooth(x, k):
    if k <= 1 or len(x) < k:
        return x
    return np.convolve(x, np.ones(k) / k, mode="valid")


def main():
    ap = plot_parser(__doc__)
    ap.add_argument("file")
    ap.add_argument("--smooth", type=int, default=32)
    a = ap.parse_args()
    if a.smooth < 1:
        fail(f"--smooth: {a.smooth} must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    windows = set()
    n = 0
    with open_output(a.file, EVAL) as f:
        for run, p in complete_runs(f, "ppl", a.file):
            windows.add(int(attr(p, "trained_window", a.file)))
            by_position = member(p, "nll_by_position", a.file)
            names = list(by_position.keys()) if hasattr(by_position, "keys") else []
            if not names or not all(nm.isdigit() for nm in names):
                fail(f"{a.file}: {by_position.name} must hold one dataset per length, named by the length")
            for name in sorted(by_position, key=int):
                raw = array(by_position, name, a.file, 1)
                k = a.smooth if len(raw) >= a.smooth else 1  # too short to smooth: drawn as it is
                nll = smooth(raw, k)
                x = np.arange(len(nll)) + (k - 1) / 2  # a mean over positions i..i+k-1 sits at their centre
                ax.plot(x, np.exp(nll), lw=1, label=f"{run} T={name}")
                n += 1
    if not n:
        fail(f"{a.file}: no complete ppl runs")
    for w in sorted(windows):
        ax.axvline(w, color="k", ls="--", lw=0.8)
    ax.set_yscale("log")
    finish_figure(fig, ax, a.out, "ppl_vs_position", "perplexity vs position (dashed: trained window)",
                  f"perplexity (mean over windows, {a.smooth}-position smoothing)",
                  xlabel="query position p (predicts token p+1)", legend_fontsize=7)


if __name__ == "__main__":
    main()
