#!/usr/bin/python3
"""Kill every long job at random moments, resume it, and compare with an uninterrupted run.

For each job the harness runs it once to the end (the reference, timed), then, for several seeded
moments — one of them before the job's first checkpoint or first written result — starts it again
in a fresh folder, sends SIGKILL to its process group at that moment, checks that nothing it left
reads as complete (HDF5 runs without `complete = True`, a model directory without config.json,
readers refusing the partial output), reruns the same command (with `--resume` where the job
needs it) and compares the final outputs with the reference: bit-identical where the README
promises it (weights' sha256, HDF5 datasets, prediction lines), exact otherwise.

Debian's /usr/bin/python3 with h5py; no pip packages.

  tests/faults/kill_resume.py --bin build/ropelab [--seed 0] [--kills 3] [--jobs entropy,passkey]
  exit 0: every kill resumed to the reference; 1: a mismatch (printed); 77: h5py missing (skip).
"""
import argparse
import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time

from fault_common import report_and_exit

try:
    import h5py
    import numpy as np
except ImportError:
    print("SKIPPED: /usr/bin/python3 lacks h5py/numpy")
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def sh(cmd, cwd, check=True):
    r = subprocess.run(cmd, cwd=cwd, shell=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if check and r.returncode != 0:
        raise RuntimeError(f"command failed ({r.returncode}): {cmd}\n{r.stdout[-3000:]}")
    return r


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# --- what "the same result" means per output kind -------------------------------------------------
# Provenance (created time, command line, git SHA) legitimately differs between runs; numbers do not.
PROVENANCE_ATTRS = {"created_utc", "command_line", "git_sha", "ropelab_version", "torch_version",
                    "hdf5_version", "elapsed_s", "tokens_per_s", "samples_per_s", "wall_s", "host",
                    "cpu", "threads", "blas"}
TIMING_DATASETS = {"tokens_per_s", "elapsed_s", "wall_s", "step_time_s"}


def h5_digest(path, group):
    """Every dataset under `group` (values) and its non-provenance attributes; the run's own output
    folder is written as OUT in string attributes (the reference ran in another folder)."""
    out = {}
    base = os.path.dirname(path)
    def norm(v):
        r = repr(np.asarray(v).tolist()) if hasattr(v, "tolist") else repr(v)
        return r.replace(base, "OUT")
    with h5py.File(path, "r") as f:
        if group not in f:
            return None
        def visit(name, obj):
            key = f"{group}/{name}"
            if isinstance(obj, h5py.Dataset):
                if name.split("/")[-1] in TIMING_DATASETS:
                    return
                out[key] = np.asarray(obj[()]).tobytes()
            for a, v in obj.attrs.items():
                if a in PROVENANCE_ATTRS or a == "DIMENSION_LIST" or a == "REFERENCE_LIST":
                    continue
                out[f"{key}@{a}"] = norm(v)
        f[group].visititems(visit)
        for a, v in f[group].attrs.items():
            if a not in PROVENANCE_ATTRS:
                out[f"{group}@{a}"] = norm(v)
    return out


def h5_complete(path, group):
    """True / False / None (no such file or group)."""
    if not os.path.exists(path):
        return None
    try:
        with h5py.File(path, "r") as f:
            if group not in f:
                return None
            return bool(f[group].attrs.get("complete", False))
    except OSError:
        return False  # a file a kill left unreadable is not complete either


def jsonl_lines(folder):
    out = {}
    for root, _, files in os.walk(folder):
        for name in sorted(files):
            if name.endswith(".jsonl"):
                p = os.path.join(root, name)
                with open(p, encoding="utf-8") as f:
                    out[os.path.relpath(p, folder)] = f.read()
    return out


def model_digest(folder):
    return {n: sha256(os.path.join(folder, n)) for n in sorted(os.listdir(folder))
            if n.endswith(".safetensors")}


# --- the jobs ---------------------------------------------------------------------------------------
class Job:
    """name; command(out) -> shell command writing into folder `out`; resume_flag: extra words for
    the rerun when `out` exists; digest(out); complete(out) -> True/False/None; reader(out) -> a
    command that must refuse an incomplete output (exit 2) or None."""

    def __init__(self, name, command, digest, complete, resume=None, reader=None, locked=True):
        self.name, self.command, self.digest, self.complete = name, command, digest, complete
        self.resume, self.reader, self.locked = resume, reader, locked


def train_job(name, sub, command):
    """finetune / pretrain into OUT/sub: the weights are the result, config.json (written last) says
    finished, and a rerun after a kill passes --resume once the directory exists."""
    return Job(name, command, lambda o: model_digest(f"{o}/{sub}"),
               lambda o: os.path.exists(f"{o}/{sub}/config.json") or None,
               resume=lambda o: f"--resume {o}/{sub}" if os.path.isdir(f"{o}/{sub}") else "")


def make_jobs(bin_, fx):
    m, tok, docs, conv, lb = fx["model"], fx["tok"], fx["docs"], fx["conv"], fx["lb"]
    t = "--threads 1"
    jobs = [
        Job("entropy",
            lambda o: f"{bin_} entropy --model {m} --data {docs} --lengths 512 --max-docs 24 --seed 0 "
                      f"--out {o}/e.h5 --run r {t}",
            lambda o: h5_digest(f"{o}/e.h5", "runs/r"),
            lambda o: h5_complete(f"{o}/e.h5", "runs/r"),
            reader=lambda o: f"{bin_} report entropy {o}/e.h5"),
        Job("passkey",
            lambda o: f"{bin_} passkey --model {m} --lengths 256,512 --depths 0,0.5,1 --trials 6 --seed 0 "
                      f"--out {o}/eval.h5 --run r {t}",
            lambda o: h5_digest(f"{o}/eval.h5", "eval/r/passkey"),
            lambda o: h5_complete(f"{o}/eval.h5", "eval/r/passkey")),
        Job("ppl",
            lambda o: f"{bin_} ppl --model {m} --data {docs} --lengths 128,256 --max-docs 40 "
                      f"--out {o}/eval.h5 --run r {t}",
            lambda o: h5_digest(f"{o}/eval.h5", "eval/r/ppl"),
            lambda o: h5_complete(f"{o}/eval.h5", "eval/r/ppl")),
        Job("longbench",
            lambda o: f"{bin_} longbench run --model {m} --longbench-dir {lb} --tasks {fx['tasks']} "
                      f"--max-length 200 --limit 8 --out {o}/pred {t}",
            lambda o: jsonl_lines(f"{o}/pred"),
            lambda o: None,  # completeness of predictions is judged by the line count on rerun
            reader=None),
        Job("ruler",
            lambda o: f"{bin_} ruler run --model {m} --data-dir {fx['ruler']}/384 --tasks {fx['ruler_tasks']} "
                      f"--tokens-to-generate {fx['ruler']}/tokens_to_generate.json --out {o}/rp {t}",
            lambda o: jsonl_lines(f"{o}/rp"),
            lambda o: None,  # as longbench: the line count on rerun judges completeness
            reader=None),
        train_job("finetune", "ft", lambda o: f"{bin_} finetune --model {m} --data {conv} --samples 16 --epochs 1 "
                  f"--global-batch 4 --lr 1e-3 --max-length 320 --save-every 1 --seed 0 --out {o}/ft {t}"),
        train_job("pretrain", "pt", lambda o: f"{bin_} pretrain --model {m} --data {docs} --window 128 --steps 4 "
                  f"--global-batch 4 --lr 1e-3 --warmup 1 --save-every 1 --seed 0 --out {o}/pt {t}"),
        Job("sweep",
            lambda o: f"{bin_} sweep --model {m} --windows 128,256 --reserve 16 --longbench-dir {lb} "
                      f"--tasks {fx['tasks']} --limit 2 --out {o}/sw {t}",
            lambda o: {**jsonl_lines(f"{o}/sw"),
                       "sweep.json": json.load(open(f"{o}/sw/sweep.json")).get("windows")
                       if os.path.exists(f"{o}/sw/sweep.json") else None},
            lambda o: os.path.exists(f"{o}/sw/sweep.json") or None),
    ]
    return jobs


def fixtures(bin_, work):
    """A tiny model with a tokenizer, documents, conversations and a LongBench-format set."""
    d = os.path.join(work, "fx")
    os.makedirs(d)
    t = "--threads 1"
    sh(f"{bin_} data split --corpus {ROOT}/data/corpus/fortunes-min.txt --out {d}/data --seed 0", d)
    sh(f"{bin_} tokenizer train --input {d}/data/pretrain.jsonl --vocab-size 512 --out {d}/tok/tokenizer.model", d)
    tok = f"{d}/tok/tokenizer.model"
    sh(f"{bin_} init --config tiny --tokenizer {tok} --seed 0 --out {d}/model {t}", d)
    # Long documents: the held-out split's documents joined in groups, so 256-token windows fill.
    docs = [json.loads(l)["text"] for l in open(f"{d}/data/eval.jsonl") if l.strip()]
    with open(f"{d}/long.jsonl", "w") as f:
        for i in range(0, max(1, len(docs) - 20), 10):
            f.write(json.dumps({"text": "\n".join(docs[i:i + 20])}) + "\n")
    sh(f"{bin_} data conversations --tokenizer {tok} --docs {d}/data/finetune.jsonl --length 320 --turns 1-2 "
       # 1-2 questions, no retrieval: the fixed passages of mdqa and retrieval need room at 320 tokens
       f"--mix sdqa=0.34,mdqa=0.33,fewshot=0.33 --count 16 --seed 0 --out {d}/sharegpt.json", d)
    sh(f"{bin_} data longbench --tokenizer {tok} --docs {d}/data/eval.jsonl --lengths 192,256 --per-length 2 "
       f"--seed 0 --out {d}/lb", d)
    tasks = ",".join(sorted(n[:-6] for n in os.listdir(f"{d}/lb") if n.endswith(".jsonl"))[:2])
    sh(f"{bin_} data ruler --tokenizer {tok} --docs {d}/data/eval.jsonl --lengths 384 --num-samples 3 "
       f"--tasks niah_single_1,vt,qa_1,cwe --tokens-to-generate niah_single_1=8,vt=8,qa_1=8,cwe=8 "
       f"--seed 0 --out {d}/ruler", d)
    return {"model": f"{d}/model", "tok": tok, "docs": f"{d}/long.jsonl", "conv": f"{d}/sharegpt.json",
            "lb": f"{d}/lb", "tasks": tasks, "ruler": f"{d}/ruler", "ruler_tasks": "niah_single_1,vt,qa_1,cwe"}


def run_killed(cmd, cwd, at_s):
    """Starts cmd in its own process group and SIGKILLs the group after at_s seconds (or lets it
    finish first). Returns True when the kill landed before the job ended."""
    p = subprocess.Popen(cmd, cwd=cwd, shell=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                         start_new_session=True)
    try:
        p.wait(timeout=at_s)
        return False
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return True


def lock_refuses_second_writer(job, folder, want):
    """The job's lock, deterministically: the job runs once (it must create its hidden `.NAME.lock`
    beside the output and finish with the reference's result); then the harness holds that same
    lock file with flock(2), as a running writer would, and starts the same command into the same
    place: it must be refused (exit 2, 'being written by another process'). A race between two real
    processes would depend on the machine's speed. Returns an error string or None."""
    import fcntl
    os.makedirs(folder)
    r = sh(job.command(folder), folder, check=False)
    if r.returncode != 0:
        return f"the first writer failed ({r.returncode})"
    if job.digest(folder) != want:
        return "the first writer's output differs from the reference"
    locks = [os.path.join(d, n) for d, _, files in os.walk(folder) for n in files if n.endswith(".lock")]
    if not locks:
        return "the job took no output lock (no .NAME.lock beside its output)"
    held = []
    try:
        for path in locks:
            f = open(path, "r+")
            fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
            held.append(f)
        second = sh(job.command(folder), folder, check=False)
    finally:
        for f in held:
            f.close()
    if second.returncode != 2 or "being written by another process" not in second.stdout:
        return (f"a second writer into the same output was not refused (exit {second.returncode}): "
                f"{second.stdout.strip()[-300:]}")
    if job.digest(folder) != want:
        return "a refused second writer changed the first writer's output"
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin", default=os.path.join(ROOT, "build", "ropelab"))
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--kills", type=int, default=3, help="kill moments per job (the first is early)")
    ap.add_argument("--jobs", default="", help="comma-separated subset")
    ap.add_argument("--keep", action="store_true", help="keep the scratch folder")
    a = ap.parse_args()
    bin_ = os.path.abspath(a.bin)
    rng = random.Random(a.seed)
    work = tempfile.mkdtemp(prefix="ropelab-kill-")
    failures, tried, failed_checks, landed = [], 0, 0, 0
    try:
        fx = fixtures(bin_, work)
        for job in make_jobs(bin_, fx):
            if a.jobs and job.name not in a.jobs.split(","):
                continue
            ref = os.path.join(work, job.name, "ref")
            os.makedirs(ref)
            t0 = time.time()
            sh(job.command(ref), ref)
            wall = time.time() - t0
            want = job.digest(ref)
            if job.complete(ref) is False:
                failures.append(f"{job.name}: the uninterrupted run does not read as complete")
            if job.locked:
                t0 = time.time()
                err = lock_refuses_second_writer(job, os.path.join(work, job.name, "lock"), want)
                warm = time.time() - t0  # the first writer's run dominates: the second is refused at once
                tried += 1
                if err:
                    failures.append(f"{job.name}: {err}")
                    failed_checks += 1
                print(f"[{job.name}] second writer {'refused' if not err else 'NOT refused'}", flush=True)
                # The reference ran with cold caches; the warm rerun is the pace the kills meet.
                wall = min(wall, warm)
            # The first moment falls in the job's start-up (before any checkpoint or result).
            moments = [rng.uniform(0.05, 0.25) * wall] + [rng.uniform(0.25, 0.95) * wall for _ in range(a.kills - 1)]
            for k, at in enumerate(moments):
                out = os.path.join(work, job.name, f"kill{k}")
                # A shared machine's pace varies several-fold between runs: when the job finished
                # before its moment, the moment is halved and the job rerun in a fresh folder (at
                # most 4 times), so that the kills land.
                for _ in range(5):
                    shutil.rmtree(out, ignore_errors=True)
                    os.makedirs(out)
                    killed = run_killed(job.command(out), out, at)
                    if killed or at < 0.2:
                        break
                    at /= 2
                tried += 1
                landed += killed
                before = len(failures)
                state = job.complete(out)
                if killed and state is True:
                    # Only an error if the job had not finished its work: the reference's digest tells.
                    if job.digest(out) != want:
                        failures.append(f"{job.name} kill@{at:.2f}s: partial output reads as complete")
                if killed and state is False and job.reader:
                    r = sh(job.reader(out), out, check=False)
                    if r.returncode != 2:
                        failures.append(f"{job.name} kill@{at:.2f}s: reader accepted an incomplete output "
                                        f"(exit {r.returncode}): {r.stdout.strip()[-300:]}")
                resume = job.resume(out) if job.resume else ""
                # Finished before the kill landed (or between its last write and its exit): the
                # output is complete and a rerun is refused by design (nothing is overwritten).
                # Otherwise the same command (+ --resume) must finish the work.
                r = (subprocess.CompletedProcess("", 0, "") if state is True
                     else sh(f"{job.command(out)} {resume}", out, check=False))
                if r.returncode != 0:
                    failures.append(f"{job.name} kill@{at:.2f}s (killed={killed}): rerun failed "
                                    f"({r.returncode}): {r.stdout.strip()[-400:]}")
                    failed_checks += 1
                    continue
                got = job.digest(out)
                if got != want:
                    diff = sorted(k2 for k2 in set(want or {}) | set(got or {})
                                  if (want or {}).get(k2) != (got or {}).get(k2))[:5]
                    failures.append(f"{job.name} kill@{at:.2f}s: resumed output differs from the "
                                    f"uninterrupted run in {diff}")
                failed_checks += len(failures) > before
                print(f"[{job.name}] kill {k} at {at:.2f}s of {wall:.2f}s (killed={killed}, "
                      f"left complete={state}) -> resumed {'OK' if got == want else 'DIFFERENT'}", flush=True)
    finally:
        if not a.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print("kept", work)
    report_and_exit(failures, f"{tried - failed_checks} passed, {failed_checks} failed; "
                              f"{landed} kills landed before their job ended")


if __name__ == "__main__":
    main()
