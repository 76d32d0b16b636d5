"""Hand-made toolkit outputs for the Python tests, written with h5py and json in the layouts the
C++ writers use, so that the readers under test see what `ropelab` would leave:

  entropy file   analysis/hdf5-schema.md (core/instrument/entropy_writer.cpp): root schema_version 1,
                 /runs/<run> with its attributes, entropy_mean/entropy_std [layer, head, position],
                 count, logit_scale and the layer/head/position dimension scales
  eval file      core/eval/eval_output.h: root eval_schema_version 1, /eval/<run>/passkey and
                 /eval/<run>/ppl with their datasets, scales and attributes
  sweep folder   experiments/cmd_sweep.cpp: sweep.json + longbench/<W>/result.json
  result.json    core/eval/longbench/scorer.cpp result_json(): {task: score | null}
  RULER table    analysis/ruler_table.cpp, `report ruler --format csv`

plus build_study(), the miniature-study folder shared by test_study_report.py and test_plots.py.
`complete` is written False first and True last, as h5::begin_run / mark_complete do.
"""
import csv
import json
import os

import h5py
import numpy as np

PROVENANCE = {"ropelab_version": "0.0.0-test", "git_sha": "0000000", "created_utc": "2026-01-01T00:00:00Z",
              "command_line": "hand-made by tests/python/toolkit_outputs.py"}
SUITE_TASKS = ["multifieldqa_en", "hotpotqa", "trec", "passage_retrieval_en"]  # the miniature's suite
C = 128
WINDOWS = [C, 2 * C, 4 * C, 8 * C]


def _root(f, version_attr):
    if version_attr not in f.attrs:
        f.attrs[version_attr] = np.int64(1)
        for k, v in PROVENANCE.items():
            f.attrs[k] = v


def _begin(parent, name):
    g = parent.create_group(name)
    g.attrs["complete"] = np.bool_(False)
    for k in ("command_line", "created_utc", "git_sha"):
        g.attrs[k] = PROVENANCE[k]
    return g


def _scale(g, name, values):
    d = g.create_dataset(name, data=np.asarray(values))
    d.make_scale(name)
    return d


def _attach(d, *scales):
    for i, s in enumerate(scales):
        d.dims[i].attach_scale(s)


def write_entropy_run(f, run, H, layers=None, method="default", rope=None, model=None, n_docs=1, complete=True):
    """/runs/<run> of an entropy file open for writing. H: [layer, head, position] head entropies (nats)."""
    _root(f, "schema_version")
    H = np.asarray(H, dtype=np.float32)
    L, nh, T = H.shape
    g = _begin(f.require_group("runs"), run)
    attrs = {"method": method, "rope_json": json.dumps(rope or {"rope_type": "default"}),
             "model_json": json.dumps(model or {"max_position_embeddings": C}), "model_path": "models/" + run,
             "data_path": "eval-long.jsonl", "data_sha256": "0" * 64, "n_docs": np.int64(n_docs),
             "seq_len": np.int64(T), "dtype": "fp32", "seed": np.int64(0), "skipped_docs": np.int64(0),
             "std_ddof": np.int64(0)}
    for k, v in attrs.items():
        g.attrs[k] = v
    layer = _scale(g, "layer", np.asarray(layers if layers is not None else range(L), dtype=np.int64))
    head = _scale(g, "head", np.arange(nh, dtype=np.int64))
    position = _scale(g, "position", np.arange(T, dtype=np.int64))
    for name, data in (("entropy_mean", H), ("entropy_std", np.zeros_like(H))):
        d = g.create_dataset(name, data=data, chunks=True, compression="gzip", shuffle=True)
        d.attrs["units"] = "nats"
        _attach(d, layer, head, position)
    _attach(g.create_dataset("count", data=np.full(T, n_docs, dtype=np.int64)), position)
    _attach(g.create_dataset("logit_scale", data=np.ones((L, T), dtype=np.float32)), layer, position)
    g.attrs["complete"] = np.bool_(complete)
    return g


