"""Loads model directories with the transformers on PYTHONPATH (the venv's 5.x or the 4.x overlay)
and writes, per directory, its logits for one id sequence and what from_pretrained reported.

  hf_logits.py OUT_DIR IDS_FILE MODEL_DIR...
OUT_DIR/<i>.npy: logits (T, V) float32 of MODEL_DIR number i; OUT_DIR/report.json: per directory
the version, missing/unexpected/mismatched keys, the warnings logged while loading, and the
rope configuration transformers resolved (its factor and attention factor included)."""
import json
import logging
import os
import sys

import numpy as np
import torch
import transformers
from transformers import LlamaForCausalLM

torch.set_num_threads(1)


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


def main():
    out, ids_file = sys.argv[1:3]
    with open(ids_file) as f:
        ids = [int(x) for x in f.read().split()]
    transformers.logging.set_verbosity_warning()
    collect = Collect()
    transformers.logging.get_logger("transformers").addHandler(collect)
    report = []
    for i, d in enumerate(sys.argv[3:]):
        collect.messages = []
        m, info = LlamaForCausalLM.from_pretrained(d, dtype=torch.float32, attn_implementation="eager",
                                                   output_loading_info=True)
        m.eval()
        with torch.no_grad():
            logits = m(torch.tensor([ids])).logits[0].float().numpy()
        np.save(os.path.join(out, f"{i}.npy"), logits)
        rot = m.model.rotary_emb
        rope = getattr(m.config, "rope_parameters", None) or {
            "rope_theta": m.config.rope_theta, **(m.config.rope_scaling or {})}
        report.append({
            "dir": d, "transformers": transformers.__version__,
            "missing": sorted(info.get("missing_keys", [])), "unexpected": sorted(info.get("unexpected_keys", [])),
            "mismatched": [str(x) for x in info.get("mismatched_keys", [])],
            "warnings": [w for w in collect.messages if "weights" in w.lower() or "initialized" in w.lower()],
            "all_warnings": collect.messages,
            "rope": json.loads(json.dumps(rope, default=str)), "rope_type": getattr(rot, "rope_type", None),
            "attention_scaling": float(getattr(rot, "attention_scaling", 1.0)),
            "inv_freq": [float(x) for x in rot.inv_freq],
        })
    with open(os.path.join(out, "report.json"), "w") as f:
        json.dump(report, f, indent=1)


if __name__ == "__main__":
    main()
