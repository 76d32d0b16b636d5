#!/usr/bin/python3
"""Check a shipped folder against its SHA256SUMS (the `sha256sum` format: "<hex>  <name>" per line).

    experiments/check_sums.py DIR

Exit 0 when every listed file has its pinned sha256; exit 2 with one line naming the file and both
values (or what is malformed) otherwise. run_mini.sh checks data/models/mini-base-s1 with it before
the demo extends that base: a changed or truncated checkpoint must stop the study, not be extended.
Standard library only.
"""
import hashlib
import os
import re
import sys

LINE = re.compile(r"^([0-9a-f]{64}) [ *](\S+)$")


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def check(folder):
    """None when every pin holds, else the one-line reason."""
    sums = os.path.join(folder, "SHA256SUMS")
    try:
        with open(sums, encoding="utf-8") as f:
            lines = [l.rstrip("\n") for l in f if l.strip()]
    except OSError as e:
        return f"{sums}: cannot read the pins ({e.strerror})"
    if not lines:
        return f"{sums}: pins no file"
    for n, line in enumerate(lines, 1):
        m = LINE.match(line)
        if not m:
            return f"{sums}:{n}: not '<sha256>  <file>' ({line[:60]!r})"
        want, name = m.groups()
        path = os.path.join(folder, name)
        if os.sep in name or name in (".", ".."):
            return f"{sums}:{n}: '{name}' is not a file name inside {folder}"
        try:
            got = sha256(path)
        except OSError as e:
            return f"{path}: missing or unreadable ({e.strerror}); {sums} pins sha256 {want}"
        if got != want:
            return f"{path} has sha256 {got}, {sums} pins {want} (restore it with git checkout)"
    return None


def main():
    if len(sys.argv) != 2:
        print("usage: check_sums.py DIR", file=sys.stderr)
        sys.exit(2)
    why = check(sys.argv[1])
    if why:
        print(f"check_sums: {why}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
