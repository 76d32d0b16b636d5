"""RoPE configurations against transformers that need the RoPE registry work (core/rope/: reading
transformers 5.x `rope_parameters`, `llama_4_scaling_beta`, the paper's released rope_scaling form,
and the YaRN / NTK-by-parts export with the trained original_max_position_embeddings). Before that
work is merged these tests fail; everything else of the interop suite passes without it.

1. HF -> ropelab, 5.x schema: every rope_type of transformers in `rope_parameters` (what
   save_pretrained writes since 5.0) gives transformers' logits within 1e-4 at 4x the window, and
   `ropelab rope show` names the method (not the silent "default" of issue 13).
2. Ministral-3's `llama_4_scaling_beta` (transformers' Ministral3ForCausalLM, same weights layout):
   ropelab either reproduces transformers' logits or refuses the key with exit code 2 — never
   silently drops it.
3. The paper's released form, rope_scaling {"type": "eabf", "factor": 4} (GAIR-NLP/Entropy-ABF,
   patch/EABF.py): read as EABF — base 500,000, query scale max(1, ln(p+1)/ln c) with c the
   model's max_position_embeddings (4096 = LLaMA-2's, hard-coded there), the first two layers
   unscaled — checked against transformers' Llama with that scale applied by forward hooks.
4. ropelab -> HF, YaRN and NTK-by-parts: the exported config gives transformers 4.x and 5.x the
   trained factor and original window (no re-derived factor, no rope warning) and the same logits."""
import json
import math
import os
import sys
import unittest

import torch

sys.path.insert(0, os.path.dirname(__file__))
from interop_common import (TOL, WINDOW, LogitsTest, hf_logits, hf_logits_many, hf_model, hf_save,  # noqa: E402
                            max_diff, rewrite_config, rope_cases, ropelab, ropelab_logits, sample_ids,
                            tiny_config)
from test_hf_to_ropelab import rope_kw  # noqa: E402
from test_ropelab_to_hf import finetune, shared_setup  # noqa: E402


