#!/usr/bin/python3
"""The miniature's pre-training corpus: long English documents from Debian packages, as JSON Lines.

Reads what `make setup` installs and writes {"text": ..., "source": ...} per line, one document per
book, chapter or manual, in this order:
  bible-kjv-text       the King James Bible, one document per book ("bible-kjv-text:Genesis"), read
                       with the `bible` program of bible-kjv; chapter headings kept, verse numbers not
  debian-reference-en  the Debian Reference's plain-text edition, one document per chapter
                       ("debian-reference-en:Chapter 1. GNU/Linux tutorials"), table of contents left out
  gnu-standards        the GNU Coding Standards and Information for GNU Maintainers (the packaged
                       .text.gz files), one document per manual ("gnu-standards:standards")

Plain text, deterministically (Python's standard library only): tabs and no-break spaces become
spaces and trailing blanks go; lines drawn only with punctuation (rules, underlines, table borders)
go; runs of blank lines become one. A document whose text repeats an earlier one is dropped, and so
is every document under MIN_BYTES bytes of UTF-8 — the corpus is for windows up to 8c = 2,048
tokens, which documents must fill on their own (data/README.md has the token counts this gives).

Pinned in data/README.md: a line "pin: PACKAGE VERSION" per package (the installed version must
equal it; checked before reading) and a line "pin: sha256 HEX" (the sha256 of the JSON Lines file
written, as `sha256sum` prints it; checked before the file is moved into place). A mismatch is
exit 2 naming both values and the pin file. The output is written atomically and never replaced
without --overwrite.

usage: extract_debian_corpus.py OUT.jsonl [--pins data/README.md] [--overwrite]
"""
import argparse
import gzip
import hashlib
import json
import os
import re
import subprocess
import sys

PACKAGES = ["bible-kjv", "bible-kjv-text", "debian-reference-en", "gnu-standards"]
DEBIAN_REFERENCE = "/usr/share/debian-reference/debian-reference.en.txt.gz"
GNU_STANDARDS = ["/usr/share/doc/gnu-standards/standards.text.gz", "/usr/share/doc/gnu-standards/maintain.text.gz"]
MIN_BYTES = 8000  # every kept document is > 2,048 tokens of a 1,024- or 2,048-piece BPE (data/README.md)
ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))

DRAWN = re.compile(r"^\s*(?:[-=~^\"'`#*+_:.<>|]\s*){3,}$")  # ===== / ----- / +----+----+
CHAPTER = re.compile(r"^(Preface|Chapter \d+\. .*|Appendix [A-Z]\. .*)$")  # after no-break spaces are spaces
BOOK_CHAPTER = re.compile(r"^(\S.*) \d+$")  # "Song of Solomon 3"; verses are indented
VERSE = re.compile(r"^ +\d+ ")
PIN = re.compile(r"^pin: (\S+) (\S+)$")


def fail(message):
    """Bad input: one line naming the file or option, exit code 2 (the toolkit's convention)."""
    print(f"extract_debian_corpus: {message}", file=sys.stderr)
    sys.exit(2)


def read_pins(path):
    """{package or "sha256": pinned value} from the "pin: KEY VALUE" lines of `path`."""
    pins = {}
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                m = PIN.match(line.rstrip("\n"))
                if m:
                    if m.group(1) in pins:
                        fail(f"{path}: two lines \"pin: {m.group(1)} ...\"")
                    pins[m.group(1)] = m.group(2)
    except OSError as e:
        fail(f"{path}: cannot read ({e.strerror})")
    except UnicodeDecodeError:
        fail(f"{path}: not UTF-8")
    for key in PACKAGES + ["sha256"]:
        if key not in pins:
            fail(f"{path}: no line \"pin: {key} {'HEX' if key == 'sha256' else 'VERSION'}\"")
    if not re.fullmatch(r"[0-9a-f]{64}", pins["sha256"]):
        fail(f"{path}: \"pin: sha256 {pins['sha256']}\": not 64 lowercase hex digits")
    return pins


def installed_version(package):
    p = subprocess.run(["dpkg-query", "-W", "-f=${db:Status-Status} ${Version}", package],
                       capture_output=True, text=True)
    status, _, version = p.stdout.partition(" ")
    if p.returncode != 0 or status != "installed":
        fail(f"{package} is not installed (run `make setup`)")
    return version


