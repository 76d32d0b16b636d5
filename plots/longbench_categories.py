#!/usr/bin/python3
"""LongBench per-category bars, one bar per method, from `longbench score` result.json files.

usage: longbench_categories.py PRED_A/result.json PRED_B/result.json ... --out DIR [--labels a,b]

A method's label is its prediction folder's name (as in `ropelab report longbench`) unless
--labels is given. A category's score is the mean of its tasks present in that result.json (the
number present is printed; LongBench-E files are refused). Writes longbench_categories.{png,pdf}.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plot_input import fail, finish_figure, labels_for, plot_parser, read_json, score  # noqa: E402

CATEGORIES = [  # LongBench's categories (docs/longbench-scoring.md §6), paper's four first
    ("Single-Doc QA", ["narrativeqa", "qasper", "multifieldqa_en"]),
    ("Multi-Doc QA", ["hotpotqa", "2wikimqa", "musique"]),
    ("Summarization", ["gov_report", "qmsum", "multi_news"]),
    ("Few-shot", ["trec", "triviaqa", "samsum"]),
    ("Synthetic", ["passage_count", "passage_retrieval_en"]),
    ("Code", ["lcc", "repobench-p"]),
]


def category_scores(path):
    res = read_json(path)
    if not isinstance(res, dict):
        fail(f"{path}: not a `longbench score` result.json (an object of task: score)")
    if any(isinstance(v, dict) for v in res.values()):
        fail(f"{path}: LongBench-E buckets; plot a plain result.json")
    out = {}
    for cat, tasks in CATEGORIES:
        vals = [v for v in (score(res[t], f"{path}: {t}") for t in tasks if t in res) if v is not None]
        if vals:
            out[cat] = (float(np.mean(vals)), len(vals), len(tasks))
    return out


def main():
    ap = plot_parser(__doc__)
    ap.add_argument("results", nargs="+")
    ap.add_argument("--labels", default="")
    a = ap.parse_args()
    labels = labels_for(a.labels, a.results, lambda p: os.path.basename(os.path.dirname(os.path.abspath(p))),
                        "result.json")
    scores = [category_scores(p) for p in a.results]
    cats = [c for c, _ in CATEGORIES if any(c in s for s in scores)]
    if not cats:
        fail("no LongBench task scores in the given files")
    os.makedirs(a.out, exist_ok=True)
    fig, ax = plt.subplots(figsize=(1.6 + 1.3 * len(cats), 3.6))
    width = 0.8 / len(scores)
    x = np.arange(len(cats))
    for i, (label, s) in enumerate(zip(labels, scores)):
        vals = [s[c][0] if c in s else np.nan for c in cats]
        ax.bar(x + (i - (len(scores) - 1) / 2) * width, vals, width, label=label)
        for c in cats:
            if c in s and s[c][1] < s[c][2]:
                print(f"{label}: {c} from {s[c][1]} of {s[c][2]} tasks", file=sys.stderr)
    ax.set_xticks(x)
    ax.set_xticklabels(cats, rotation=15)
    finish_figure(fig, ax, a.out, "longbench_categories", "LongBench by category",
                  "score (mean of the category's tasks)")


if __name__ == "__main__":
    main()
