"""HF -> ropelab: tiny random LlamaForCausalLM models created and saved by transformers itself load
in ropelab, and `ropelab forward` logits equal transformers' (eager attention, fp32) within 1e-4
at 4x the training window.

- every weight format: safetensors single file and sharded with an index (transformers 5.x),
  pytorch_model.bin single and sharded (transformers 4.x, the last to write it), each fp32 and
  bf16, MHA and GQA, tied and untied embeddings;
- every rope_type of transformers (default, linear, dynamic, yarn, llama3, longrope) with the
  config in the 4.x schema (rope_theta + rope_scaling). The 5.x schema (`rope_parameters`, what
  save_pretrained writes now) is test_hf_rope_schema_v5.py.
The reference logits are transformers 5.x's from the saved directory."""
import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from interop_common import (WINDOW, TOL, LogitsTest, hf_logits, hf_model, hf_save, max_diff,  # noqa: E402
                            rewrite_config, rope_cases, ropelab_logits, to_v4_schema)

def rope_kw(case, window=WINDOW):
    """LlamaConfig kwargs (4.x names) for one rope case at 4x the window."""
    rs = dict(rope_cases(window)[case])
    kw = {"rope_theta": 10000.0, "rope_scaling": rs or None}
    # yarn, llama3 and longrope derive or check their factor against max_position_embeddings.
    kw["window"] = 4 * window if "original_max_position_embeddings" in rs else window
    return kw


class HfToRopelab(LogitsTest):
    def check_same_logits(self, d, extra=()):
        ref = hf_logits(hf_model(d), self.ids)
        got, rope = ropelab_logits(d, self.ids, extra)
        diff = max_diff(got, ref)
        self.assertLess(diff, TOL, f"{d}: max |logit diff| {diff:.3g} (rope {rope})")
        return rope

    def test_weight_formats(self):
        # (format, dtype, gqa, tied): every format in both dtypes; MHA/GQA and tied/untied alternate.
        cases = []
        for i, (fmt, dtype) in enumerate((f, t) for f in ("st", "st-sharded", "bin", "bin-sharded")
                                         for t in ("fp32", "bf16")):
            cases.append((fmt, dtype, i % 2 == 0, (i // 2) % 2 == 0))
        for fmt, dtype, gqa, tied in cases:
            with self.subTest(fmt=fmt, dtype=dtype, gqa=gqa, tied=tied):
                d = os.path.join(self.tmp.name, f"{fmt}-{dtype}-{'gqa' if gqa else 'mha'}-{'tied' if tied else 'untied'}")
                kw = {"gqa": gqa, "tied": tied, "rope_theta": 10000.0}
                shard = "20KB" if fmt.endswith("sharded") else None
                version = hf_save(d, kw, seed=3, dtype=dtype, shard=shard, use_bin=fmt.startswith("bin"),
                                  hf4=fmt.startswith("bin"))
                files = sorted(os.listdir(d))
                if fmt == "st":
                    self.assertIn("model.safetensors", files)
                elif fmt == "st-sharded":
                    self.assertIn("model.safetensors.index.json", files)
                elif fmt == "bin":
                    self.assertIn("pytorch_model.bin", files, version)
                else:
                    self.assertIn("pytorch_model.bin.index.json", files, version)
                    self.assertGreater(sum(f.endswith(".bin") for f in files), 1)
                rewrite_config(d, to_v4_schema)
                self.check_same_logits(d)

    def test_every_rope_type_v4_schema(self):
        for case in rope_cases():
            with self.subTest(rope_type=case):
                d = os.path.join(self.tmp.name, f"rope-v4-{case}")
                kw = rope_kw(case)
                hf_save(d, kw, seed=5, dtype="fp32")
                c = rewrite_config(d, to_v4_schema)
                self.assertEqual((c["rope_scaling"] or {}).get("rope_type", "default"), case)
                rope = self.check_same_logits(d)
                self.assertEqual(rope["rope_type"], case)


if __name__ == "__main__":
    unittest.main(verbosity=2)