def plain_text(lines):
    """Lines -> one plain text by the line rules of the module docstring."""
    out = []
    for line in lines:
        line = line.replace("\t", " ").replace("\u00a0", " ").rstrip()
        if DRAWN.match(line) or (not line and (not out or not out[-1])):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def read_gzip_lines(path):
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            return f.read().split("\n")
    except (OSError, EOFError, UnicodeDecodeError) as e:
        fail(f"{path}: cannot read as gzip-compressed UTF-8 ({e})")


def bible_books():
    """[(source, text)] per book of the King James Bible, as `bible` prints it on one line a verse."""
    try:
        p = subprocess.run(["bible", "-l100000", "gen1:1-rev22:21"], capture_output=True, text=True)
    except OSError as e:
        fail(f"bible (package bible-kjv): cannot run ({e.strerror})")
    if p.returncode != 0 or p.stderr:
        fail(f"bible (package bible-kjv): exit {p.returncode}: {p.stderr.strip()}")
    books, lines = [], []  # books: [(name, lines)]
    for line in p.stdout.split("\n"):
        m = BOOK_CHAPTER.match(line)
        if m and (not books or books[-1][0] != m.group(1)):
            books.append((m.group(1), []))
        if m:
            books[-1][1].extend(["", line, ""])
        elif VERSE.match(line):
            books[-1][1].append(VERSE.sub("", line))
    return [(f"bible-kjv-text:{name}", plain_text(lines)) for name, lines in books]


def debian_reference_chapters():
    lines = [line.replace("\u00a0", " ") for line in read_gzip_lines(DEBIAN_REFERENCE)]
    heads = [i for i, line in enumerate(lines) if CHAPTER.match(line)]
    # The table of contents names the chapters too, as "1. GNU/Linux tutorials" after its
    # "Preface": the body starts at the second "Preface".
    prefaces = [i for i in heads if lines[i] == "Preface"]
    if len(prefaces) != 2:
        fail(f"{DEBIAN_REFERENCE}: {len(prefaces)} lines \"Preface\", expected 2 (contents, body)")
    heads = [i for i in heads if i >= prefaces[1]]
    return [(f"debian-reference-en:{lines[a]}", plain_text(lines[a:b])) for a, b in zip(heads, heads[1:] + [len(lines)])]


def gnu_manuals():
    return [(f"gnu-standards:{os.path.basename(p).split('.')[0]}", plain_text(read_gzip_lines(p))) for p in GNU_STANDARDS]


def documents():
    """[(source, text)] of every kept document, in the order of the module docstring."""
    docs, seen = [], set()
    for source, text in bible_books() + debian_reference_chapters() + gnu_manuals():
        data = text.encode("utf-8")
        digest = hashlib.sha256(data).digest()
        if len(data) >= MIN_BYTES and digest not in seen:
            seen.add(digest)
            docs.append((source, text))
    return docs


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("output")
    ap.add_argument("--pins", default=os.path.join(ROOT, "data", "README.md"),
                    help="file with the lines \"pin: PACKAGE VERSION\" and \"pin: sha256 HEX\"")
    ap.add_argument("--overwrite", action="store_true")
    a = ap.parse_args()
    if os.path.exists(a.output) and not a.overwrite:
        fail(f"{a.output}: exists; pass --overwrite to replace it")
    pins = read_pins(a.pins)
    for package in PACKAGES:
        have = installed_version(package)
        if have != pins[package]:
            fail(f"{package}: installed version {have} differs from the version {pins[package]} pinned in {a.pins}")
    docs = documents()
    body = "".join(json.dumps({"text": t, "source": s}, ensure_ascii=False) + "\n" for s, t in docs).encode("utf-8")
    got = hashlib.sha256(body).hexdigest()
    if got != pins["sha256"]:
        fail(f"{a.output}: sha256 of the extracted text {got} differs from the sha256 {pins['sha256']} "
             f"pinned in {a.pins}")
    # A fresh output directory (run_mini.sh's <out>/data) is created here, as the C++ writers do.
    os.makedirs(os.path.dirname(os.path.abspath(a.output)), exist_ok=True)
    tmp = a.output + ".tmp"
    with open(tmp, "wb") as f:
        f.write(body)
    os.replace(tmp, a.output)
    print(f"{a.output}: {len(docs)} documents, {len(body)} bytes, sha256 {got}", file=sys.stderr)


if __name__ == "__main__":
    main()
