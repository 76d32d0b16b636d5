#!/usr/bin/python3
"""Independent reference for `ropelab ruler score`: RULER's scoring re-implemented from
scripts/eval/evaluate.py and scripts/eval/synthetic/constants.py semantics with Python's own
str.strip(), re.sub(), str.lower() and round(), so the C++ scorer is compared with what Python
itself computes (not with itself).

    ruler_reference.py PRED_DIR OUT_DIR

reads PRED_DIR/<task>.jsonl for the 13 tasks of RULER's synthetic.yaml (in its order) and writes
OUT_DIR/summary.csv (summary-<task>.csv for one task) laid out as pandas'
DataFrame([...]).to_csv(index=False) writes it, and OUT_DIR/submission.csv with the csv module
(pandas' writer, lineterminator "\n"). Needs only the standard library.
"""
import csv
import io
import json
import os
import re
import sys

TASKS = [  # synthetic.yaml: task -> base task
    ("niah_single_1", "niah"), ("niah_single_2", "niah"), ("niah_single_3", "niah"),
    ("niah_multikey_1", "niah"), ("niah_multikey_2", "niah"), ("niah_multikey_3", "niah"),
    ("niah_multivalue", "niah"), ("niah_multiquery", "niah"), ("vt", "variable_tracking"),
    ("cwe", "common_words_extraction"), ("fwe", "freq_words_extraction"), ("qa_1", "qa"), ("qa_2", "qa"),
]


def postprocess(s):
    s = s.strip()
    return re.compile(r"[\x00-\x1f]").sub("\n", s).strip()


def match_part(preds, refs):
    return round(sum([max([1.0 if r.lower() in p.lower() else 0.0 for r in ref])
                      for p, ref in zip(preds, refs)]) / len(preds) * 100, 2)


def match_all(preds, refs):
    return round(sum([sum([1.0 if r.lower() in p.lower() else 0.0 for r in ref]) / len(ref)
                      for p, ref in zip(preds, refs)]) / len(preds) * 100, 2)


METRIC = {"niah": match_all, "variable_tracking": match_all, "common_words_extraction": match_all,
          "freq_words_extraction": match_all, "qa": match_part}


def main():
    pred_dir, out_dir = sys.argv[1], sys.argv[2]
    results, subm = [], []
    for task, base in TASKS:
        path = os.path.join(pred_dir, task + ".jsonl")
        if not os.path.exists(path):
            continue
        lines = [json.loads(l) for l in open(path, encoding="utf-8") if l.strip()]
        preds = [postprocess(l["pred"]) for l in lines]
        refs = [l.get("outputs", [l.get("output", "")]) for l in lines]
        ids = [l["others"].get("id", l["index"]) for l in lines]
        nulls = f"{sum([len(x) == 0 for x in preds])}/{len(preds)}"
        score = METRIC[base](preds, refs) if len(refs) > 0 and refs[0][0] is not None else 0.0
        results.append((task, score, nulls))
        subm += [(task, i, p) for i, p in zip(ids, preds)]
    rows = [["Tasks"] + [t for t, _, _ in results], ["Score"] + [s for _, s, _ in results],
            ["Nulls"] + [n for _, _, n in results]]
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(list(range(len(rows[0]))))  # pandas' header: the column numbers
    for r in rows:
        w.writerow([str(x) for x in r])  # object columns: str() of each value
    name = "summary.csv" if len(results) > 1 else f"summary-{results[0][0]}.csv"
    with open(os.path.join(out_dir, name), "w", encoding="utf-8", newline="") as f:
        f.write(out.getvalue())
    sub = io.StringIO()
    w = csv.writer(sub, lineterminator="\n")
    w.writerow(["Task", "ID", "Prediction"])
    for r in subm:
        w.writerow(r)
    with open(os.path.join(out_dir, "submission.csv"), "w", encoding="utf-8", newline="") as f:
        f.write(sub.getvalue())


if __name__ == "__main__":
    main()
