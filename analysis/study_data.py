"""Reads the outputs of one miniature-study folder (out/demo, out/mini) into plain Python values.
Shared by analysis/study_report.py (report.md) and plots/study_figures.py (its figures).

  OUT/sweeps/<run>/sweep.json + longbench/<W>/result.json   LongBench-format suite per window
                                + longbench/<W>/result_items.json  per-item scores (bootstrap)
  OUT/eval.h5:/eval/<run>/passkey                            passkey accuracy [length, depth]
  OUT/eval.h5:/eval/<run>/ppl                                perplexity per window
  OUT/entropy.h5:/runs/<run>                                 attention entropy [layer, head, position] at 8c
  OUT/entropy-c.h5:/runs/<run>                               the same at c, with probes/<p> [layer, head, key]
  OUT/train-ppl.h5:/eval/<run>/ppl                           base models' perplexity on training text
  OUT/ruler-c/<run>/<L>/summary-niah_multikey_1.csv          base models' RULER recall at 3c/4, c
  OUT/models/<run>/train.h5:/train/<run>                     training log

Run names are <method>-s<seed> (base-s0, eabf-s1, eabf-n32-s0, ...). Only complete HDF5 groups are
read (an interrupted evaluation is absent, never half-counted). Each run also keeps what its inputs
recorded about how they were made (`recorded`: git SHA, model and RoPE configs, training recipe),
from which study_facts.py derives the facts the report states.
"""
import json
import math
import os
import re
from collections import defaultdict

import h5py
import numpy as np

from h5_complete import CompletenessError, group_complete
from output_schema import ENTROPY, EVAL, TRAIN_LOG, SchemaError, check
from ruler_study import read_summary

LABEL = {"base": "Base (not extended)", "pi": "PI", "ntk_by_parts": "NTK-by-parts", "yarn": "YaRN", "abf": "ABF",
         "eabf": "EABF", "eabf-all-layers": "EABF, all layers scaled", "eabf-no-floor": "EABF, no floor",
         "eabf-constant": "EABF, constant scale", "eabf-no-abf": "Dynamic scale without ABF",
         "control": "Control (fine-tuned, RoPE unchanged)", "yarn-beta32": "YaRN, literal β 32 / 1"}
HEADLINE = ["base", "pi", "ntk_by_parts", "yarn", "abf", "eabf"]
# Tables show the control fine-tune beside the base; the claims compare HEADLINE only.
SHOWN = ["base", "control", "pi", "ntk_by_parts", "yarn", "abf", "eabf"]
ABLATIONS = ["eabf", "eabf-all-layers", "eabf-no-floor", "eabf-constant", "eabf-no-abf", "yarn-beta32"]
TASK_LABEL = {"multifieldqa_en": "SD-QA", "hotpotqa": "MD-QA", "trec": "Few-shot", "passage_retrieval_en": "Retrieval"}


def split_run(run):
    """'eabf-n32-s1' -> ('eabf-n32', 1); a name without -s<seed> is seed 0."""
    m = re.match(r"(.+)-s(\d+)$", run)
    return (m.group(1), int(m.group(2))) if m else (run, 0)


def sample_sizes(methods):
    """Training-set sizes of the data-efficiency runs (eabf-n<N>) among the method names."""
    return sorted({int(m.split("-n")[1]) for m in methods if re.match(r"eabf-n\d+$", m)})


def data_efficiency_runs(methods, headline_samples):
    """[(conversations, method name)] of EABF by training-set size, the headline run (trained on
    `headline_samples` conversations; other sizes run as eabf-n<N>) included; empty when no eabf-n<N>
    run exists or the headline run's size is unknown (None)."""
    sizes = sample_sizes(methods)
    if not sizes or headline_samples is None:
        return []
    return [(n, "eabf" if n == headline_samples else f"eabf-n{n}") for n in sorted(set(sizes + [headline_samples]))]


def suite_score(scores):
    """Mean of the four suite tasks, or None unless all four were scored."""
    vals = [scores[t] for t in TASK_LABEL if t in scores]
    return float(np.mean(vals)) if len(vals) == len(TASK_LABEL) else None


def finite(values):
    return [float(v) for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]


class StudyInputError(ValueError):
    """A malformed file of the study folder; the message names the file and what is wrong."""


