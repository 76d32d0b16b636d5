#!/usr/bin/env python3
"""Writes the seed corpora fuzz/corpus/NAME/seed-* from the repository's fixtures and small
hand-made valid inputs (stdlib only). The first byte of a seed picks the target's sub-format
(fuzz_target.h: choose()); multi-file inputs separate their files with a line "@@".

  python3 fuzz/seeds.py [--bin build/ropelab]   (--bin: also a trained tokenizer.model seed)
"""
import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEP = b"\n@@\n"


def put(target, name, data):
    d = os.path.join(ROOT, "fuzz", "corpus", target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "seed-" + name), "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())


def sel(i, payload):
    return bytes([i]) + (payload if isinstance(payload, bytes) else payload.encode())


def safetensors(tensors, metadata=None):
    header, blob = {}, b""
    for name, (dtype, shape, raw) in tensors.items():
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(blob), len(blob) + len(raw)]}
        blob += raw
    if metadata is not None:
        header["__metadata__"] = metadata
    h = json.dumps(header).encode()
    h += b" " * (-len(h) % 8)
    return struct.pack("<Q", len(h)) + h + blob


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", help="ropelab binary: also train a tokenizer.model seed")
    a = ap.parse_args()

    # weights: 0 safetensors, 1 index, 2 pytorch_model.bin
    put("weights", "f32", sel(0, safetensors({"w": ("F32", [2], struct.pack("<2f", 1, 2))}, {"format": "pt"})))
    put("weights", "bf16-2d", sel(0, safetensors({"a": ("BF16", [2, 2], b"\x80\x3f" * 4),
                                                   "b": ("I64", [1], struct.pack("<q", 7))})))
    put("weights", "scalar", sel(0, safetensors({"s": ("F64", [], struct.pack("<d", 3.5))})))
    put("weights", "index", sel(1, json.dumps({"metadata": {"total_size": 8},
                                               "weight_map": {"w": "model-00001-of-00001.safetensors"}})))
    for f in sorted(os.listdir(os.path.join(ROOT, "data", "pytorch_bin"))):
        with open(os.path.join(ROOT, "data", "pytorch_bin", f), "rb") as fh:
            put("weights", "bin-" + f, sel(2, fh.read()))

    # model_config: 0 config.json, 1 --rope-json
    base = {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
            "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 256,
            "max_position_embeddings": 256, "rope_theta": 10000.0, "rms_norm_eps": 1e-5,
            "torch_dtype": "float32", "tie_word_embeddings": False}
    put("model_config", "llama", sel(0, json.dumps(base)))
    for name, rs in [("yarn", {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 256}),
                     ("linear", {"type": "linear", "factor": 2}),
                     ("dynamic", {"rope_type": "dynamic", "factor": 8}),
                     ("llama3", {"rope_type": "llama3", "factor": 8, "low_freq_factor": 1, "high_freq_factor": 4,
                                 "original_max_position_embeddings": 64}),
                     ("longrope", {"rope_type": "longrope", "short_factor": [1.0] * 8, "long_factor": [2.0] * 8,
                                   "original_max_position_embeddings": 64}),
                     ("eabf", {"type": "eabf", "factor": 4})]:
        put("model_config", "cfg-" + name, sel(0, json.dumps(dict(base, rope_scaling=rs))))
        put("model_config", "json-" + name, sel(1, json.dumps(rs)))
    put("model_config", "rope-parameters", sel(0, json.dumps(
        dict({k: v for k, v in base.items() if k != "rope_theta"},
             rope_parameters={"rope_type": "yarn", "rope_theta": 10000.0, "factor": 2.0,
                              "original_max_position_embeddings": 128}))))
    put("model_config", "mistral", sel(0, json.dumps(dict(base, model_type="mistral", sliding_window=None,
                                                          head_dim=16, dtype="bfloat16"))))

    # cli_inputs: 0 INI, 1 --tokens-file, 2 int list, 3 double list, 4 byte size
    cfgdir = os.path.join(ROOT, "experiments", "configs")
    for sub in sorted(os.listdir(cfgdir)):
        p = os.path.join(cfgdir, sub)
        for f in sorted(os.listdir(p)) if os.path.isdir(p) else []:
            if f.startswith(("finetune", "pretrain")) and f.endswith(".ini"):
                with open(os.path.join(p, f), "rb") as fh:
                    put("cli_inputs", "ini-%s-%s" % (sub, f), sel(0, fh.read()))
    put("cli_inputs", "ini-small", sel(0, "epochs = 2\nglobal-batch = 4\nlr = 1e-3\nrope = yarn\nrope-factor = 4\n"))
    put("cli_inputs", "tokens", sel(1, "1 15043 3186 29871\n13\n"))
    put("cli_inputs", "lengths", sel(2, "128, 256,512,1024"))
    put("cli_inputs", "depths", sel(3, "0,0.25,0.5,1.0"))
    put("cli_inputs", "size", sel(4, "2.5GB"))

    # text_data: 0 documents, 1 ShareGPT, 2 JSON array/JSONL, 3 JSONL
    put("text_data", "docs-plain", sel(0, "First document.\nStill first.\n\nSecond document.\n"))
    put("text_data", "docs-jsonl", sel(0, '{"text": "one"}\n{"text": "two \\u00fc"}\n'))
    conv = [{"id": "a", "conversations": [{"from": "system", "value": "be brief"}, {"from": "human", "value": "hi"},
                                          {"from": "gpt", "value": "hello"}]},
            {"id": "b", "conversations": [{"from": "gpt", "value": "greeting"}, {"from": "human", "value": "q"},
                                          {"from": "gpt", "value": "a"}, {"from": "human", "value": "left"}]}]
    put("text_data", "sharegpt-array", sel(1, json.dumps(conv)))
    put("text_data", "sharegpt-jsonl", sel(1, "\n".join(json.dumps(c) for c in conv) + "\n"))
    put("text_data", "records", sel(2, '[{"a": 1}, {"b": [1, 2, {"c": null}]}]'))
    put("text_data", "jsonl", sel(3, '{"a": 1}\n\n  \n{"b": "\\ud83d\\ude00"}\n'))

    # eval_files: 0 samples, 1 predictions (next byte: task), 2 prompt config, 3 RULER manifest,
    # 4 RULER predictions (next byte: task), 5 RULER checkout, 6 summary CSV, 7 result.json
    lb = os.path.join(ROOT, "tests", "fixtures", "longbench", "longlora-preds")
    tasks = sorted(f[:-6] for f in os.listdir(lb) if f.endswith(".jsonl"))
    sample = {"input": "Who?", "context": "Alice met Bob.", "answers": ["Alice"], "length": 3,
              "dataset": "hotpotqa", "language": "en", "all_classes": None, "_id": "x"}
    put("eval_files", "samples", sel(0, json.dumps(sample) + "\n"))
    # The task byte indexes all_task_names() (core/eval/longbench/tasks.cpp) modulo its length.
    all_tasks = ["narrativeqa", "qasper", "multifieldqa_en", "multifieldqa_zh", "hotpotqa", "2wikimqa",
                 "musique", "dureader", "gov_report", "qmsum", "multi_news", "vcsum", "trec", "triviaqa",
                 "samsum", "lsht", "passage_count", "passage_retrieval_en", "passage_retrieval_zh", "lcc",
                 "repobench-p"]
    for t in tasks:
        with open(os.path.join(lb, t + ".jsonl"), "rb") as fh:
            lines = fh.read().split(b"\n")[:6]
        idx = all_tasks.index(t) if t in all_tasks else 0
        put("eval_files", "pred-" + t, bytes([1, idx]) + b"\n".join(lines) + b"\n")
    put("eval_files", "prompt-config", sel(2, json.dumps({"hotpotqa": "Answer: {context} Q: {input} {{x}}"}).encode()
                                            + SEP + json.dumps({"hotpotqa": 32}).encode()))
    man = {"index": 0, "input": "The key is 42. What is the key?", "outputs": ["42"], "length": 12,
           "answer_prefix": " Answer:", "others": {}, "truncation": -1}
    put("eval_files", "ruler-manifest", sel(3, json.dumps(man) + "\n"))
    pred = {"index": 0, "pred": "The key is 42.", "input": "x", "outputs": ["42"], "others": {"id": 0},
            "truncation": -1, "length": 12}
    put("eval_files", "ruler-preds", bytes([4, 0]) + (json.dumps(pred) + "\n").encode())
    put("eval_files", "ruler-checkout", sel(5, b"niah_single_1:\n  task: niah\n  args:\n    type_haystack: noise\n"
                                             + SEP + b"TASKS = {\n    'niah': {'tokens_to_generate': 128},\n}\n"))
    put("eval_files", "ruler-summary", sel(6, "0,1,2\nTasks,niah_single_1,vt\nScore,100.0,95.5\nNulls,0/10,1/10\n"))
    put("eval_files", "result", sel(7, json.dumps({"hotpotqa": 12.5, "trec": 60.0})))

    # h5_readers: a byte program (targets/h5_readers.cpp); a few hand-made ones
    put("h5_readers", "entropy-like", bytes([0, 0, 0, 1, 1, 0, 0, 3, 0, 3, 1, 0, 0, 7, 3, 0, 1, 1, 8, 3, 4,
                                             2, 0, 0, 1, 4, 3, 2, 0, 3, 1, 1, 2, 4, 2, 0, 3, 1, 2]))
    put("h5_readers", "eval-like", bytes([1, 2, 1, 3, 0, 1, 3, 2, 3, 0, 2, 2, 3, 1, 4, 3]))

    # tokenizer_model: a model trained by the toolkit itself
    if a.bin:
        with tempfile.TemporaryDirectory() as tmp:
            txt = os.path.join(tmp, "t.txt")
            with open(txt, "w") as f:
                for i in range(300):
                    f.write("line %d of the seed text, with words and numbers %d.\n" % (i, i * 7))
            model = os.path.join(tmp, "tokenizer.model")
            subprocess.run([a.bin, "tokenizer", "train", "--input", txt, "--vocab-size", "300", "--out", model],
                           check=True, stdout=subprocess.DEVNULL)
            with open(model, "rb") as f:
                put("tokenizer_model", "bpe-300", f.read())
    return 0


if __name__ == "__main__":
    sys.exit(main())