class RegistryAgainstHf(LogitsTest):
    def test_every_rope_type_v5_schema(self):
        for case in rope_cases():
            with self.subTest(rope_type=case):
                d = os.path.join(self.tmp.name, f"rope-v5-{case}")
                hf_save(d, rope_kw(case), seed=7, dtype="fp32")
                with open(os.path.join(d, "config.json")) as f:
                    c = json.load(f)
                self.assertIn("rope_parameters", c)
                self.assertNotIn("rope_scaling", c)
                self.assertEqual(c["rope_parameters"]["rope_type"], case)
                shown = ropelab("rope", "show", "--model", d).stdout
                self.assertIn(f'"rope_type":"{case}"', shown.replace(" ", ""))
                ref = hf_logits(hf_model(d), self.ids)
                got, rope = ropelab_logits(d, self.ids)
                self.assertEqual(rope["rope_type"], case)
                self.assertLess(max_diff(got, ref), TOL)

    def test_llama_4_scaling_beta_is_applied_or_refused(self):
        from transformers import Ministral3Config, Ministral3ForCausalLM
        d = os.path.join(self.tmp.name, "ministral3")
        base = tiny_config(window=4 * WINDOW).to_dict()
        keep = ("vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads",
                "num_key_value_heads", "max_position_embeddings", "rms_norm_eps", "tie_word_embeddings",
                "bos_token_id", "eos_token_id")
        cfg = Ministral3Config(**{k: base[k] for k in keep}, head_dim=16, sliding_window=None,
                               rope_parameters={"rope_type": "yarn", "factor": 4.0, "rope_theta": 10000.0,
                                                "original_max_position_embeddings": WINDOW,
                                                "llama_4_scaling_beta": 0.5})
        torch.manual_seed(11)
        m = Ministral3ForCausalLM(cfg).eval()
        with torch.no_grad():
            for n, p in m.named_parameters():
                if "norm" not in n:
                    p.normal_(0.0, 0.15)
        m.save_pretrained(d)
        with torch.no_grad():
            ref = m(torch.tensor([self.ids])).logits[0].numpy()
        tok = os.path.join(self.tmp.name, "ids.txt")
        with open(tok, "w") as f:
            f.write(" ".join(map(str, self.ids)))
        p = ropelab("forward", "--model", d, "--tokens-file", tok, "--out", os.path.join(self.tmp.name, "m.h5"),
                    check=False)
        if p.returncode == 2:
            self.assertIn("llama_4_scaling_beta", p.stderr + p.stdout)
            return
        self.assertEqual(p.returncode, 0, p.stderr)
        got, _ = ropelab_logits(d, self.ids)
        self.assertLess(max_diff(got, ref), TOL, "llama_4_scaling_beta read but not as transformers applies it")

    def test_paper_released_rope_scaling_form_is_eabf(self):
        d = os.path.join(self.tmp.name, "paper-eabf")
        layers = 3
        hf_save(d, {"layers": layers, "rope_theta": 500000.0}, seed=13, dtype="bf16")

        def paper_form(c):
            c.pop("rope_parameters", None)
            c["rope_theta"] = 10000.0   # what LLaMA-2's config says; the paper's patch overrides it
            c["rope_scaling"] = {"type": "eabf", "factor": 4.0}
        c = rewrite_config(d, paper_form)
        got, rope = ropelab_logits(d, self.ids)
        self.assertEqual(rope["rope_type"], "eabf")
        # Reference: transformers' Llama with base 500,000 and the query scale on layers >= 2.
        ref_dir = os.path.join(self.tmp.name, "paper-eabf-ref")
        hf_save(ref_dir, {"layers": layers, "rope_theta": 500000.0}, seed=13, dtype="bf16")
        m = hf_model(ref_dir)
        c_window = c["max_position_embeddings"]
        pos = torch.arange(len(self.ids), dtype=torch.float64)
        scale = torch.clamp(torch.log(pos + 1) / math.log(c_window), min=1.0).to(torch.float32)[None, :, None]
        for i in range(2, layers):
            m.model.layers[i].self_attn.q_proj.register_forward_hook(lambda mod, inp, out: out * scale)
        ref = hf_logits(m, self.ids)
        self.assertLess(max_diff(got, ref), TOL)
        self.assertGreater(max_diff(got, hf_logits(hf_model(ref_dir), self.ids)), 1e-3)  # the scale matters

    def test_yarn_and_ntk_by_parts_export_keep_the_trained_factor(self):
        t = os.path.join(self.tmp.name, "export")
        os.makedirs(t)
        _, _, pre, chat = shared_setup(t)
        dirs = {"yarn": finetune(pre, chat, os.path.join(t, "ft-yarn"), ["--rope", "yarn", "--rope-factor", "4"]),
                "ntk_by_parts": finetune(pre, chat, os.path.join(t, "ft-nbp"),
                                         ["--rope", "ntk_by_parts", "--rope-factor", "4"])}
        ids = sample_ids(4 * WINDOW, vocab=600)
        for hf4 in (False, True):
            for (name, d), (logits, rep) in zip(dirs.items(), hf_logits_many(list(dirs.values()), ids, hf4=hf4)):
                with self.subTest(method=name, transformers=rep["transformers"]):
                    with open(os.path.join(d, "config.json")) as f:
                        c = json.load(f)
                    hf_rope = c.get("rope_parameters") or c["rope_scaling"]
                    self.assertEqual(hf_rope["original_max_position_embeddings"], WINDOW, hf_rope)
                    self.assertEqual(float(hf_rope["factor"]), 4.0)
                    self.assertEqual([w for w in rep["all_warnings"] if "rope" in w.lower()], [])
                    got, _ = ropelab_logits(d, ids)
                    self.assertLess(max_diff(got, logits), TOL, rep["rope"])


if __name__ == "__main__":
    unittest.main(verbosity=2)