def _h5(path, schema):
    """The HDF5 file at `path`, refused unless it is a `schema` file (output_schema)."""
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise StudyInputError(f"{path}: not a readable HDF5 file ({e})") from None
    try:
        check(f, path, schema)
    except SchemaError as e:
        f.close()
        raise StudyInputError(str(e)) from None
    return f


def _get(g, name, path):
    if name not in g:
        raise StudyInputError(f"{path}: {g.name.rstrip('/')}/{name} is missing")
    return g[name][()]


def _complete(g):
    try:
        return g is not None and group_complete(g)
    except CompletenessError as e:
        raise StudyInputError(str(e)) from None


def _json(text, where):
    """A JSON attribute (model_json, rope_json, config_json, ...) as a dict; {} when not recorded."""
    if text is None:
        return {}
    try:
        v = json.loads(text.decode() if isinstance(text, bytes) else text)
    except ValueError as e:
        raise StudyInputError(f"{where}: not JSON ({e})") from None
    if not isinstance(v, dict):
        raise StudyInputError(f"{where}: not a JSON object")
    return v


def _attr(g, name):
    v = g.attrs.get(name)
    return v.decode() if isinstance(v, bytes) else v


def _recorded(g, path, out):
    """What an HDF5 run group says about how it was made: {source, git_sha, model, rope}."""
    where = f"{os.path.relpath(path, out)}:{g.name}"
    return {"source": where, "git_sha": _attr(g, "git_sha"),
            "model": _json(_attr(g, "model_json"), f"{where} model_json"),
            "rope": _json(_attr(g, "rope_json"), f"{where} rope_json")}


def _items(path):
    """result_items.json -> {task: [item score x 100, in file order]} (the same items at every window
    and for every method of a study: the item-paired bootstrap relies on it)."""
    try:
        with open(path) as f:
            doc = json.load(f)
        return {task: [100.0 * float(it["score"]) for it in v["items"]] for task, v in doc["datasets"].items()}
    except (OSError, ValueError, KeyError, TypeError) as e:
        raise StudyInputError(f"{path}: not a `ropelab longbench score` result_items.json ({e})") from None


