#!/usr/bin/python3
"""Every writer on a file system that fills up mid-write, and on a read-only one.

A small tmpfs is mounted (root only; exit 77 = skipped otherwise). For each writer an earlier
result is written first, the file system is then filled until only a few KiB are left, and the
writer runs again into the same place. It must fail (exit 1: the environment, not the input) with
a last line naming the file and the cause ("No space left on device"), the earlier result must still read back complete, and
nothing it left may read as complete. On a read-only mount every writer must refuse before any
work starts (within a few seconds, naming the output).

  tests/faults/full_disk.py --bin build/ropelab
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from fault_common import report_and_exit

try:
    import h5py
except ImportError:
    print("SKIPPED: /usr/bin/python3 lacks h5py")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(cmd):
    r = subprocess.run(cmd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    return r.returncode, r.stdout


def must(cmd):
    code, out = run(cmd)
    if code != 0:
        raise RuntimeError(f"setup failed ({code}): {cmd}\n{out[-2000:]}")
    return out


def mount_tmpfs(path, size, ro=False):
    os.makedirs(path, exist_ok=True)
    opts = f"size={size}" + (",ro" if ro else "")
    code, out = run(f"mount -t tmpfs -o {opts} tmpfs {path}")
    return code == 0


def fill(path, leave_bytes):
    """Fills the file system holding `path` until about leave_bytes are free."""
    st = os.statvfs(path)
    free = st.f_bavail * st.f_frsize
    with open(os.path.join(path, "ballast"), "wb") as f:
        f.write(b"\0" * max(0, free - leave_bytes))


def h5_complete(path, group):
    try:
        with h5py.File(path, "r") as f:
            return group in f and bool(f[group].attrs.get("complete", False))
    except OSError:
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "ropelab"))
    a = ap.parse_args()
    if os.geteuid() != 0:
        print("SKIPPED: mounting a tmpfs needs root")
        sys.exit(77)
    bin_ = os.path.abspath(a.bin)
    work = tempfile.mkdtemp(prefix="ropelab-disk-")
    small, ro = os.path.join(work, "small"), os.path.join(work, "ro")
    if not mount_tmpfs(small, "64m"):
        print("SKIPPED: cannot mount a tmpfs here")
        sys.exit(77)
    failures, tried = [], 0
    t = "--threads 1"
    try:
        fx = os.path.join(work, "fx")
        os.makedirs(fx)
        must(f"{bin_} data split --corpus {ROOT}/data/corpus/fortunes-min.txt --out {fx}/data --seed 0")
        must(f"{bin_} tokenizer train --input {fx}/data/pretrain.jsonl --vocab-size 512 --out {fx}/tok/tokenizer.model")
        must(f"{bin_} init --config tiny --tokenizer {fx}/tok/tokenizer.model --seed 0 --out {fx}/model {t}")
        docs = [json.loads(l)["text"] for l in open(f"{fx}/data/eval.jsonl") if l.strip()]
        with open(f"{fx}/long.jsonl", "w") as f:
            for i in range(0, max(1, len(docs) - 20), 10):
                f.write(json.dumps({"text": "\n".join(docs[i:i + 20])}) + "\n")
        m, d = f"{fx}/model", f"{fx}/long.jsonl"
        # writer name, command for run NAME into folder O, (file, group of run NAME) or a directory
        writers = [
            ("entropy", lambda o, n: f"{bin_} entropy --model {m} --data {d} --lengths 256 --max-docs 4 "
                                     f"--seed 0 --out {o}/e.h5 --run {n} --keep-docs {t}",
             lambda o, n: ("h5", f"{o}/e.h5", f"runs/{n}")),
            ("passkey", lambda o, n: f"{bin_} passkey --model {m} --lengths 256 --depths 0,1 --trials 1 "
                                     f"--seed 0 --out {o}/eval.h5 --run {n} {t}",
             lambda o, n: ("h5", f"{o}/eval.h5", f"eval/{n}/passkey")),
            ("ppl", lambda o, n: f"{bin_} ppl --model {m} --data {d} --lengths 256 --max-docs 4 "
                                 f"--out {o}/eval.h5 --run {n} {t}",
             lambda o, n: ("h5", f"{o}/eval.h5", f"eval/{n}/ppl")),
            ("init", lambda o, n: f"{bin_} init --config tiny --seed 0 --out {o}/{n} {t}",
             lambda o, n: ("dir", f"{o}/{n}", None)),
        ]
        for name, cmd, where in writers:
            o = os.path.join(small, name)
            os.makedirs(o)
            must(cmd(o, "first"))
            fill(small, 16 * 1024)
            code, out = run(cmd(o, "second"))
            tried += 1
            kind, path, group = where(o, "second")
            msg = out.strip().splitlines()[-1] if out.strip() else ""
            # A full disk is the environment's failure, not bad input: exit 1 (2 is accepted where the
            # check happens before any work); never a crash (a signal, 134, 139).
            if code not in (1, 2):
                failures.append(f"{name}: exit {code} on a full disk (want 1 or 2): {msg}")
            # Either the write fails naming ENOSPC, or the writer knew its size and refused first
            # ("... needs 22.1 MiB; DIR has 16.0 KiB free").
            elif not ("No space left" in msg or " free" in msg) or o not in msg:
                failures.append(f"{name}: the error does not name the file and the cause: {msg}")
            k1, p1, g1 = where(o, "first")
            if k1 == "h5" and not h5_complete(p1, g1):
                failures.append(f"{name}: the earlier run {g1} in {p1} was damaged by the failed write")
            if k1 == "dir" and not os.path.exists(os.path.join(p1, "config.json")):
                failures.append(f"{name}: the earlier output {p1} was damaged")
            if kind == "h5" and h5_complete(path, group):
                failures.append(f"{name}: a failed write left {group} reading as complete")
            if kind == "dir" and os.path.exists(os.path.join(path, "config.json")):
                failures.append(f"{name}: a failed write left {path} looking complete")
            left = [n for n in os.listdir(o) if ".tmp" in n]
            if left:
                failures.append(f"{name}: temporary files left behind: {left}")
            print(f"[{name}] full disk -> exit {code}: {msg[:160]}", flush=True)
            os.remove(os.path.join(small, "ballast"))
        # A read-only place: refused before any work starts.
        if mount_tmpfs(ro, "1m", ro=True):
            for name, cmd, where in writers:
                t0 = time.time()
                code, out = run(cmd(ro, "x"))
                secs = time.time() - t0
                tried += 1
                msg = out.strip().splitlines()[-1] if out.strip() else ""
                if code != 2 or ro not in msg:
                    failures.append(f"{name}: read-only output: exit {code}, message {msg!r} (want 2, naming {ro})")
                print(f"[{name}] read-only -> exit {code} after {secs:.1f}s: {msg[:160]}", flush=True)
            run(f"umount {ro}")
    finally:
        run(f"umount {small}")
        shutil.rmtree(work, ignore_errors=True)
    report_and_exit(failures, f"{tried - len(set(f.split(':')[0] for f in failures))} passed, {len(failures)} failed")


if __name__ == "__main__":
    main()
