"""Creates a tiny random LlamaForCausalLM with the transformers on PYTHONPATH (5.x from the venv,
or the 4.x overlay) and saves it with save_pretrained. Used as a subprocess by the interop tests,
since only transformers 4.x still writes pytorch_model.bin.

  hf_save.py OUT CONFIG_JSON SEED DTYPE [MAX_SHARD_SIZE] [bin]
CONFIG_JSON holds LlamaConfig keyword arguments (4.x names: rope_theta, rope_scaling)."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from interop_common import random_model, tiny_config  # noqa: E402

import torch  # noqa: E402
import transformers  # noqa: E402


def main():
    out, cfg_json, seed, dtype = sys.argv[1:5]
    shard = sys.argv[5] if len(sys.argv) > 5 else None
    use_bin = len(sys.argv) > 6 and sys.argv[6] == "bin"
    kw = json.loads(cfg_json)
    m = random_model(tiny_config(**kw), seed=int(seed))
    if dtype == "bf16":
        m = m.to(torch.bfloat16)
    args = {}
    if shard:
        args["max_shard_size"] = shard
    if use_bin:
        assert transformers.__version__.startswith("4."), "only transformers 4.x writes pytorch_model.bin"
        args["safe_serialization"] = False
    m.save_pretrained(out, **args)
    print(transformers.__version__)


if __name__ == "__main__":
    main()
