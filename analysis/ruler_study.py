"""RULER in the miniature study: reads OUT/ruler/<run>/<length>/summary.csv (written by
`ropelab ruler score`, evaluate.py's layout) and builds report.md's RULER section. The per-length
average is the mean of the task scores in the summary, as `ropelab report ruler` computes it
(analysis/ruler_table.cpp), which also writes the effective lengths; this module only formats the
averages per method (mean ± std over seeds) and per task at the training window.
"""
import csv
import os

THRESHOLD = 85.6  # RULER's effective-length threshold: LLaMA-2-7B's average at 4k


def read_summary(path):
    """{task: score} from an evaluate.py summary.csv."""
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if len(rows) != 4 or rows[1][0] != "Tasks" or rows[2][0] != "Score":
        raise SystemExit(f"{path}: not a RULER summary.csv")
    return {t: float(s) for t, s in zip(rows[1][1:], rows[2][1:])}


def load(out, runs):
    """{run: {length: {task: score}}} for the runs that have RULER results."""
    res = {}
    for run in runs:
        d = os.path.join(out, "ruler", run)
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            p = os.path.join(d, name, "summary.csv")
            if name.isdigit() and os.path.exists(p):
                res.setdefault(run, {})[int(name)] = read_summary(p)
    return res


def average(scores):
    return sum(scores.values()) / len(scores)


def section(out, runs, methods, split_run, label, cell, c):
    """Markdown lines of the RULER section; [] when no run has RULER results."""
    R = load(out, runs)
    if not R:
        return []
    lengths = sorted({n for r in R.values() for n in r})
    tasks = list(next(iter(next(iter(R.values())).values())))
    by = {}  # method -> length -> [average per seed]
    for run, per in R.items():
        m = split_run(run)[0]
        for n, s in per.items():
            by.setdefault(m, {}).setdefault(n, []).append(average(s))
    L = [f"## RULER ({len(tasks)} synthetic tasks, `ropelab data ruler` → `ruler run` → `ruler score`)\n",
         f"RULER-format tasks generated with the miniature's tokenizer (our templates; {len(tasks)} tasks), "
         "predictions and scores exactly as RULER's evaluate.py computes them; *average* = mean of the task "
         f"scores. The effective length (longest length whose average, and every shorter one's, is ≥ {THRESHOLD}) "
         f"is in `ruler/ruler.md`. Lengths are tokens ({', '.join(f'{n // c}c' for n in lengths)}).\n",
         "| method | " + " | ".join(f"{n} ({n // c}c)" for n in lengths) + " |",
         "|---|" + "---|" * len(lengths)]
    for m in methods:
        if m in by:
            L.append(f"| {label.get(m, m)} | " + " | ".join(cell(by[m].get(n, [])) for n in lengths) + " |")
    w = 4 * c if 4 * c in lengths else lengths[-1]
    L += ["", f"Per task at {w} ({w // c}c):\n", "| method | " + " | ".join(tasks) + " |",
          "|---|" + "---|" * len(tasks)]
    for m in methods:
        vals = {t: [s[w][t] for run, s in R.items() if split_run(run)[0] == m and w in s] for t in tasks}
        if any(vals.values()):
            L.append(f"| {label.get(m, m)} | " + " | ".join(cell(vals[t], 0) for t in tasks) + " |")
    if os.path.exists(os.path.join(out, "figures", "ruler.png")):
        L.append("\n![RULER average vs length](figures/ruler.png)\n")
    L.append("")
    return L
