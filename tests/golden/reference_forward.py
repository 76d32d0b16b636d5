#!/usr/bin/env python3
"""Independent float64 NumPy implementation of a LLaMA forward pass with every RoPE method.

Used by the golden tests to check `ropelab forward`: it reads the same HF-layout checkpoint
(config.json + model.safetensors, F32/BF16/F16) and the token ids, computes logits from the
formulas in shared docs rope-methods.md, and compares with the HDF5 written by the toolkit.

usage: reference_forward.py MODEL_DIR TOKENS_FILE OUT.h5 ROPE_JSON TOL
       reference_forward.py --entropy MODEL_DIR TOKENS_FILE ROPE_JSON OUT.txt
       reference_forward.py --logprob MODEL_DIR TOKENS_FILE N_PROMPT ROPE_JSON
ROPE_JSON is the HF-style rope_scaling object given to `--rope-json` ("null" = checkpoint's).
Logits: exit 0 when max |logits - reference| <= TOL, else 1 (the caller sets TOL from the error it
measured for its compute dtype). --entropy writes the attention entropy -sum p ln p (nats) of every
layer, query head and position, one number per line in (layer, head, position) order, for the
entropy recorder's tests (tests/unit/test_entropy.cpp). --logprob prints "SUM COUNT": the summed
natural-log probability of the tokens after the first N_PROMPT, each given all before it (one
forward over the whole sequence), for the LongBench answer log-likelihood test.
"""
import json
import math
import struct
import sys

import h5py
import numpy as np


def load_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        raw = data[b:end]
        if e["dtype"] == "F32":
            a = np.frombuffer(raw, dtype="<f4").astype(np.float64)
        elif e["dtype"] == "F16":
            a = np.frombuffer(raw, dtype="<f2").astype(np.float64)
        elif e["dtype"] == "BF16":
            a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32).astype(np.float64)
        else:
            raise ValueError(e["dtype"])
        out[name] = a.reshape(e["shape"])
    return out


def rope_params(cfg, rs):
    d = cfg.get("head_dim") or cfg["hidden_size"] // cfg["num_attention_heads"]
    base = cfg.get("rope_theta", 10000.0)
    rs = dict(rs or {})
    t = rs.get("rope_type", rs.get("type", "default"))
    maxpos = cfg["max_position_embeddings"]
    if t in ("abf", "eabf"):
        base = rs.get("rope_theta", 500000.0)
    elif "rope_theta" in rs:
        base = rs["rope_theta"]
    L0 = rs.get("original_max_position_embeddings", 8192 if t == "llama3" else maxpos)
    return t, d, base, rs, L0, maxpos


