"""Hand-made toolkit outputs for the Python tests, written with h5py and json in the layouts the
C++ writers use, so that the readers under test see what `ropelab` would leave:

  entropy file   analysis/hdf5-schema.md (core/instrument/entropy_writer.cpp): root schema_kind
                 "entropy" + schema_version (analysis/output_schema.py), /runs/<run> with its
                 attributes (trained_window among them), entropy_mean/entropy_std [layer, head,
                 position], count, logit_scale and the layer/head/position dimension scales
  eval file      core/eval/eval_output.h: root schema_kind "eval", /eval/<run>/passkey and
                 /eval/<run>/ppl with their datasets, scales and attributes
  sweep folder   experiments/cmd_sweep.cpp: sweep.json (with its provenance) + longbench/<W>/result.json
  training log   core/train/train_log.cpp + trainer.cpp: root schema_kind "train_log", /train/<run> with the
                 step series and the recipe attributes (config_json, data_summary, total_steps, ...)
  result.json    core/eval/longbench/scorer.cpp result_json(): {task: score | null}
  RULER table    analysis/ruler_table.cpp, `report ruler --format csv`

plus build_study(), the miniature-study folder shared by test_study_report.py and test_plots.py.
`complete` is written False first and True last, as output::begin_run / mark_complete do. Writers take
the git SHA, model config (config.json form) and resolved RoPE record they store as provenance.
"""
import csv
import json
import os

import sys

import h5py
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "analysis"))
import output_schema  # noqa: E402  (the writers' schema kinds and versions)

PROVENANCE = {"ropelab_version": "0.0.0-test", "git_sha": "0000000", "created_utc": "2026-01-01T00:00:00Z",
              "command_line": "hand-made by tests/python/toolkit_outputs.py"}
SUITE_TASKS = ["multifieldqa_en", "hotpotqa", "trec", "passage_retrieval_en"]  # the miniature's suite
C = 128
WINDOWS = [C, 2 * C, 4 * C, 8 * C]


def model_config(c=C, layers=6, hidden=128, heads=4):
    """A model_json of the miniature's shape (experiments/configs/mini/model.json) with window c."""
    return {"model_type": "llama", "num_hidden_layers": layers, "hidden_size": hidden, "num_attention_heads": heads,
            "num_key_value_heads": heads, "vocab_size": 1024, "max_position_embeddings": c, "rope_theta": 10000.0}


def rope_record(c=C, rope_type="default", **extra):
    """A resolved RoPE record (RopeSpec::to_json, the rope_json attribute) anchored on window c."""
    return {"rope_type": rope_type, "rope_theta": 10000.0, "original_max_position_embeddings": c,
            "exempt_layers": 0, **extra}


def _root(f, schema):
    if "schema_kind" not in f.attrs:
        output_schema.stamp(f, schema)
        for k, v in PROVENANCE.items():
            f.attrs[k] = v


def _begin(parent, name, git_sha=None):
    g = parent.create_group(name)
    g.attrs["complete"] = np.bool_(False)
    for k in ("command_line", "created_utc", "git_sha"):
        g.attrs[k] = PROVENANCE[k]
    if git_sha is not None:
        g.attrs["git_sha"] = git_sha
    return g


def _scale(g, name, values):
    d = g.create_dataset(name, data=np.asarray(values))
    d.make_scale(name)
    return d


def _attach(d, *scales):
    for i, s in enumerate(scales):
        d.dims[i].attach_scale(s)


def write_entropy_run(f, run, H, layers=None, method="default", rope=None, model=None, n_docs=1, complete=True,
                      git_sha=None, trained_window=C):
    """/runs/<run> of an entropy file open for writing. H: [layer, head, position] head entropies (nats);
    trained_window: the window c the writer stores (computed from the model config by ropelab)."""
    _root(f, output_schema.ENTROPY)
    H = np.asarray(H, dtype=np.float32)
    L, nh, T = H.shape
    g = _begin(f.require_group("runs"), run, git_sha)
    attrs = {"method": method, "rope_json": json.dumps(rope or {"rope_type": "default"}),
             "model_json": json.dumps(model or {"max_position_embeddings": C}), "model_path": "models/" + run,
             "data_path": "eval-long.jsonl", "data_sha256": "0" * 64, "n_docs": np.int64(n_docs),
             "seq_len": np.int64(T), "dtype": "fp32", "seed": np.int64(0), "skipped_docs": np.int64(0),
             "trained_window": np.int64(trained_window), "std_ddof": np.int64(0)}
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