def load(out, runs):
    """{run: {longbench: {W: {task: score}}, passkey: {W: %}, ppl: {W: (all, inside, beyond)},
    train: {...} | None, entropy: [layer, position] head-mean array | None}}
    StudyInputError on a malformed file."""
    data = {}
    ev = os.path.join(out, "eval.h5")
    ent = os.path.join(out, "entropy.h5")
    entc = os.path.join(out, "entropy-c.h5")  # at the window c (Figure 1 inside the window)
    trp = os.path.join(out, "train-ppl.h5")   # base models on training text at c (a gate)
    evf = _h5(ev, EVAL) if os.path.exists(ev) else None
    entf = _h5(ent, ENTROPY) if os.path.exists(ent) else None
    entcf = _h5(entc, ENTROPY) if os.path.exists(entc) else None
    trf = _h5(trp, EVAL) if os.path.exists(trp) else None
    try:
        for run in runs:
            d = {"longbench": {}, "passkey": {}, "ppl": {}, "train": None, "entropy": None, "recorded": [],
                 "passkey_depths": None, "passkey_by_depth": {}, "entropy_c": None, "train_ppl": {},
                 "nll_by_position": {}, "longbench_fit": {}, "recall": {},
                 "answer_nll": {}, "items": {}}
            sweep = os.path.join(out, "sweeps", run, "sweep.json")
            if os.path.exists(sweep):
                try:
                    with open(sweep) as f:
                        s = json.load(f)
                    for w, row in s.get("longbench", {}).items():
                        d["longbench"][int(w)] = row.get("scores", {})
                        d["longbench_fit"][int(w)] = row.get("fit_scores") or {}  # items not truncated
                        d["answer_nll"][int(w)] = row.get("answer_nll") or {}
                        items = os.path.join(os.path.dirname(sweep), "longbench", str(w), "result_items.json")
                        if os.path.exists(items):
                            d["items"][int(w)] = _items(items)
                    prov = s.get("provenance", {})
                    where = os.path.relpath(sweep, out)
                    d["recorded"].append({"source": where, "git_sha": prov.get("git_sha"),
                                          "model": _json(prov.get("model_json"), f"{where} model_json"),
                                          "rope": _json(s.get("rope_json"), f"{where} rope_json")})
                except (ValueError, AttributeError) as e:
                    raise StudyInputError(f"{sweep}: not a `ropelab sweep` summary ({e})") from None
            if evf is not None:
                g = evf.get(f"eval/{run}/passkey")
                if _complete(g):
                    acc = _get(g, "accuracy", ev)  # [length, depth]
                    for i, length in enumerate(_get(g, "lengths", ev)):
                        d["passkey"][int(length)] = float(np.mean(acc[i])) * 100
                        d["passkey_by_depth"][int(length)] = [float(x) * 100 for x in acc[i]]
                    d["passkey_depths"] = int(acc.shape[1])
                    d["recorded"].append(_recorded(g, ev, out))
                g = evf.get(f"eval/{run}/ppl")
                if _complete(g):
                    ppl, inside, beyond = (_get(g, k, ev) for k in ("ppl", "ppl_inside", "ppl_beyond"))
                    for i, length in enumerate(_get(g, "lengths", ev)):
                        d["ppl"][int(length)] = (float(ppl[i]), float(inside[i]), float(beyond[i]))
                        if "nll_by_position" in g and str(int(length)) in g["nll_by_position"]:
                            d["nll_by_position"][int(length)] = g["nll_by_position"][str(int(length))][()]
                    r = _recorded(g, ev, out)
                    if "trained_window" in g.attrs:  # the window `ropelab ppl` split inside/beyond at
                        r["trained_window"] = int(g.attrs["trained_window"])
                    d["recorded"].append(r)
            for f, path, key in ((entf, ent, "entropy"), (entcf, entc, "entropy_c")):
                g = f.get(f"runs/{run}") if f is not None else None
                if _complete(g):
                    H = _get(g, "entropy_mean", path)
                    if H.ndim != 3:
                        raise StudyInputError(f"{path}: {g.name}/entropy_mean must be [layer, head, position]")
                    d[key] = H.mean(axis=1)  # [layer, head, pos] -> [layer, pos]
                    if "probes" in g:  # mean attention rows [layer, head, key]: mass on the first token
                        d[key + "_sink"] = {int(p): _get(g["probes"], p, path)[:, :, 0].mean(axis=1)
                                            for p in g["probes"]}
                    d["recorded"].append(_recorded(g, path, out))
            if trf is not None:
                g = trf.get(f"eval/{run}/ppl")
                if _complete(g):
                    d["train_ppl"] = {int(n): float(v) for n, v in zip(_get(g, "lengths", trp), _get(g, "ppl", trp))}
            rc = os.path.join(out, "ruler-c", run)  # the recall gate: {length: niah_multikey_1 score}
            if os.path.isdir(rc):
                for name in sorted(os.listdir(rc)):
                    # One task: RULER's evaluate.py names the summary after it.
                    p = os.path.join(rc, name, "summary-niah_multikey_1.csv")
                    if name.isdigit() and os.path.exists(p):
                        d["recall"][int(name)] = read_summary(p).get("niah_multikey_1")
            tr = os.path.join(out, "models", run, "train.h5")
            if os.path.exists(tr):
                with _h5(tr, TRAIN_LOG) as f:
                    if "train" not in f or not f["train"].keys():
                        raise StudyInputError(f"{tr}: /train holds no run")
                    g = f[f"train/{run}"] if f"train/{run}" in f else next(iter(f["train"].values()))
                    d["train"] = {"loss": _get(g, "loss", tr).tolist(),
                                  "tokens_per_s": _get(g, "tokens_per_s", tr).tolist()}
                    if _complete(g):  # the recipe of a finished training run (core/train/trainer.cpp)
                        r = _recorded(g, tr, out)
                        # The log keeps its versions in a `provenance` JSON attribute, the file's root too.
                        prov = _json(_attr(g, "provenance"), f"{r['source']} provenance")
                        r["git_sha"] = prov.get("git_sha", _attr(f, "git_sha"))
                        r["train"] = {"kind": _attr(g, "kind"), "total_steps": g.attrs.get("total_steps"),
                                      "config": _json(_attr(g, "config_json"), f"{r['source']} config_json"),
                                      "data": _json(_attr(g, "data_summary"), f"{r['source']} data_summary")}
                        d["recorded"].append(r)
            data[run] = d
    finally:
        for f in (evf, entf, entcf, trf):
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