def _eval_run(f, run, kind):
    _root(f, "eval_schema_version")
    g = _begin(f.require_group(f"eval/{run}"), kind)
    for k in ("model_path", "model_json", "rope_json", "dtype", "config_json"):
        g.attrs[k] = {"model_path": "models/" + run, "dtype": "fp32"}.get(k, "{}")
    return g


def write_passkey(f, run, accuracy, lengths=None, depths=None, trials=4, complete=True):
    """/eval/<run>/passkey. accuracy: [length, depth] fractions correct; correct/keys/... derived from it."""
    acc = np.asarray(accuracy, dtype=np.float64)
    lengths = np.asarray(lengths if lengths is not None else WINDOWS, dtype=np.int64)
    depths = np.asarray(depths if depths is not None else np.linspace(0, 1, acc.shape[1]), dtype=np.float64)
    g = _eval_run(f, run, "passkey")
    g.attrs["trials"], g.attrs["seed"], g.attrs["max_new_tokens"] = np.int64(trials), np.int64(0), np.int64(8)
    sl, sd, st = _scale(g, "lengths", lengths), _scale(g, "depths", depths), _scale(g, "trial", np.arange(trials))
    _attach(g.create_dataset("accuracy", data=acc), sl, sd)
    correct = (np.arange(trials)[None, None, :] < np.round(acc[:, :, None] * trials)).astype(np.int64)
    per_trial = {"correct": correct, "prompt_tokens": np.broadcast_to(lengths[:, None, None], correct.shape),
                 "key_token_pos": np.zeros_like(correct), "keys": np.full_like(correct, 12345)}
    for name, data in per_trial.items():
        _attach(g.create_dataset(name, data=np.ascontiguousarray(data, dtype=np.int64)), sl, sd, st)
    g.attrs["complete"] = np.bool_(complete)
    return g


def write_ppl(f, run, nll_by_position, trained_window, complete=True):
    """/eval/<run>/ppl. nll_by_position: {T: [T-1] mean NLL at each query position}; the per-length
    summaries (nll, ppl, inside/beyond the trained window) are computed from it."""
    g = _eval_run(f, run, "ppl")
    for k, v in (("trained_window", trained_window), ("stride", 0), ("n_docs", 2), ("n_tokens", 1000)):
        g.attrs[k] = np.int64(v)
    g.attrs["data_path"], g.attrs["data_sha256"] = "eval-long.jsonl", "0" * 64
    Ts = sorted(nll_by_position)
    rows = []
    for T in Ts:
        nll = np.asarray(nll_by_position[T], dtype=np.float64)
        inside, beyond = nll[:trained_window], nll[trained_window:]
        rows.append((1, len(inside), len(beyond), nll.mean(), inside.mean() if len(inside) else np.nan,
                     beyond.mean() if len(beyond) else np.nan))
    sl = _scale(g, "lengths", np.asarray(Ts, dtype=np.int64))
    cols = list(zip(*rows))
    for name, col in (("windows", cols[0]), ("n_inside", cols[1]), ("n_beyond", cols[2])):
        _attach(g.create_dataset(name, data=np.asarray(col, dtype=np.int64)), sl)
    for name, col in (("nll", cols[3]), ("nll_inside", cols[4]), ("nll_beyond", cols[5])):
        _attach(g.create_dataset(name, data=np.asarray(col)), sl)
        _attach(g.create_dataset(name.replace("nll", "ppl"), data=np.exp(np.asarray(col))), sl)
    for T in Ts:
        d = g.create_dataset(f"nll_by_position/{T}", data=np.asarray(nll_by_position[T], dtype=np.float64))
        d.attrs["windows"] = np.int64(1)
    g.attrs["complete"] = np.bool_(complete)
    return g