def _eval_run(f, run, kind, model=None, rope=None, git_sha=None):
    _root(f, output_schema.EVAL)
    g = _begin(f.require_group(f"eval/{run}"), kind, git_sha)
    for k in ("model_path", "model_json", "rope_json", "dtype", "config_json"):
        g.attrs[k] = {"model_path": "models/" + run, "dtype": "fp32"}.get(k, "{}")
    for k, v in (("model_json", model), ("rope_json", rope)):
        if v is not None:
            g.attrs[k] = json.dumps(v)
    return g


def write_passkey(f, run, accuracy, lengths=None, depths=None, trials=4, complete=True, model=None, rope=None,
                  git_sha=None):
    """/eval/<run>/passkey. accuracy: [length, depth] fractions correct; correct/keys/... derived from it."""
    acc = np.asarray(accuracy, dtype=np.float64)
    lengths = np.asarray(lengths if lengths is not None else WINDOWS, dtype=np.int64)
    depths = np.asarray(depths if depths is not None else np.linspace(0, 1, acc.shape[1]), dtype=np.float64)
    g = _eval_run(f, run, "passkey", model, rope, git_sha)
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


def write_ppl(f, run, nll_by_position, trained_window, complete=True, model=None, rope=None, git_sha=None):
    """/eval/<run>/ppl. nll_by_position: {T: [T-1] mean NLL at each query position}; the per-length
    summaries (nll, ppl, inside/beyond the trained window) are computed from it."""
    g = _eval_run(f, run, "ppl", model, rope, git_sha)
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


def write_sweep(out, run, by_window, model=None, rope=None, git_sha=None, items=None, fit=None):
    """OUT/sweeps/<run>: by_window {W: score} (every suite task scores it, so the suite average at W is
    that score) or {W: {task: score}}; model/rope/git_sha: the provenance sweep.json records.
    items: {W: [item scores in [0, 1]]} written as result_items.json for every task; fit: {W: {task: score}},
    sweep.json's fit_scores."""
    d = os.path.join(out, "sweeps", run)
    rows = {w: (v if isinstance(v, dict) else {t: v for t in SUITE_TASKS}) for w, v in by_window.items()}
    for w, scores in rows.items():
        write_result(os.path.join(d, "longbench", str(w), "result.json"), scores)
        if items and w in items:
            doc = {"format": "ropelab-longbench-result-items/1", "datasets": {
                t: {"items": [{"index": i, "score": x} for i, x in enumerate(items[w])]} for t in SUITE_TASKS}}
            with open(os.path.join(d, "longbench", str(w), "result_items.json"), "w") as f:
                json.dump(doc, f)
    lb = {str(w): {"result": os.path.join(d, "longbench", str(w), "result.json"), "scores": s,
                   "fit_scores": (fit or {}).get(w, {})} for w, s in rows.items()}
    with open(os.path.join(d, "sweep.json"), "w") as f:
        prov = {"ropelab_version": PROVENANCE["ropelab_version"], "git_sha": git_sha or PROVENANCE["git_sha"],
                "model_json": json.dumps(model or {}), "command_line": PROVENANCE["command_line"]}
        json.dump({"windows": list(rows), "reserve": 32, "rope_json": json.dumps(rope or {}),
                   "model_path": "models/" + run, "provenance": prov, "longbench": lb}, f, indent=2)


def write_train_log(path, run, kind, loss, config, data_summary, total_steps, model=None, rope=None, git_sha=None,
                    complete=True):
    """OUT/models/<run>/train.h5 of `ropelab pretrain|finetune`: loss per step (tokens_per_s 1000 each),
    config: TrainConfig::to_json fields (epochs, global_batch, ...), data_summary: the command's counts
    (pretrain: window; finetune: samples, max_length)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with h5py.File(path, "w") as f:
        _root(f, output_schema.TRAIN_LOG)
        g = f.require_group("train").create_group(run)
        g.attrs["complete"] = np.bool_(False)
        n = len(loss)
        for name, v in (("loss", loss), ("lr", [1e-3] * n), ("grad_norm", [1.0] * n), ("tokens_per_s", [1000.0] * n)):
            g.create_dataset(name, data=np.asarray(v, dtype=np.float64), maxshape=(None,), chunks=(256,))
        prov = {"ropelab_version": PROVENANCE["ropelab_version"], "git_sha": git_sha or PROVENANCE["git_sha"]}
        for k, v in (("kind", kind), ("model_path", "models/init"), ("model_json", json.dumps(model or {})),
                     ("rope_json", json.dumps(rope or {})), ("data_path", "data.jsonl"), ("data_sha256", "0" * 64),
                     ("data_summary", json.dumps(data_summary)), ("provenance", json.dumps(prov)),
                     ("config_json", json.dumps(config)), ("n_examples", np.int64(data_summary.get("samples", 1))),
                     ("total_steps", np.int64(total_steps)), ("step_arithmetic", "hand-made"),
                     ("world_size", np.int64(1))):
            g.attrs[k] = v
        g.attrs["complete"] = np.bool_(complete)


def write_ruler_csv(path, lengths, runs, threshold=85.6):
    """runs: [(name, [score or None per length], effective length or None)]."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["run", *lengths, "effective_length", "threshold"])
        for name, scores, eff in runs:
            w.writerow([name, *["" if s is None else s for s in scores], "" if eff is None else eff, threshold])


