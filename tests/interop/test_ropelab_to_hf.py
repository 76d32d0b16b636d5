"""ropelab -> HF: checkpoints written by `ropelab init`, `pretrain` and `finetune` (every RoPE method)
load with transformers' from_pretrained with no missing, unexpected or mismatched weights and no
weight warnings, and transformers' logits (eager, fp32) equal `ropelab forward`'s within 1e-4 at 4x
the window for every method transformers can express: default, ABF, NTK (default RoPE with the
larger base), linear, dynamic, NTK-by-parts (yarn with attention factor 1), yarn, llama3, longrope.
EABF loads in transformers as ABF (its logit scale has no HF form) and in ropelab as EABF.

Checked with transformers 5.x (the venv) and 4.x (the overlay, the last 4.x release).
The methods whose export depends on original_max_position_embeddings (yarn, ntk_by_parts) are
in test_hf_export_registry.py: they need the export fix of the RoPE registry work."""
import os
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(__file__))
from interop_common import (ROOT, TOL, WINDOW, hf_logits_many, max_diff, ropelab, ropelab_logits,  # noqa: E402
                            sample_ids)

CORPUS = os.path.join(ROOT, "data", "corpus", "fortunes-min.txt")
TRAIN = ["--steps", "1", "--global-batch", "2", "--micro-batch", "2", "--lr", "1e-3"]
HALF = WINDOW // 2
LONGROPE = ('{"rope_type":"longrope","factor":4,"original_max_position_embeddings":%d,'
            '"short_factor":[1,1.05,1.1,1.15,1.2,1.25,1.3,1.35],'
            '"long_factor":[1,1.4,1.8,2.2,2.6,3,3.4,3.8]}' % WINDOW)
# Fine-tuning methods -> ropelab options. Methods HF expresses exactly here; yarn/ntk_by_parts are
# in test_hf_export_registry.py.
METHODS = {
    "linear": ["--rope", "linear", "--rope-factor", "4"],
    "ntk": ["--rope", "ntk", "--rope-factor", "4"],
    "dynamic": ["--rope", "dynamic", "--rope-factor", "4"],
    "llama3": ["--rope", "llama3", "--rope-factor", "4", "--rope-original-max-position", str(WINDOW)],
    "longrope": ["--rope-json", LONGROPE],
    "abf": ["--rope", "abf"],
    "eabf": ["--rope", "eabf"],
}


def shared_setup(tmp):
    """tokenizer (vocab 600) -> `ropelab init` (window 64; 3 layers, as EABF leaves the first 2 unscaled)
    -> `pretrain`; returns (tok, init, pre, chat)."""
    tok = os.path.join(tmp, "tok", "tokenizer.model")
    os.makedirs(os.path.dirname(tok))
    ropelab("tokenizer", "train", "--input", CORPUS, "--out", tok, "--vocab-size", "600", "--threads", "1")
    arch = os.path.join(tmp, "tiny.json")
    with open(arch, "w") as f:
        f.write('{"architectures":["LlamaForCausalLM"],"model_type":"llama","vocab_size":600,"hidden_size":64,'
                '"intermediate_size":128,"num_hidden_layers":3,"num_attention_heads":4,"num_key_value_heads":2,'
                '"max_position_embeddings":%d,"rms_norm_eps":1e-5,"rope_theta":10000.0,"torch_dtype":"float32"}'
                % WINDOW)
    init = os.path.join(tmp, "init")
    ropelab("init", "--config", arch, "--seed", "1", "--init-std", "0.15", "--tokenizer", tok, "--out", init)
    pre = os.path.join(tmp, "pretrain")
    ropelab("pretrain", "--model", init, "--data", CORPUS, "--out", pre, "--window", str(WINDOW), *TRAIN)
    chat = os.path.join(tmp, "chat.json")
    with open(chat, "w") as f:
        f.write('[' + ','.join(
            '{"conversations":[{"from":"human","value":"Name colour %d."},{"from":"gpt","value":"Colour %d is blue."}]}'
            % (i, i) for i in range(4)) + ']')
    return tok, init, pre, chat


def finetune(base, chat, out, opts):
    ropelab("finetune", "--model", base, "--data", chat, "--out", out, "--max-length", str(2 * WINDOW), *TRAIN, *opts)
    return out


class RopelabToHf(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        t = cls.tmp.name
        cls.tok, cls.init, cls.pre, cls.chat = shared_setup(t)
        cls.dirs = {"init": cls.init, "pretrain": cls.pre}
        for m, opts in METHODS.items():
            cls.dirs[m] = finetune(cls.pre, cls.chat, os.path.join(t, "ft-" + m), opts)
        cls.ids = sample_ids(4 * WINDOW, vocab=600)
        names = list(cls.dirs)
        cls.hf = {}
        for hf4 in (False, True):
            for name, res in zip(names, hf_logits_many([cls.dirs[n] for n in names], cls.ids, hf4=hf4)):
                cls.hf[(name, "4.x" if hf4 else "5.x")] = res

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_loads_without_weight_warnings(self):
        for (name, version), (_, rep) in self.hf.items():
            with self.subTest(checkpoint=name, transformers=version):
                self.assertEqual(rep["missing"], [], rep["dir"])
                self.assertEqual(rep["unexpected"], [], rep["dir"])
                self.assertEqual(rep["mismatched"], [], rep["dir"])
                self.assertEqual(rep["warnings"], [], rep["dir"])

    def test_logits_equal_for_every_method_hf_expresses(self):
        for (name, version), (logits, rep) in self.hf.items():
            if name == "eabf":
                continue
            with self.subTest(checkpoint=name, transformers=version):
                got, rope = ropelab_logits(self.dirs[name], self.ids)
                diff = max_diff(got, logits)
                self.assertLess(diff, TOL, f"{name} ({rope['rope_type']}) vs transformers {rep['transformers']} "
                                           f"{rep['rope']}: max |diff| {diff:.3g}")

    def test_eabf_is_abf_in_hf_and_eabf_in_ropelab(self):
        d = self.dirs["eabf"]
        as_abf, rope_abf = ropelab_logits(d, self.ids, ["--rope", "abf"])
        eabf, rope = ropelab_logits(d, self.ids)
        self.assertEqual(rope["rope_type"], "eabf")
        self.assertEqual(rope_abf["theta"] if "theta" in rope_abf else rope_abf["rope_theta"],
                         rope["theta"] if "theta" in rope else rope["rope_theta"])
        for version in ("5.x", "4.x"):
            logits, rep = self.hf[("eabf", version)]
            self.assertLess(max_diff(as_abf, logits), TOL, f"transformers {rep['transformers']}: EABF != ABF")
            # Past the window c the logit scale makes ropelab's EABF differ from HF's ABF.
            self.assertGreater(max_diff(eabf[WINDOW + 1:], logits[WINDOW + 1:]), 1e-3)
            self.assertLess(max_diff(eabf[:HALF], logits[:HALF]), TOL)


if __name__ == "__main__":
    unittest.main(verbosity=2)
