#!/usr/bin/python3
"""The miniature's fine-tune learning rate, chosen on a validation split (issue #12 item 4).

run_mini.sh (full mode) fine-tunes EABF, seed 0, once per LR of the grid and evaluates each model
with `ropelab sweep` on a LongBench-format suite built from the fine-tuning documents (not the
evaluation split) at the training window 4c, into GRID_DIR/lr-<LR>/. This script reads each
sweep.json, scores an LR by the teacher-forced answer NLL (nats per answer token, mean over the
suite's tasks: lower is better, and it has less variance than a generated-answer score), picks the
lowest, writes the whole grid and the choice to --out (JSON, atomically) and prints the chosen LR.

usage: lr_grid.py GRID_DIR --window W --out FILE.json
"""
import argparse
import json
import math
import os
import re
import sys


def fail(message):
    """Bad input: one line naming the file or option, exit code 2 (the toolkit's convention)."""
    print(f"lr_grid: {message}", file=sys.stderr)
    sys.exit(2)


def grid_nll(grid_dir, window):
    out = {}
    try:
        names = sorted(os.listdir(grid_dir))
    except OSError as e:
        fail(f"{grid_dir}: cannot list ({e.strerror})")
    for name in names:
        m = re.fullmatch(r"lr-([0-9.eE+-]+)", name)
        if not m:
            continue
        try:
            lr = float(m.group(1))
        except ValueError:
            fail(f"{os.path.join(grid_dir, name)}: '{m.group(1)}' is not a learning rate")
        path = os.path.join(grid_dir, name, "sweep.json")
        try:
            with open(path) as f:
                row = json.load(f)["longbench"][str(window)]
            vals = [v for v in (row.get("answer_nll") or {}).values() if v is not None]
        except OSError as e:
            fail(f"{path}: cannot read ({e.strerror})")
        except (ValueError, KeyError, TypeError, AttributeError):
            fail(f"{path}: no `ropelab sweep` result at window {window}")
        if not vals or not all(isinstance(v, (int, float)) and math.isfinite(v) for v in vals):
            fail(f"{path}: window {window} has no answer_nll (a sweep by an older ropelab?)")
        out[lr] = sum(vals) / len(vals)
    if not out:
        fail(f"{grid_dir}: no lr-<LR>/sweep.json")
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("grid_dir")
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    nll = grid_nll(a.grid_dir, a.window)
    best = min(nll, key=lambda lr: (nll[lr], lr))  # ties: the smaller LR
    doc = {"rule": "lowest mean answer NLL on the validation suite at the training window",
           "window": a.window, "grid": {f"{lr:g}": nll[lr] for lr in sorted(nll)}, "chosen_lr": best}
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        json.dump(doc, f, indent=1)
    os.replace(tmp, a.out)
    print(f"{best:g}")


if __name__ == "__main__":
    main()