def write_result(path, scores):
    """A `longbench score` result.json: {task: score or None}."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        json.dump(scores, f, indent=2)


def write_sweep(out, run, by_window):
    """OUT/sweeps/<run>: by_window {W: score} (every suite task scores it, so the suite average at W is
    that score) or {W: {task: score}}."""
    d = os.path.join(out, "sweeps", run)
    rows = {w: (v if isinstance(v, dict) else {t: v for t in SUITE_TASKS}) for w, v in by_window.items()}
    for w, scores in rows.items():
        write_result(os.path.join(d, "longbench", str(w), "result.json"), scores)
    lb = {str(w): {"result": os.path.join(d, "longbench", str(w), "result.json"), "scores": s}
          for w, s in rows.items()}
    with open(os.path.join(d, "sweep.json"), "w") as f:
        json.dump({"windows": list(rows), "reserve": 32, "rope_json": "{}", "model_path": "models/" + run,
                   "provenance": {}, "longbench": lb}, f, indent=2)


def write_ruler_csv(path, lengths, runs, threshold=85.6):
    """runs: [(name, [score or None per length], effective length or None)]."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["run", *lengths, "effective_length", "threshold"])
        for name, scores, eff in runs:
            w.writerow([name, *["" if s is None else s for s in scores], "" if eff is None else eff, threshold])


def study_entropy(layer0_rise, later_rise, layers=6, heads=2):
    """[layer, head, position] over 8c: flat at 1 in the first half, then layers 0-1 step up by
    layer0_rise and layers 2+ by later_rise."""
    T = 8 * C
    h = np.ones((layers, heads, T))
    h[:2, :, T // 2:] += layer0_rise
    h[2:, :, T // 2:] += later_rise
    return h


def build_study(out):
    """The miniature-study folder of test_study_report.py; returns its run names. base: suite 20
    everywhere; EABF seeds 10 and 30 at 4c (mean 20.0, sample std 14.1); PI: 5 everywhere; EABF on 32
    conversations: 8 at 4c; one ablation: 12. Passkey of PI is an interrupted (incomplete) group."""
    write_sweep(out, "base-s0", {w: 20.0 for w in WINDOWS})
    write_sweep(out, "pi-s0", {w: 5.0 for w in WINDOWS})
    write_sweep(out, "eabf-s0", {C: 4.0, 2 * C: 6.0, 4 * C: 10.0, 8 * C: 9.0})
    write_sweep(out, "eabf-s1", {C: 6.0, 2 * C: 8.0, 4 * C: 30.0, 8 * C: 11.0})
    write_sweep(out, "eabf-n32-s0", {w: 8.0 for w in WINDOWS})
    write_sweep(out, "eabf-all-layers-s0", {w: 12.0 for w in WINDOWS})

    def passkey(f, run, by_window, complete=True):
        write_passkey(f, run, [[by_window[w]] * 5 for w in WINDOWS], complete=complete)

    with h5py.File(os.path.join(out, "eval.h5"), "w") as f:
        passkey(f, "base-s0", {C: 0.95, 2 * C: 0.15, 4 * C: 0.0, 8 * C: 0.15})
        passkey(f, "eabf-s0", {C: 0.5, 2 * C: 0.2, 4 * C: 0.0, 8 * C: 0.0})
        passkey(f, "eabf-s1", {C: 0.7, 2 * C: 0.4, 4 * C: 0.0, 8 * C: 0.0})
        passkey(f, "pi-s0", {w: 1.0 for w in WINDOWS}, complete=False)  # interrupted: not read
    with h5py.File(os.path.join(out, "entropy.h5"), "w") as f:
        write_entropy_run(f, "base-s0", study_entropy(layer0_rise=2.0, later_rise=0.5), n_docs=8)
    return ["base-s0", "pi-s0", "eabf-s0", "eabf-s1", "eabf-n32-s0", "eabf-all-layers-s0"]
