#!/usr/bin/python3
"""Long held-out documents for the miniature study's perplexity and entropy at 8c (run_mini.sh).

Two ways, one per corpus kind:
  --chunk-words N  a corpus of long documents (the Debian corpus): each document is cut, at line
                   ends, into consecutive pieces of at least N words (a shorter tail is dropped),
                   so many held-out windows of coherent text come from a few long documents;
  --per/--step     a corpus of short documents (fortunes): each output line is {"text": D_i + "\\n" + ... + D_{i+per-1}}, the `--per` consecutive documents of
IN starting at document i, for i = 0, step, 2*step, ... while a full window fits. IN is a .jsonl of
{"text": ...} (blank lines skipped), e.g. the evaluation split of `ropelab data split`. The output is
written atomically and never replaced without --overwrite.

usage: long_documents.py IN OUT (--chunk-words 1600 | --per 40 --step 4) [--overwrite]
"""
import argparse
import json
import os
import sys

from jsonl_texts import read_texts


def fail(message):
    """Bad input: one line naming the file or option, exit code 2 (the toolkit's convention)."""
    print(f"long_documents: {message}", file=sys.stderr)
    sys.exit(2)


def windows(texts, per, step):
    """The joined texts of every full window of `per` documents starting every `step`th."""
    return ["\n".join(texts[i:i + per]) for i in range(0, len(texts) - per + 1, step)]


def chunks(texts, words):
    """Each text cut at line ends into consecutive pieces of >= `words` words; short tails dropped."""
    out = []
    for text in texts:
        lines, n = [], 0
        for line in text.split("\n"):
            lines.append(line)
            n += len(line.split())
            if n >= words:
                out.append("\n".join(lines).strip("\n"))
                lines, n = [], 0
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--chunk-words", type=int, help="cut long documents into pieces of at least this many words")
    ap.add_argument("--per", type=int, help="documents joined into one long document")
    ap.add_argument("--step", type=int, help="first documents of consecutive windows differ by this")
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args()
    if a.chunk_words is not None:
        if a.per is not None or a.step is not None:
            fail("--chunk-words excludes --per and --step")
        if a.chunk_words < 1:
            fail(f"--chunk-words ({a.chunk_words}) must be >= 1")
    elif a.per is None or a.step is None:
        fail("give --chunk-words N, or --per N and --step N")
    elif a.per < 1:
        fail(f"--per ({a.per}) must be >= 1")
    if a.chunk_words is None and a.step < 1:
        fail(f"--step ({a.step}) must be >= 1")
    if os.path.exists(a.output) and not a.overwrite:
        fail(f"{a.output}: exists; pass --overwrite to replace it")
    texts = read_texts(a.input, fail)
    if a.chunk_words is not None:
        long_docs = chunks(texts, a.chunk_words)
        if not long_docs:
            fail(f"{a.input}: no document has --chunk-words {a.chunk_words} words")
        what = f"pieces of >= {a.chunk_words} words"
    else:
        long_docs = windows(texts, a.per, a.step)
        if not long_docs:
            fail(f"{a.input}: {len(texts)} documents, fewer than one window of --per {a.per}")
        what = f"documents of {a.per}"
    tmp = a.output + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        for text in long_docs:
            f.write(json.dumps({"text": text}) + "\n")
    os.replace(tmp, a.output)
    print(f"{a.output}: {len(long_docs)} {what} from {len(texts)} in {a.input}", file=sys.stderr)


if __name__ == "__main__":
    main()
