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

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


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
    os.makedirs(a.out, exist_ok=True)
    fig, ax = plt.subplots(figsize=(6, 3.8))
    windows = set()
    n = 0
    with h5py.File(a.file, "r") as f:
        for run, g in f.get("eval", {}).items():
            if "ppl" not in g:
                continue
            p = g["ppl"]
            if not bool(p.attrs.get("complete", False)):
                print(f"{a.file}: /eval/{run}/ppl is incomplete; skipped", file=sys.stderr)
                continue
            windows.add(int(p.attrs["trained_window"]))
            for name in sorted(p["nll_by_position"], key=int):
                nll = smooth(p["nll_by_position"][name][:], a.smooth)
                x = np.arange(len(nll)) + (min(a.smooth, len(nll)) - 1) / 2
                ax.plot(x, np.exp(nll), lw=1, label=f"{run} T={name}")
                n += 1
    if not n:
        sys.exit(f"{a.file}: no complete ppl runs")
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
