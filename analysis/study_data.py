"""Reads the outputs of one miniature-study folder (out/demo, out/mini) into plain Python values.
Shared by analysis/study_report.py (report.md) and plots/study_figures.py (its figures).

  OUT/sweeps/<run>/sweep.json + longbench/<W>/result.json   LongBench-format suite per window
  OUT/eval.h5:/eval/<run>/passkey                            passkey accuracy [length, depth]
  OUT/eval.h5:/eval/<run>/ppl                                perplexity per window
  OUT/entropy.h5:/runs/<run>                                 attention entropy [layer, head, position]
  OUT/models/<run>/train.h5:/train/<run>                     training log

Run names are <method>-s<seed> (base-s0, eabf-s1, eabf-n32-s0, ...). Only complete HDF5 groups are
read (an interrupted evaluation is absent, never half-counted).
"""
import json
import math
import os
import re
from collections import defaultdict

import h5py
import numpy as np

LABEL = {"base": "Base (not extended)", "pi": "PI", "ntk_by_parts": "NTK-by-parts", "yarn": "YaRN", "abf": "ABF",
         "eabf": "EABF", "eabf-all-layers": "EABF, all layers scaled", "eabf-no-floor": "EABF, no floor",
         "eabf-constant": "EABF, constant scale", "eabf-no-abf": "Dynamic scale without ABF"}
HEADLINE = ["base", "pi", "ntk_by_parts", "yarn", "abf", "eabf"]
ABLATIONS = ["eabf", "eabf-all-layers", "eabf-no-floor", "eabf-constant", "eabf-no-abf"]
TASK_LABEL = {"multifieldqa_en": "SD-QA", "hotpotqa": "MD-QA", "trec": "Few-shot", "passage_retrieval_en": "Retrieval"}


def split_run(run):
    """'eabf-n32-s1' -> ('eabf-n32', 1); a name without -s<seed> is seed 0."""
    m = re.match(r"(.+)-s(\d+)$", run)
    return (m.group(1), int(m.group(2))) if m else (run, 0)


DEFAULT_SAMPLES = 100  # the headline runs' training conversations; other sizes run as eabf-n<N>


def sample_sizes(methods):
    """Training-set sizes of the data-efficiency runs (eabf-n<N>) among the method names."""
    return sorted({int(m.split("-n")[1]) for m in methods if re.match(r"eabf-n\d+$", m)})


def data_efficiency_runs(methods):
    """[(conversations, method name)] of EABF by training-set size, the headline run at 100 included;
    empty when no eabf-n<N> run exists."""
    sizes = sample_sizes(methods)
    if not sizes:
        return []
    return [(n, "eabf" if n == DEFAULT_SAMPLES else f"eabf-n{n}") for n in sorted(set(sizes + [DEFAULT_SAMPLES]))]


def suite_score(scores):
    """Mean of the four suite tasks, or None unless all four were scored."""
    vals = [scores[t] for t in TASK_LABEL if t in scores]
    return float(np.mean(vals)) if len(vals) == len(TASK_LABEL) else None


def finite(values):
    return [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


class StudyInputError(ValueError):
    """A malformed file of the study folder; the message names the file and what is wrong."""


def _h5(path):
    try:
        return h5py.File(path, "r")
    except OSError as e:
        raise StudyInputError(f"{path}: not a readable HDF5 file ({e})") from None


def _get(g, name, path):
    if name not in g:
        raise StudyInputError(f"{path}: {g.name.rstrip('/')}/{name} is missing")
    return g[name][()]


def load(out, runs):
    """{run: {longbench: {W: {task: score}}, passkey: {W: %}, ppl: {W: (all, inside, beyond)},
    train: {...} | None, entropy: [layer, position] head-mean array | None}}
    StudyInputError on a malformed file."""
    data = {}
    ev = os.path.join(out, "eval.h5")
    ent = os.path.join(out, "entropy.h5")
    evf = _h5(ev) if os.path.exists(ev) else None
    entf = _h5(ent) if os.path.exists(ent) else None
    try:
        for run in runs:
            d = {"longbench": {}, "passkey": {}, "ppl": {}, "train": None, "entropy": None}
            sweep = os.path.join(out, "sweeps", run, "sweep.json")
            if os.path.exists(sweep):
                try:
                    with open(sweep) as f:
                        s = json.load(f)
                    for w, row in s.get("longbench", {}).items():
                        d["longbench"][int(w)] = row.get("scores", {})
                except (ValueError, AttributeError) as e:
                    raise StudyInputError(f"{sweep}: not a `ropelab sweep` summary ({e})") from None
            if evf is not None:
                g = evf.get(f"eval/{run}/passkey")
                if g is not None and bool(g.attrs.get("complete", False)):
                    acc = _get(g, "accuracy", ev)
                    for i, length in enumerate(_get(g, "lengths", ev)):
                        d["passkey"][int(length)] = float(np.mean(acc[i])) * 100
                g = evf.get(f"eval/{run}/ppl")
                if g is not None and bool(g.attrs.get("complete", False)):
                    ppl, inside, beyond = (_get(g, k, ev) for k in ("ppl", "ppl_inside", "ppl_beyond"))
                    for i, length in enumerate(_get(g, "lengths", ev)):
                        d["ppl"][int(length)] = (float(ppl[i]), float(inside[i]), float(beyond[i]))
            if entf is not None:
                g = entf.get(f"runs/{run}")
                if g is not None and bool(g.attrs.get("complete", False)):
                    H = _get(g, "entropy_mean", ent)
                    if H.ndim != 3:
                        raise StudyInputError(f"{ent}: {g.name}/entropy_mean must be [layer, head, position]")
                    d["entropy"] = H.mean(axis=1)  # [layer, head, pos] -> [layer, pos]
            tr = os.path.join(out, "models", run, "train.h5")
            if os.path.exists(tr):
                with _h5(tr) as f:
                    if "train" not in f or not f["train"].keys():
                        raise StudyInputError(f"{tr}: /train holds no run")
                    g = f[f"train/{run}"] if f"train/{run}" in f else next(iter(f["train"].values()))
                    d["train"] = {"loss": _get(g, "loss", tr).tolist(),
                                  "tokens_per_s": _get(g, "tokens_per_s", tr).tolist()}
            data[run] = d
    finally:
        for f in (evf, entf):
            if f is not None:
                f.close()
    return data


def by_method(data):
    """{method: {seed: run data}}"""
    out = defaultdict(dict)
    for run, d in data.items():
        method, seed = split_run(run)
        out[method][seed] = d
    return out


def suite_by_seed(M, method, window, task=None):
    """{seed: the suite average (or one task's score) of `method` at `window`}, measured seeds only."""
    out = {}
    for seed, d in M.get(method, {}).items():
        s = d["longbench"].get(window)
        v = None if s is None else (s.get(task) if task else suite_score(s))
        if finite([v]):
            out[seed] = float(v)
    return out


def suite_values(M, method, window, task=None):
    """One value per measured seed: the suite average (or one task's score) of `method` at `window`."""
    return list(suite_by_seed(M, method, window, task).values())


def passkey_values(M, method, window):
    return finite([d["passkey"].get(window) for d in M.get(method, {}).values()])


def mean_std(values):
    """(mean, sample std or 0 for one value), or (nan, nan) for none."""
    v = finite(values)
    if not v:
        return float("nan"), float("nan")
    return float(np.mean(v)), (float(np.std(v, ddof=1)) if len(v) > 1 else 0.0)
