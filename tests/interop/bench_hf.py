"""The Hugging Face side of `ropelab bench hf`: one workload on a random LlamaForCausalLM of the
given config, in this fresh process, on CPU in fp32 with the given threads. Prints one JSON line:
{"secs": best seconds, "peak_mib": VmHWM after the case, "base_mib": VmRSS before it}.

  bench_hf.py prefill|train|entropy CONFIG_JSON T REPEATS THREADS
prefill: one sequence, logits of the last position (sdpa attention, transformers' default).
train:   one optimizer step: forward, next-token cross-entropy, backward, torch.optim.AdamW.
entropy: attention entropy of every layer, head and position the only way transformers offers:
         output_attentions=True (eager attention, every T x T probability matrix kept), then
         -sum p ln p over keys."""
import json
import sys
import time

import torch
from transformers import LlamaConfig, LlamaForCausalLM


def status_mib(key):
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def main():
    what, cfg_json, T, repeats, threads = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    c = json.loads(cfg_json)
    attn = "eager" if what == "entropy" else "sdpa"
    cfg = LlamaConfig(**c, attn_implementation=attn)
    model = LlamaForCausalLM(cfg).float()
    ids = torch.randint(0, cfg.vocab_size, (1, T))
    opt = None
    if what == "train":
        model.train()
        opt = torch.optim.AdamW(model.parameters(), lr=1e-5, betas=(0.9, 0.95), weight_decay=0.1)
    else:
        model.eval()
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets VmHWM to the current RSS
    base = status_mib("VmRSS")
    best = float("inf")
    for _ in range(repeats):
        t0 = time.perf_counter()
        if what == "prefill":
            with torch.no_grad():
                h = model.model(ids).last_hidden_state
                model.lm_head(h[:, -1:])
        elif what == "train":
            logits = model(ids).logits
            loss = torch.nn.functional.cross_entropy(logits[0, :-1], ids[0, 1:])
            loss.backward()
            opt.step()
            opt.zero_grad(set_to_none=True)
        else:
            with torch.no_grad():
                out = model.model(ids, output_attentions=True)
                ent = torch.stack([-(p * torch.log(p.clamp_min(1e-30))).sum(-1) for p in out.attentions])  # (L, 1, H, T)
                del out
            assert torch.isfinite(ent).all()
        best = min(best, time.perf_counter() - t0)
    print(json.dumps({"secs": best, "peak_mib": status_mib("VmHWM"), "base_mib": base}))


if __name__ == "__main__":
    main()
