#!/usr/bin/python3
"""RULER average score vs context length, one line per run, with the effective-length threshold.

usage: ruler.py TABLE.csv OUT.png [--title TEXT]

TABLE.csv is `ropelab report ruler ... --format csv` (columns run, one per length, effective_length,
threshold); the numbers are taken from it as they are, so the figure shows exactly the table. A run
without a score at some length has a gap there. Writes OUT.png and OUT.pdf.
"""
import argparse
import csv
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402


def read_table(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    if head[0] != "run" or head[-2:] != ["effective_length", "threshold"]:
        raise SystemExit(f"{path}: not a `ropelab report ruler --format csv` table")
    lengths = [int(x) for x in head[1:-2]]
    runs = []
    for r in rows[1:]:
        scores = [float(x) if x else None for x in r[1:-2]]
        runs.append((r[0], scores, int(r[-2]) if r[-2] else None))
    return lengths, runs, float(rows[1][-1]) if len(rows) > 1 else 85.6


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("table")
    ap.add_argument("out")
    ap.add_argument("--title", default="RULER")
    a = ap.parse_args()
    lengths, runs, threshold = read_table(a.table)
    fig, ax = plt.subplots(figsize=(5.5, 3.6))
    for name, scores, eff in runs:
        xs = [l for l, s in zip(lengths, scores) if s is not None]
        ys = [s for s in scores if s is not None]
        label = f"{name} (effective {eff})" if eff else f"{name} (effective < {lengths[0]})"
        ax.plot(xs, ys, marker="o", label=label)
    ax.axhline(threshold, color="grey", linestyle="--", linewidth=1, label=f"threshold {threshold:g}")
    ax.set_xscale("log", base=2)
    ax.set_xticks(lengths)
    ax.set_xticklabels([f"{l // 1024}k" if l % 1024 == 0 else str(l) for l in lengths])
    ax.set_xlabel("context length (tokens)")
    ax.set_ylabel("RULER average (%)")
    ax.set_ylim(0, 100)
    ax.set_title(a.title)
    ax.legend(fontsize=7)
    fig.tight_layout()
    base = os.path.splitext(a.out)[0]
    fig.savefig(base + ".png", dpi=150)
    fig.savefig(base + ".pdf")
    print(f"wrote {base}.png, {base}.pdf")


if __name__ == "__main__":
    main()
