#!/usr/bin/env python3
"""The own-format recall probe (a diagnostic beside the kv gate): one lookup per `ropelab data pretrain`
document of kind kv or randfacts, asked in the format the base model was trained on, answered greedily.

  recall_probe.py items kv|randfacts DOCS.jsonl ITEMS.jsonl     one item per document
  recall_probe.py run ITEMS.jsonl --model DIR --out PRED.jsonl [--bin build/ropelab]
  recall_probe.py score PRED.jsonl                               {"correct", "items", "by_form"}

kv: the prompt is the document up to its last "… is " (the question's echo), the answer the 7 digits
after it. randfacts: the prompt runs to the value of the document's last mention of a stated key
("The code for amber river is" or "What is the code for amber river?"), its form "statement" or
"question". A prediction is correct when its first word (trailing punctuation dropped) is the answer.
Where RULER's niah_multikey_1 gate asks in another template, this asks in the training format, so it
separates "no lookup circuit" from "a circuit that does not transfer to the question".
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile


def fail(msg):
    print(f"recall_probe: {msg}", file=sys.stderr)
    sys.exit(2)


def read_jsonl(path, keys):
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        fail(f"{path}: {e.strerror}")
    out = []
    for i, line in enumerate(lines, 1):
        try:
            d = json.loads(line)
        except json.JSONDecodeError:
            d = None
        if not isinstance(d, dict) or any(not isinstance(d.get(k), str) for k in keys):
            fail(f"{path}:{i}: not a JSON object with string fields {', '.join(keys)}")
        out.append(d)
    return out


def kv_item(text):
    cut = text.rfind(" is ")
    words = text[cut + 4:].split()
    if cut < 0 or not words:
        return None
    return {"prompt": text[:cut + 3], "answer": words[0].rstrip("."), "form": "kv"}


def randfacts_item(text):
    """Walk the sentences, remembering stated keys (a key is the two words before the value)."""
    stated, pos, last = set(), 0, None
    for sentence in text.split(". "):
        s = sentence.rstrip(".")
        question = s.startswith("What is ")
        sep = "? " if question else " is "
        if sep not in s:
            return None
        left, value = s.rsplit(sep, 1)
        key = " ".join(left.split()[-2:])
        if key in stated:
            last = {"prompt": text[:pos + len(left) + len(sep.rstrip())], "answer": value,
                    "form": "question" if question else "statement"}
        elif not question:
            stated.add(key)
        pos += len(sentence) + 2
    return last


def write_atomic(path, rows):
    d = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(dir=d, prefix=".recall_probe.")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r) + "\n")
    os.replace(tmp, path)


def correct(answer, prediction):
    words = prediction.split()
    return bool(words) and words[0].rstrip(".,;:?!") == answer


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    a = sub.add_parser("items")
    a.add_argument("kind", choices=["kv", "randfacts"])
    a.add_argument("docs")
    a.add_argument("out")
    r = sub.add_parser("run")
    r.add_argument("items")
    r.add_argument("--model", required=True)
    r.add_argument("--out", required=True)
    r.add_argument("--bin", default="build/ropelab")
    r.add_argument("--max-new-tokens", type=int, default=10)
    s = sub.add_parser("score")
    s.add_argument("pred")
    args = ap.parse_args()

    if args.cmd == "items":
        make = kv_item if args.kind == "kv" else randfacts_item
        items = []
        for i, d in enumerate(read_jsonl(args.docs, ["text"]), 1):
            it = make(d["text"])
            if it is None:
                fail(f"{args.docs}:{i}: no {args.kind} lookup in the document (is it a `--mix {args.kind}=1` document?)")
            items.append(it)
        write_atomic(args.out, items)
        print(f"wrote {args.out}: {len(items)} items")
    elif args.cmd == "run":
        items = read_jsonl(args.items, ["prompt", "answer", "form"])
        rows = []
        for n, it in enumerate(items, 1):
            p = subprocess.run([args.bin, "generate", "--model", args.model, "--prompt", it["prompt"],
                                "--max-new-tokens", str(args.max_new_tokens)], capture_output=True, text=True)
            if p.returncode != 0:
                why = (p.stderr.strip().splitlines() or [f"exit {p.returncode}"])[-1]
                fail(f"{args.bin} generate failed on item {n}: {why}")
            rows.append({"answer": it["answer"], "form": it["form"], "prediction": p.stdout.strip()})
            print(f"\r{n}/{len(items)} items", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
        write_atomic(args.out, rows)
    else:
        rows = read_jsonl(args.pred, ["answer", "form", "prediction"])
        by = {}
        for r in rows:
            c, n = by.get(r["form"], (0, 0))
            by[r["form"]] = (c + correct(r["answer"], r["prediction"]), n + 1)
        print(json.dumps({"correct": sum(c for c, _ in by.values()), "items": len(rows),
                          "by_form": {k: f"{c}/{n}" for k, (c, n) in sorted(by.items())}}))


if __name__ == "__main__":
    main()
