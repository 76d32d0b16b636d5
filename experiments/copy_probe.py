#!/usr/bin/python3
"""The in-context copy probe: does a base model copy text it has seen earlier in its window?

A model that has formed induction heads predicts the second and later occurrences of a sequence far
better than the first. The probe uses sequences of random words (drawn from a corpus's vocabulary,
so no model can have memorised them): a corpus run repeated instead would be predicted from
memory of the corpus, not by copying (docs/measurements.md, seventh session). Two steps:

  docs   IN OUT  writes --count documents, each --words random words (lowercase, 3-8 letters, from
                 the words of IN, a .jsonl of {"text": ...}) repeated --repeats times, one per line;
  score  FILE.h5 RUN --window C  reads `ropelab ppl`'s /eval/RUN/ppl/nll_by_position/C of those
                 documents ([C - 1], index = query position p, the NLL of token p + 1) and prints
                 {"first": mean over p in [4, --first-end), "repeats": mean over [C/2, C - 1),
                 "drop": first - repeats} as JSON (nats per token).

`ropelab ppl` concatenates the documents into one stream and cuts windows of C from it, so a
window starts anywhere in a document and sees nothing before it. Each document is therefore many
windows long (20 words, ~60-75 tokens of the miniature's 1,024-piece tokenizer, written 40 times:
~2,600 tokens, ~10 windows at c = 256): in every window positions [4, 32) are the first sight of
that stretch of the sequence, and positions from C/2 on repeat what the window has already shown
(except after the one document boundary in about every tenth window).

usage: copy_probe.py docs IN OUT [--count 16] [--words 20] [--repeats 40] [--seed 0] [--overwrite]
       copy_probe.py score FILE.h5 RUN --window 256 [--first-end 32]
"""
import argparse
import json
import os
import random
import re
import sys

from jsonl_texts import read_texts


def fail(message):
    """Bad input: one line naming the file or option, exit code 2 (the toolkit's convention)."""
    print(f"copy_probe: {message}", file=sys.stderr)
    sys.exit(2)


def vocabulary(path):
    words = set()
    for text in read_texts(path, fail):
        words.update(w.lower() for w in re.findall(r"\b[A-Za-z]{3,8}\b", text))
    return sorted(words)  # sorted: the draw depends on the seed only, not on set order


def make_docs(vocab, count, words, repeats, seed):
    rng = random.Random(seed)
    docs = []
    for _ in range(count):
        seq = " ".join(rng.choice(vocab) for _ in range(words))
        docs.append("\n".join([seq] * repeats))
    return docs


def cmd_docs(a):
    for name, value, low in (("--count", a.count, 1), ("--words", a.words, 4), ("--repeats", a.repeats, 2)):
        if value < low:
            fail(f"{name} ({value}) must be >= {low}")
    if os.path.exists(a.out) and not a.overwrite:
        fail(f"{a.out}: exists; pass --overwrite to replace it")
    vocab = vocabulary(a.input)
    if len(vocab) < 100:
        fail(f"{a.input}: {len(vocab)} distinct words of 3-8 letters; the probe needs >= 100")
    tmp = a.out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for d in make_docs(vocab, a.count, a.words, a.repeats, a.seed):
            f.write(json.dumps({"text": d}) + "\n")
    os.replace(tmp, a.out)
    print(f"wrote {a.out}: {a.count} documents of {a.words} random words x {a.repeats} "
          f"({len(vocab)}-word vocabulary of {a.input}, seed {a.seed})")


def cmd_score(a):
    try:
        import h5py  # Debian's python3-h5py (make setup installs it)
    except ImportError:
        fail("needs h5py: run with /usr/bin/python3 (Debian's python3-h5py)")
    if a.window < 16:
        fail(f"--window ({a.window}) must be >= 16")
    if not 4 < a.first_end <= a.window // 2:
        fail(f"--first-end ({a.first_end}) must be in (4, window/2]")
    key = f"eval/{a.run}/ppl/nll_by_position/{a.window}"
    try:
        with h5py.File(a.file, "r") as f:
            if key not in f:
                fail(f"{a.file}: no dataset /{key} (was `ropelab ppl --lengths {a.window} --run {a.run}` run?)")
            nll = [float(x) for x in f[key][()]]
    except OSError as e:
        fail(f"{a.file}: not a readable HDF5 file ({e})")
    if len(nll) != a.window - 1:
        fail(f"{a.file}: /{key} has {len(nll)} positions, expected {a.window - 1}")
    first = nll[4:a.first_end]
    repeats = nll[a.window // 2:]
    out = {"first": sum(first) / len(first), "repeats": sum(repeats) / len(repeats)}
    out["drop"] = out["first"] - out["repeats"]
    print(json.dumps({k: round(v, 4) for k, v in out.items()}))


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = p.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("docs")
    d.add_argument("input")
    d.add_argument("out")
    d.add_argument("--count", type=int, default=16)
    d.add_argument("--words", type=int, default=20)
    d.add_argument("--repeats", type=int, default=40)
    d.add_argument("--seed", type=int, default=0)
    d.add_argument("--overwrite", action="store_true")
    s = sub.add_parser("score")
    s.add_argument("file")
    s.add_argument("run")
    s.add_argument("--window", type=int, required=True)
    s.add_argument("--first-end", type=int, default=32)
    a = p.parse_args()
    cmd_docs(a) if a.cmd == "docs" else cmd_score(a)


if __name__ == "__main__":
    main()