def inv_freq(cfg, rs, seq_len):
    t, d, base, rs, L0, maxpos = rope_params(cfg, rs)
    i = np.arange(0, d, 2, dtype=np.float64)
    inv = 1.0 / base ** (i / d)
    f = rs.get("factor", 8.0 if t == "llama3" else 1.0)
    af = 1.0
    if t == "linear":
        inv = inv / f
    elif t == "mixed_ntk" or (t == "ntk" and "mixed_b" in rs):  # vLLM's ntk + mixed_b form
        b = rs["mixed_b"]
        lam = np.exp(math.log(f) / (d / 2) ** b * np.arange(1, d // 2 + 1, dtype=np.float64) ** b)
        inv = inv / lam
    elif t == "ntk_alpha" or (t == "dynamic" and "alpha" in rs):  # NTK-alpha: static base * alpha^(d/(d-2))
        inv = 1.0 / (base * rs["alpha"] ** (d / (d - 2))) ** (i / d)
    elif t == "ntk":
        inv = 1.0 / (base * f ** (d / (d - 2))) ** (i / d)
    elif t == "dynamic":
        L = max(seq_len, maxpos)
        b2 = base * ((f * L / maxpos) - (f - 1)) ** (d / (d - 2))
        inv = 1.0 / b2 ** (i / d)
    elif t in ("yarn", "ntk_by_parts"):
        bf, bs = rs.get("beta_fast", 32.0), rs.get("beta_slow", 1.0)
        corr = lambda r: d * math.log(L0 / (r * 2 * math.pi)) / (2 * math.log(base))
        low, high = corr(bf), corr(bs)
        if rs.get("truncate", True):
            low, high = math.floor(low), math.ceil(high)
        low, high = max(low, 0), min(high, d - 1)
        if low == high:
            high += 0.001
        ramp = np.clip((np.arange(d // 2) - low) / (high - low), 0, 1)
        extra = 1 - ramp
        inv = (inv / f) * (1 - extra) + inv * extra
        if t == "yarn":
            af = rs.get("attention_factor", 0.1 * math.log(f) + 1.0 if f > 1 else 1.0)
    elif t == "llama3":
        lo, hi = rs.get("low_freq_factor", 1.0), rs.get("high_freq_factor", 4.0)
        wl = 2 * math.pi / inv
        out = np.where(wl > L0 / lo, inv / f, inv)
        s = (L0 / wl - lo) / (hi - lo)
        mid = (wl >= L0 / hi) & (wl <= L0 / lo)
        out = np.where(mid, (1 - s) * inv / f + s * inv, out)
        inv = out
    elif t == "longrope":
        ext = np.array(rs["long_factor"] if seq_len > L0 else rs["short_factor"])
        inv = inv / ext
        af = rs.get("attention_factor", math.sqrt(1 + math.log(f) / math.log(L0)) if f > 1 else 1.0)
    if rs.get("resonance", False):  # Resonance RoPE: in-window wavelengths rounded to integers
        wl = 2 * math.pi / inv
        inv = np.where(wl <= L0, 2 * math.pi / np.maximum(1.0, np.floor(wl + 0.5)), inv)
    return inv, af


def logit_scale(cfg, rs, layer, p):
    t, d, base, rs, L0, maxpos = rope_params(cfg, rs)
    kind = rs.get("logit_scale", "dynamic_log" if t == "eabf" else "llama4" if "llama_4_scaling_beta" in rs else "none")
    exempt = rs.get("exempt_layers", 2 if t == "eabf" else 0)
    if kind == "none" or layer < exempt:
        return np.ones_like(p, dtype=np.float64)
    if kind == "constant":
        return np.full(p.shape, rs["logit_scale_value"], dtype=np.float64)
    if kind == "llama4":  # Ministral-3: 1 + beta ln(1 + floor((p + offset) / F))
        F = rs.get("llama_4_floor_scale", L0)
        return 1 + rs["llama_4_scaling_beta"] * np.log(1 + np.floor((p + rs.get("llama_4_position_offset", 0)) / F))
    c = rs.get("logit_scale_base", L0)
    v = np.log(p + 1.0) / math.log(c)
    if kind == "qwen_logn":  # log_c(p+1) beyond c, else 1 (inference)
        return np.where(p + 1 > c, v, 1.0)
    return np.maximum(1.0, v) if rs.get("logit_scale_floor", True) else v


def rms(x, w, eps):
    return w * (x / np.sqrt((x * x).mean(-1, keepdims=True) + eps))


def forward(cfg, W, ids, rs, entropy=None):
    """Logits (T, vocab); appends each layer's attention entropy (H, T) to `entropy` when given."""
    H, Hkv = cfg["num_attention_heads"], cfg.get("num_key_value_heads", cfg["num_attention_heads"])
    C = cfg["hidden_size"]
    d = cfg.get("head_dim") or C // H
    eps = cfg.get("rms_norm_eps", 1e-5)
    T = len(ids)
    pos = np.arange(T, dtype=np.float64)
    inv, af = inv_freq(cfg, rs, T)
    ang = np.outer(pos, inv)
    cos = np.concatenate([np.cos(ang)] * 2, -1) * af
    sin = np.concatenate([np.sin(ang)] * 2, -1) * af

    def rot(x):  # (h, T, d)
        x1, x2 = x[..., : d // 2], x[..., d // 2 :]
        return x * cos + np.concatenate([-x2, x1], -1) * sin

    x = W["model.embed_tokens.weight"][ids]
    mask = np.triu(np.ones((T, T), dtype=bool), 1)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms(x, W[p + "input_layernorm.weight"], eps)
        q = (h @ W[p + "self_attn.q_proj.weight"].T).reshape(T, H, d).transpose(1, 0, 2)
        k = (h @ W[p + "self_attn.k_proj.weight"].T).reshape(T, Hkv, d).transpose(1, 0, 2)
        v = (h @ W[p + "self_attn.v_proj.weight"].T).reshape(T, Hkv, d).transpose(1, 0, 2)
        q, k = rot(q), rot(k)
        k = np.repeat(k, H // Hkv, 0)
        v = np.repeat(v, H // Hkv, 0)
        s = q @ k.transpose(0, 2, 1) / math.sqrt(d) * logit_scale(cfg, rs, l, pos)[None, :, None]
        s[:, mask] = -np.inf
        s = np.exp(s - s.max(-1, keepdims=True))
        s /= s.sum(-1, keepdims=True)
        if entropy is not None:
            entropy.append(-(s * np.log(np.where(s > 0, s, 1.0))).sum(-1))
        o = (s @ v).transpose(1, 0, 2).reshape(T, H * d)
        x = x + o @ W[p + "self_attn.o_proj.weight"].T
        h = rms(x, W[p + "post_attention_layernorm.weight"], eps)
        g = h @ W[p + "mlp.gate_proj.weight"].T
        u = h @ W[p + "mlp.up_proj.weight"].T
        x = x + ((g / (1 + np.exp(-g))) * u) @ W[p + "mlp.down_proj.weight"].T
    x = rms(x, W["model.norm.weight"], eps)
    head = W.get("lm_head.weight", W["model.embed_tokens.weight"]) if not cfg.get("tie_word_embeddings") else W["model.embed_tokens.weight"]
    return x @ head.T


def load(model_dir, tokens_file, rope_json):
    cfg = json.load(open(f"{model_dir}/config.json"))
    rs = json.loads(rope_json) if rope_json != "null" else cfg.get("rope_scaling")
    W = load_safetensors(f"{model_dir}/model.safetensors")
    ids = np.array([int(t) for t in open(tokens_file).read().split()])
    return cfg, rs, W, ids


def main():
    if sys.argv[1] == "--entropy":
        model_dir, tokens_file, rope_json, out_txt = sys.argv[2:6]
        cfg, rs, W, ids = load(model_dir, tokens_file, rope_json)
        ent = []
        forward(cfg, W, ids, rs, ent)
        np.savetxt(out_txt, np.stack(ent).reshape(-1), fmt="%.17g")
        return
    if sys.argv[1] == "--logprob":
        model_dir, tokens_file, n_prompt, rope_json = sys.argv[2:6]
        n_prompt = int(n_prompt)
        cfg, rs, W, ids = load(model_dir, tokens_file, rope_json)
        z = forward(cfg, W, ids, rs)[n_prompt - 1 : -1]  # (m, vocab): row i predicts ids[n_prompt + i]
        m = z.max(-1, keepdims=True)
        logp = z - m - np.log(np.exp(z - m).sum(-1, keepdims=True))
        tgt = ids[n_prompt:]
        print(f"{logp[np.arange(len(tgt)), tgt].sum():.17g} {len(tgt)}")
        return
    model_dir, tokens_file, out_h5, rope_json, tol = sys.argv[1:6]
    tol = float(tol)
    cfg, rs, W, ids = load(model_dir, tokens_file, rope_json)
    ref = forward(cfg, W, ids, rs)
    with h5py.File(out_h5, "r") as f:
        got = f["logits"][()]
        inv_got = f["inv_freq"][()]
    inv_ref, _ = inv_freq(cfg, rs, len(ids))
    diff = float(np.abs(got - ref).max())
    inv_diff = float(np.abs(inv_got - inv_ref).max() / inv_ref.max())
    print(f"max |logits - reference| = {diff:.3e}; inv_freq rel diff = {inv_diff:.3e}")
    sys.exit(0 if diff <= tol and inv_diff <= 1e-12 else 1)


if __name__ == "__main__":
    main()
