#!/usr/bin/python3
"""Perplexity vs position from a `ropelab ppl` file: exp of the mean NLL at each query position
(mean over windows, smoothed over --smooth positions), one line per run and length, with the
trained window marked.

usage: ppl_vs_position.py FILE.h5 --out DIR [--smooth 32]

Writes ppl_vs_position.{png,pdf}. Incomplete runs are skipped with a note on stderr.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plot_input import EVAL, array, attr, fail, member, open_output  # noqa: E402


def smooth(x, k):
    if k <= 1 or len(x) < k:
        return x
    return np.convolve(x, np.ones(k) / k, mode="valid")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    ap.add_argument("--smooth", type=int, default=32)
    a = ap.parse_args()
    if a.smooth < 1:
        fail(f"--smooth: {a.smooth} must be at least 1")
    os.makedirs(a.out, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    windows = set()
    n = 0
    with open_output(a.file, EVAL) as f:
        for run, g in f.get("eval", {}).items():
            if "ppl" not in g:
                continue
            p = g["ppl"]
            if not bool(p.attrs.get("complete", False)):
                print(f"{a.file}: /eval/{run}/ppl is incomplete; skipped", file=sys.stderr)
                continue
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
    ax.set_xlabel("query position p (predicts token p+1)")
    ax.set_ylabel(f"perplexity (mean over windows, {a.smooth}-position smoothing)")
    ax.set_title("perplexity vs position (dashed: trained window)")
    ax.legend(fontsize=7)
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(a.out, f"ppl_vs_position.{ext}"), dpi=150, bbox_inches="tight")
    print(f"wrote {a.out}/ppl_vs_position.png")


if __name__ == "__main__":
    main()
