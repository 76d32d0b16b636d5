#!/usr/bin/python3
"""RULER average score vs context length, one line per run, with the effective-length threshold.

usage: ruler.py TABLE.csv OUT.png [--title TEXT]

TABLE.csv is `ropelab report ruler ... --format csv` (columns run, one per length, effective_length,
threshold); the numbers are taken from it as they are, so the figure shows exactly the table. A run
without a score at some length has a gap there. Writes OUT.png and OUT.pdf.
"""
import argparse
import csv
import io
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from plot_input import fail, read_text  # noqa: E402


def read_table(path):
    rows = [r for r in csv.reader(io.StringIO(read_text(path))) if r]
    bad = f"{path}: not a `ropelab report ruler --format csv` table"
    if len(rows) < 2 or len(rows[0]) < 4 or rows[0][0] != "run" or rows[0][-2:] != ["effective_length", "threshold"]:
        fail(f"{bad} (header run,<length>...,effective_length,threshold and one row per run)")
    head = rows[0]
    if not all(x.isdigit() and int(x) > 0 for x in head[1:-2]):
        fail(f"{bad}: lengths {','.join(head[1:-2])} are not positive integers")
    lengths = [int(x) for x in head[1:-2]]
    runs, thresholds = [], set()
    for i, r in enumerate(rows[1:], start=2):
        if len(r) != len(head):
            fail(f"{path}: line {i} has {len(r)} fields, the header {len(head)}")
        try:
            scores = [float(x) if x else None for x in r[1:-2]]
            thresholds.add(float(r[-1]))
            eff = int(r[-2]) if r[-2] else None
        except ValueError:
            fail(f"{path}: line {i}: a score, effective length or threshold is not a number")
        runs.append((r[0], scores, eff))
    if len(thresholds) != 1:
        fail(f"{path}: rows disagree on the threshold ({', '.join(map(str, sorted(thresholds)))})")
    return lengths, runs, thresholds.pop()


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
