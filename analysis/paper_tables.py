#!/usr/bin/env python3
"""The paper's Tables 2, 4 and 5 with this toolkit's measurements beside the paper's numbers, from
the output folder of experiments/run_paper.sh:

  OUT/eval/<method>-3.5k/sweep.json   Table 2 (per task at 16k) and Table 4 (Macro at 4k..32k)
  OUT/eval/<method>-<N>/sweep.json    Table 5 (Macro at 16k for N = 32, 100, 1000 conversations)
  OUT/eval/base/sweep.json            the un-extended LLaMA-2-7B-Chat at 4k

A cell reads "measured (paper)"; "–" where the run is missing or did not score all 12 tasks.
The paper's numbers and windows are in analysis/paper_numbers.json (docs/method.md §6); the tables
carry the git SHA their sweep summaries recorded.

usage: paper_tables.py OUT [--write OUT/paper_tables.md]
"""
import argparse
import json
import os
import sys

import paper_numbers
from provenance import sha_line

METHODS = [("pi", "PI"), ("ntk_by_parts", "NTK-by-parts"), ("yarn", "YaRN"), ("abf", "ABF"), ("eabf", "EABF")]
SHORT = ["NQA", "QAPR", "MFQA", "HPQA", "WMQA", "MSQ", "GR", "QMSM", "MNWS", "TREC", "TRVQA", "SMSM"]


def fail(message):
    """Bad input: one line naming the file or option, exit code 2."""
    print(f"paper_tables: {message}", file=sys.stderr)
    sys.exit(2)


def read_sweep(out, run, shas=None):
    """{window: {"scores": {task: score}, "macro": float | None}} of OUT/eval/RUN, or {}; appends
    (path, recorded git SHA) to `shas`."""
    path = os.path.join(out, "eval", run, "sweep.json")
    if not os.path.exists(path):
        return {}
    try:
        with open(path) as f:
            sweep = json.load(f)
        rows = {int(w): {"scores": row.get("scores", {}), "macro": row.get("paper_macro")}
                for w, row in sweep.get("longbench", {}).items()}
        if shas is not None:
            shas.append((os.path.relpath(path, out), sweep.get("provenance", {}).get("git_sha")))
        return rows
    except (ValueError, AttributeError) as e:
        fail(f"{path}: not a `ropelab sweep` summary ({e})")


def cell(measured, paper):
    m = "–" if measured is None else f"{measured:.1f}"
    return f"{m} ({paper:.1f})"


def tables(out, paper):
    tasks, train, base_window = paper["tasks"], paper["train_window"], paper["base_window"]
    full = paper["table5_samples"][-1]  # Tables 2 and 4 train on the whole set: runs <method>-3.5k
    shas = []
    sweeps = {run: read_sweep(out, run, shas) for run in
              [f"{key}-{n}" for key, _ in METHODS for n in paper["table5_samples"]] + ["base"]}
    L = ["# The paper's tables: measured (paper)\n",
         f"From `{out}` ({sha_line(shas)}); the paper's numbers in parentheses ({paper['source']})\n"]

    L.append(f"## Table 2 — {full} conversations, {train // 1024}k window, per task\n")
    L.append("| method | " + " | ".join(SHORT) + " | Macro |")
    L.append("|---|" + "---|" * (len(SHORT) + 1))
    for key, label in METHODS:
        row = sweeps[f"{key}-{full}"].get(train, {})
        scores = row.get("scores", {})
        ref = paper["table2"][key]
        L.append(f"| {label} | " + " | ".join(cell(scores.get(t), ref[i]) for i, t in enumerate(tasks)) +
                 f" | **{cell(row.get('macro'), ref[-1])}** |")
    base = sweeps["base"].get(base_window, {})
    L.append(f"| LLaMA-2-7B-Chat ({base_window // 1024}k, not extended) | " + " | ".join("" for _ in tasks) +
             f" | {cell(base.get('macro'), paper['table2_base_macro'])} |\n")

    windows = paper["table4_windows"]
    L.append(f"## Table 4 / Figure 3 — Macro vs evaluation window (trained at {train // 1024}k on {full} conversations)\n")
    L.append("| method | " + " | ".join(f"{w // 1024}k" for w in windows) + " |")
    L.append("|---|" + "---|" * len(windows))
    for key, label in METHODS:
        sweep = sweeps[f"{key}-{full}"]
        L.append(f"| {label} | " + " | ".join(cell(sweep.get(w, {}).get("macro"), p)
                                             for w, p in zip(windows, paper["table4"][key])) + " |")
    L.append("")

    sizes = paper["table5_samples"]
    L.append(f"## Table 5 / Figure 2 — Macro at {train // 1024}k vs training conversations\n")
    L.append("| method | " + " | ".join(sizes) + " |")
    L.append("|---|" + "---|" * len(sizes))
    for key, label in METHODS:
        cells = [cell(sweeps[f"{key}-{n}"].get(train, {}).get("macro"), p)
                 for n, p in zip(sizes, paper["table5"][key])]
        L.append(f"| {label} | " + " | ".join(cells) + " |")
    L.append("")
    return "\n".join(L)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="output folder of experiments/run_paper.sh")
    ap.add_argument("--write", default="", help="also write the tables to this file (atomically)")
    a = ap.parse_args()
    if not os.path.isdir(os.path.join(a.out, "eval")):
        fail(f"{a.out}: no eval/ folder (run experiments/run_paper.sh first)")
    paper = paper_numbers.load()
    text = tables(a.out, paper)
    print(text)
    if a.write:
        with open(a.write + ".tmp", "w") as f:
            f.write(text)
        os.replace(a.write + ".tmp", a.write)


if __name__ == "__main__":
    main()
