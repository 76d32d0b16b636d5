"""The facts report.md states about the study itself, taken from what its outputs recorded (the
provenance study_data.load keeps per run as `recorded`), so that the report repeats no literal of
experiments/configs/mini/ and follows the configs when they change:

  window c        the base model's trained window: `original_max_position_embeddings` of its resolved
                  RoPE record (every writer's rope_json), `ropelab ppl`'s `trained_window`, and the
                  pre-training log's window; all base-run inputs must agree
  model           the base model's config.json fields (model_json): type, layers, hidden size, heads
  recipes         pre-training steps; the extension's conversations, chunk length, epochs, global batch
                  and steps, from the finished training logs (train.h5)
  git SHA         every input's git_sha; the report says so when they disagree

A fact no input records is None (the report leaves it out); inputs that disagree on a fact the
report needs are a StudyInputError naming them.
"""
from provenance import sha_line
from study_data import HEADLINE, StudyInputError, split_run


def agreed(found, what):
    """The one value of `found` [(source, value)] (None values skipped), or None when no source
    records it; StudyInputError naming the sources when they disagree."""
    by_value = {}
    for source, value in found:
        if value is not None:
            by_value.setdefault(value, []).append(source)
    if len(by_value) > 1:
        raise StudyInputError(f"inputs disagree on {what}: " +
                              "; ".join(f"{v} ({', '.join(s)})" for v, s in by_value.items()))
    return next(iter(by_value), None)


def _records(data, methods):
    return [r for run, d in data.items() if split_run(run)[0] in methods for r in d["recorded"]]


def _train(records, kind):
    return [(r["source"], r["train"]) for r in records if "train" in r and r["train"]["kind"] == kind]


def window(data):
    """c, the window the base model was trained at; StudyInputError when no base-run input records it."""
    base = _records(data, {"base"})
    found = [(r["source"] + " rope_json", r["rope"].get("original_max_position_embeddings")) for r in base]
    found += [(r["source"] + " trained_window", r.get("trained_window")) for r in base]
    found += [(s + " data_summary", t["data"].get("window")) for s, t in _train(base, "pretrain")]
    c = agreed(found, "the trained window c")
    if c is None:
        raise StudyInputError("no input of a base-s<seed> run records the trained window c (its rope_json's "
                              "original_max_position_embeddings, ppl's trained_window or the pre-training log)")
    return int(c)


def model(data):
    """{model_type, num_hidden_layers, hidden_size, num_attention_heads} of the base model, or None."""
    keys = ("model_type", "num_hidden_layers", "hidden_size", "num_attention_heads")
    found = [(r["source"], tuple(r["model"].get(k) for k in keys)) for r in _records(data, {"base"})]
    v = agreed([(s, t) for s, t in found if None not in t], "the base model's config")
    return dict(zip(keys, v)) if v else None


def pretraining(data):
    """{steps} of the base model's pre-training, or None."""
    steps = agreed([(s, t["total_steps"]) for s, t in _train(_records(data, {"base"}), "pretrain")],
                   "the pre-training steps")
    return None if steps is None else {"steps": int(steps)}


def extension(data):
    """{samples, max_length, epochs, global_batch, steps} of the headline methods' extension (every
    headline run trains with the same recipe), or None when no finished log records it."""
    runs = _train(_records(data, set(HEADLINE) - {"base"}), "finetune")
    recipe = agreed([(s, (t["data"].get("samples"), t["data"].get("max_length"), t["config"].get("epochs"),
                          t["config"].get("global_batch"), t["total_steps"])) for s, t in runs],
                    "the extension recipe of the headline methods (samples, max_length, epochs, global batch, steps)")
    if recipe is None:
        return None
    return dict(zip(("samples", "max_length", "epochs", "global_batch", "steps"),
                    (None if v is None else int(v) for v in recipe)))


def git_sha(data):
    """The report's provenance line: the git SHA its inputs recorded (provenance.sha_line)."""
    return sha_line([(r["source"], r.get("git_sha")) for d in data.values() for r in d["recorded"]])