def study_entropy(layer0_rise, later_rise, layers=6, heads=2, c=C):
    """[layer, head, position] over 8c: flat at 1 in the first half, then layers 0-1 step up by
    layer0_rise and layers 2+ by later_rise."""
    T = 8 * c
    h = np.ones((layers, heads, T))
    h[:2, :, T // 2:] += layer0_rise
    h[2:, :, T // 2:] += later_rise
    return h


def build_study(out, c=C, git_sha=None, samples=100, epochs=2, global_batch=32, model=None):
    """The miniature-study folder of test_study_report.py; returns its run names. base: suite 20
    everywhere; EABF seeds 10 and 30 at 4c (mean 20.0, sample std 14.1); PI: 5 everywhere; EABF on 32
    conversations: 8 at 4c; one ablation: 12. Passkey of PI is an interrupted (incomplete) group;
    base's perplexity is e (NLL 1) at every window. Every input records window c (the model's and the
    RoPE record's), git_sha, and each run has a finished training log: base pre-trained for 40 steps
    at c, the extensions on `samples` conversations (eabf-n32: 32) of 4c tokens, `epochs` epochs of
    `global_batch`; model: the base model's config (default model_config(c))."""
    windows = [c, 2 * c, 4 * c, 8 * c]
    model, base_rope = model or model_config(c), rope_record(c)
    ext_model = dict(model, max_position_embeddings=4 * c)
    runs = {"base-s0": [20.0] * 4, "pi-s0": [5.0] * 4, "eabf-s0": [4.0, 6.0, 10.0, 9.0],
            "eabf-s1": [6.0, 8.0, 30.0, 11.0], "eabf-n32-s0": [8.0] * 4, "eabf-all-layers-s0": [12.0] * 4}
    prov = {}  # run -> the provenance keyword arguments of its writers
    for run, scores in runs.items():
        base = run.startswith("base")
        prov[run] = {"model": model if base else ext_model, "git_sha": git_sha,
                     "rope": base_rope if base else rope_record(c, "eabf" if "eabf" in run else "linear", factor=4.0)}
        write_sweep(out, run, dict(zip(windows, scores)), **prov[run])
        n = 32 if "-n32" in run else samples
        if base:
            write_train_log(os.path.join(out, "models", run, "train.h5"), run, "pretrain", np.linspace(5, 2, 40),
                            {"epochs": 1, "max_steps": 40, "global_batch": 8}, {"window": c, "documents": 10}, 40,
                            **prov[run])
        else:
            steps = n // global_batch * epochs
            write_train_log(os.path.join(out, "models", run, "train.h5"), run, "finetune",
                            np.linspace(2, 1.5, steps), {"epochs": epochs, "max_steps": 0, "global_batch": global_batch},
                            {"samples": n, "max_length": 4 * c}, steps, **prov[run])

    def passkey(f, run, by_window, complete=True):
        write_passkey(f, run, [[by_window[w]] * 5 for w in windows], lengths=windows, complete=complete, **prov[run])

    with h5py.File(os.path.join(out, "eval.h5"), "w") as f:
        passkey(f, "base-s0", dict(zip(windows, (0.95, 0.15, 0.0, 0.15))))
        passkey(f, "eabf-s0", dict(zip(windows, (0.5, 0.2, 0.0, 0.0))))
        passkey(f, "eabf-s1", dict(zip(windows, (0.7, 0.4, 0.0, 0.0))))
        passkey(f, "pi-s0", {w: 1.0 for w in windows}, complete=False)  # interrupted: not read
        write_ppl(f, "base-s0", {w: np.ones(w - 1) for w in windows}, trained_window=c, **prov["base-s0"])
    with h5py.File(os.path.join(out, "entropy.h5"), "w") as f:
        write_entropy_run(f, "base-s0", study_entropy(layer0_rise=2.0, later_rise=0.5, c=c), n_docs=8,
                          trained_window=c, **prov["base-s0"])
    return list(runs)
