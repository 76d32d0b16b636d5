#!/usr/bin/python3
"""Long held-out documents for the miniature study's perplexity and entropy at 8c (run_mini.sh).

Each output line is {"text": D_i + "\\n" + ... + D_{i+per-1}}, the `--per` consecutive documents of
IN starting at document i, for i = 0, step, 2*step, ... while a full window fits. IN is a .jsonl of
{"text": ...} (blank lines skipped), e.g. the evaluation split of `ropelab data split`. The output is
written atomically and never replaced without --overwrite.

usage: long_documents.py IN OUT --per 40 --step 4 [--overwrite]
"""
import argparse
import json
import os
import sys


def fail(message):
    """Bad input: one line naming the file or option, exit code 2 (the toolkit's convention)."""
    print(f"long_documents: {message}", file=sys.stderr)
    sys.exit(2)


def read_texts(path):
    texts = []
    try:
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                if not line.strip():
                    continue
                try:
                    text = json.loads(line)["text"]
                except (ValueError, TypeError, KeyError):
                    fail(f"{path}:{n}: not a JSON object with a \"text\" string")
                if not isinstance(text, str):
                    fail(f"{path}:{n}: \"text\" is not a string")
                texts.append(text)
    except OSError as e:
        fail(f"{path}: cannot read ({e.strerror})")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8")
    return texts


def windows(texts, per, step):
    """The joined texts of every full window of `per` documents starting every `step`th."""
    return ["\n".join(texts[i:i + per]) for i in range(0, len(texts) - per + 1, step)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--per", type=int, required=True, help="documents joined into one long document")
    ap.add_argument("--step", type=int, required=True, help="first documents of consecutive windows differ by this")
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args()
    if a.per < 1:
        fail(f"--per ({a.per}) must be >= 1")
    if a.step < 1:
        fail(f"--step ({a.step}) must be >= 1")
    if os.path.exists(a.output) and not a.overwrite:
        fail(f"{a.output}: exists; pass --overwrite to replace it")
    texts = read_texts(a.input)
    long_docs = windows(texts, a.per, a.step)
    if not long_docs:
        fail(f"{a.input}: {len(texts)} documents, fewer than one window of --per {a.per}")
    tmp = a.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for text in long_docs:
            f.write(json.dumps({"text": text}) + "\n")
    os.replace(tmp, a.output)
    print(f"{a.output}: {len(long_docs)} documents of {a.per} from {len(texts)} in {a.input}", file=sys.stderr)


if __name__ == "__main__":
    main()
