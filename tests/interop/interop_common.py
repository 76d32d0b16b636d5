"""Shared helpers of the interop tests: run the ropelab binary, read its HDF5 outputs, make tiny
Llama models with transformers itself. Run by the interop virtual environment's Python
(tests/interop/requirements.txt); ROPELAB_BIN names the binary under test."""
import json
import os
import subprocess
import tempfile
import unittest

import h5py
import numpy as np
import torch
import transformers
from transformers import LlamaConfig, LlamaForCausalLM

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BIN = os.environ.get("ROPELAB_BIN", os.path.join(ROOT, "build-torch2", "ropelab"))
WINDOW = 64          # the tiny models' original context window L0
TOL = 1e-4           # max |logit difference|, fp32

torch.set_num_threads(1)
transformers.logging.set_verbosity_error()


def ropelab(*args, check=True):
    """Runs `ropelab ARGS --threads 1`; returns the CompletedProcess (stdout/stderr as text)."""
    cmd = [BIN, *map(str, args)]
    if "--threads" not in cmd and args and args[0] not in ("tokenizer",):
        cmd += ["--threads", "1"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {p.returncode}:\n{p.stdout}\n{p.stderr}")
    return p


def ropelab_logits(model_dir, ids, extra=()):
    """`ropelab forward` logits (T, V) float32 for one sequence of ids."""
    with tempfile.TemporaryDirectory() as tmp:
        tok = os.path.join(tmp, "ids.txt")
        with open(tok, "w") as f:
            f.write(" ".join(map(str, ids)))
        out = os.path.join(tmp, "fwd.h5")
        ropelab("forward", "--model", model_dir, "--tokens-file", tok, "--out", out, "--dtype", "fp32", *extra)
        with h5py.File(out, "r") as h:
            return np.array(h["logits"]), json.loads(h.attrs["rope_json"])


def hf_model(model_dir):
    m = LlamaForCausalLM.from_pretrained(model_dir, dtype=torch.float32, attn_implementation="eager")
    return m.eval()


def hf_logits(model, ids):
    with torch.no_grad():
        return model(torch.tensor([ids])).logits[0].float().numpy()


def tiny_config(gqa=True, tied=False, vocab=128, window=WINDOW, layers=2, **kw):
    """A tiny LLaMA config (hidden 64, head_dim 16) in transformers' own defaults."""
    return LlamaConfig(vocab_size=vocab, hidden_size=64, intermediate_size=128, num_hidden_layers=layers,
                       num_attention_heads=4, num_key_value_heads=2 if gqa else 4,
                       max_position_embeddings=window, rms_norm_eps=1e-6, tie_word_embeddings=tied,
                       bos_token_id=1, eos_token_id=2, pad_token_id=None, **kw)


def random_model(cfg, seed=0):
    torch.manual_seed(seed)
    m = LlamaForCausalLM(cfg).eval()
    # Larger than HF's 0.02 init so that attention is far from uniform and RoPE matters.
    with torch.no_grad():
        for n, p in m.named_parameters():
            if "norm" not in n:
                p.normal_(0.0, 0.15)
    return m


def sample_ids(n, vocab=128, seed=1):
    g = np.random.default_rng(seed)
    return [int(x) for x in g.integers(3, vocab, size=n)]


def max_diff(a, b):
    assert a.shape == b.shape, f"shapes {a.shape} vs {b.shape}"
    return float(np.abs(a.astype(np.float64) - b.astype(np.float64)).max())


def rewrite_config(model_dir, fn):
    """Loads config.json, applies fn(dict) in place, writes it back."""
    p = os.path.join(model_dir, "config.json")
    with open(p) as f:
        c = json.load(f)
    fn(c)
    with open(p, "w") as f:
        json.dump(c, f, indent=2)
    return c


def to_v4_schema(c):
    """transformers 5.x `rope_parameters` -> the 4.x form: rope_theta + rope_scaling (None for default)."""
    rp = dict(c.pop("rope_parameters", None) or {})
    c["rope_theta"] = rp.pop("rope_theta", c.get("rope_theta", 10000.0))
    if rp.get("rope_type", "default") == "default":
        c["rope_scaling"] = None
    else:
        c["rope_scaling"] = rp


# HF rope_type -> parameters at 4x the window (max_position_embeddings = 4 * L0 where HF derives
# the factor from it). The llama3 frequencies need L0 large enough for its wavelength bands.
def rope_cases(window=WINDOW):
    return {
        "default": {},
        "linear": {"rope_type": "linear", "factor": 4.0},
        "dynamic": {"rope_type": "dynamic", "factor": 4.0},
        "yarn": {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": window},
        "llama3": {"rope_type": "llama3", "factor": 4.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": window},
        "longrope": {"rope_type": "longrope", "factor": 4.0, "original_max_position_embeddings": window,
                     "short_factor": [1.0 + 0.05 * i for i in range(8)],
                     "long_factor": [1.0 + 0.4 * i for i in range(8)]},
    }


HERE = os.path.dirname(os.path.abspath(__file__))
# The transformers 4.x overlay (tests/interop/requirements-hf4.txt) beside the venv's site-packages.
HF4 = os.environ.get("ROPELAB_INTEROP_HF4", os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(
    __import__("sys").executable))), "hf4"))


def _python(script, args, hf4):
    env = dict(os.environ)
    if hf4:
        env["PYTHONPATH"] = HF4
    p = subprocess.run([__import__("sys").executable, os.path.join(HERE, script), *map(str, args)],
                       capture_output=True, text=True, env=env)
    if p.returncode != 0:
        raise AssertionError(f"{script} {' '.join(map(str, args))} failed:\n{p.stdout}\n{p.stderr}")
    return p.stdout.strip()


def hf_save(out, cfg_kw, seed, dtype, shard=None, use_bin=False, hf4=False):
    """A random tiny model saved by transformers (4.x overlay when hf4); returns its version."""
    args = [out, json.dumps(cfg_kw), seed, dtype]
    if shard or use_bin:
        args.append(shard or "")
    if use_bin:
        args.append("bin")
    return _python("hf_save.py", args, hf4)


def hf_logits_many(dirs, ids, hf4=False):
    """[(logits (T, V), report dict)] of transformers (4.x overlay when hf4) for each directory."""
    with tempfile.TemporaryDirectory() as tmp:
        ids_file = os.path.join(tmp, "ids.txt")
        with open(ids_file, "w") as f:
            f.write(" ".join(map(str, ids)))
        _python("hf_logits.py", [tmp, ids_file, *dirs], hf4)
        with open(os.path.join(tmp, "report.json")) as f:
            report = json.load(f)
        return [(np.load(os.path.join(tmp, f"{i}.npy")), r) for i, r in enumerate(report)]


class LogitsTest(unittest.TestCase):
    """A test class comparing logits: one temporary folder for all its models (cls.tmp) and the
    token ids at 4x the window that every comparison runs (cls.ids)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.ids = sample_ids(4 * WINDOW)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()
