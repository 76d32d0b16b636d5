#!/usr/bin/env python3
"""The fuzzing campaign behind `make fuzz`, and the sanitized replay behind `make fuzz-replay`.

Campaign: every target (fuzz/targets/*.cpp) runs under libFuzzer until it has had --minutes
CPU-minutes in total, counted from fuzz/campaign.jsonl (one line per session of one target: CPU
seconds measured by the kernel for the fuzzer process, executions, coverage, outcome), so an
interrupted campaign resumes where it stopped. Sessions last at most --session-minutes; --jobs
targets run at once. Each target grows a working corpus in BUILD/corpus/NAME from the kept one
(fuzz/corpus/NAME); at the end of each session the working corpus is merged back into the kept
corpus, keeping only inputs that add coverage (libFuzzer -merge=1). A crash, leak, sanitizer
report, timeout or over-limit allocation stops that target: the input is in
BUILD/artifacts/NAME/; fix the code, copy the input to fuzz/regressions/NAME/ and run again.

Replay: every kept corpus and regression input, once, through the sanitized executables.
"""
import argparse
import datetime
import glob
import json
import os
import re
import shutil
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LOG = os.path.join(ROOT, "fuzz", "campaign.jsonl")
DICTS = {"cli_inputs": "ini.dict", "h5_readers": None, "tokenizer_model": None}
LIMITS = ["-timeout=10", "-rss_limit_mb=4096", "-malloc_limit_mb=2048"]
ENV = dict(os.environ,
           ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=0:detect_odr_violation=0:abort_on_error=0",
           UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1",
           LSAN_OPTIONS="suppressions=" + os.path.join(ROOT, "fuzz", "lsan.supp") + ":print_suppressions=0",
           OMP_NUM_THREADS="1")


def targets():
    return sorted(os.path.splitext(os.path.basename(p))[0]
                  for p in glob.glob(os.path.join(ROOT, "fuzz", "targets", "*.cpp")))


def executable(build, name):
    exe = os.path.join(build, "fuzz", "fuzz_" + name)
    if not os.path.exists(exe):
        sys.exit("fuzz: %s missing (run make fuzz-build)" % exe)
    return exe


def dict_args(name):
    d = DICTS.get(name, "json.dict")
    return ["-dict=" + os.path.join(ROOT, "fuzz", "dict", d)] if d else []


def spent(name):
    total = 0.0
    if os.path.exists(LOG):
        with open(LOG) as f:
            for line in f:
                r = json.loads(line)
                if r["target"] == name:
                    total += r["cpu_s"]
    return total


def machine():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    clang = subprocess.run(["clang++", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    sha = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short=12", "HEAD"], capture_output=True,
                         text=True).stdout.strip()
    return {"cpu": cpu, "cores": os.cpu_count(), "clang": clang, "git_sha": sha}


def parse_stats(text):
    out = {}
    m = re.search(r"stat::number_of_executed_units:\s*(\d+)", text)
    out["execs"] = int(m.group(1)) if m else None
    m = re.search(r"stat::peak_rss_mb:\s*(\d+)", text)
    out["peak_rss_mb"] = int(m.group(1)) if m else None
    covs = re.findall(r"cov: (\d+) ft: (\d+) corp: (\d+)", text)
    if covs:
        out["cov"], out["ft"], out["corpus"] = (int(x) for x in covs[-1])
    return out


class Session:
    def __init__(self, build, name, seconds):
        self.name, self.seconds = name, seconds
        self.work = os.path.join(build, "corpus", name)
        self.art = os.path.join(build, "artifacts", name) + "/"
        os.makedirs(self.work, exist_ok=True)
        os.makedirs(self.art, exist_ok=True)
        self.logpath = os.path.join(build, "logs", "%s-%d.log" % (name, int(time.time())))
        os.makedirs(os.path.dirname(self.logpath), exist_ok=True)
        self.exe = executable(build, name)
        kept = os.path.join(ROOT, "fuzz", "corpus", name)
        cmd = [self.exe, "-max_total_time=%d" % seconds, "-print_final_stats=1", "-artifact_prefix=" + self.art,
               *LIMITS, *dict_args(name), self.work, kept]
        self.log = open(self.logpath, "w")
        self.start = time.time()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=ENV, cwd=ROOT)

    def poll(self):
        # wait4 gives this child's own CPU time (user + system), whatever else the machine runs.
        pid, status, ru = os.wait4(self.proc.pid, os.WNOHANG)
        if pid == 0:
            return None
        self.log.close()
        with open(self.logpath, errors="replace") as f:
            text = f.read()
        code = os.waitstatus_to_exitcode(status)
        artifacts = sorted(os.listdir(self.art))
        rec = {"target": self.name, "date": datetime.datetime.now().isoformat(timespec="seconds"),
               "cpu_s": round(ru.ru_utime + ru.ru_stime, 1), "wall_s": round(time.time() - self.start, 1),
               "exit": code, "outcome": "ok" if code == 0 else "finding", **parse_stats(text), **machine()}
        if code != 0:
            rec["artifacts"] = artifacts
            rec["log"] = os.path.relpath(self.logpath, ROOT)
        return rec


def merge_back(build, name):
    kept = os.path.join(ROOT, "fuzz", "corpus", name)
    fresh = kept + ".merge"
    shutil.rmtree(fresh, ignore_errors=True)
    os.makedirs(fresh)
    subprocess.run([executable(build, name), "-merge=1", *LIMITS, fresh, kept, os.path.join(build, "corpus", name)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV, cwd=ROOT, check=True)
    # Seeds stay (they document the formats); merged inputs are named by content hash.
    for f in os.listdir(kept):
        if not f.startswith("seed-"):
            os.remove(os.path.join(kept, f))
    for f in os.listdir(fresh):
        shutil.move(os.path.join(fresh, f), os.path.join(kept, f))
    os.rmdir(fresh)


def campaign(a):
    names = a.targets or targets()
    goal = a.minutes * 60
    # Least-fuzzed first, so that an interrupted campaign leaves the targets even.
    queue = sorted((n for n in names if spent(n) < goal), key=spent)
    for n in names:
        print("fuzz %-16s %6.1f of %d CPU-min done" % (n, spent(n) / 60, a.minutes), flush=True)
    running, stopped = [], []
    # BUILD/STOP ends the campaign gracefully: running sessions finish and are logged, no new
    # ones start (make fuzz resumes later from the log).
    stop_file = os.path.join(a.build, "STOP")
    if os.path.exists(stop_file):
        os.remove(stop_file)
    while queue or running:
        if os.path.exists(stop_file):
            queue = []
        while queue and len(running) < a.jobs:
            n = queue.pop(0)
            left = goal - spent(n)
            # CPU time lags wall time when the machine is shared: the loop comes back for the rest.
            running.append(Session(a.build, n, int(min(left, a.session_minutes * 60)) + 1))
        time.sleep(5)
        for s in list(running):
            rec = s.poll()
            if rec is None:
                continue
            running.remove(s)
            with open(LOG, "a") as f:
                f.write(json.dumps(rec) + "\n")
            print("fuzz %-16s %s: %.0f CPU-s, %s execs, cov %s, total %.1f CPU-min" % (
                s.name, rec["outcome"], rec["cpu_s"], rec.get("execs"), rec.get("cov"), spent(s.name) / 60), flush=True)
            if rec["outcome"] == "ok":
                merge_back(a.build, s.name)
                if spent(s.name) < goal:
                    queue.append(s.name)
            else:
                stopped.append(s.name)
                print("fuzz %s: finding, see %s and %s" % (s.name, rec["log"], s.art), flush=True)
    if stopped:
        print("fuzz: findings in " + ", ".join(stopped))
        return 1
    return 0


def replay(a):
    bad = []
    for n in a.targets or targets():
        paths = [p for p in (os.path.join(ROOT, "fuzz", "corpus", n), os.path.join(ROOT, "fuzz", "regressions", n))
                 if os.path.isdir(p)]
        files = [os.path.join(p, f) for p in paths for f in sorted(os.listdir(p))]
        r = subprocess.run([executable(a.build, n), "-runs=1", *LIMITS, *files], env=ENV, cwd=ROOT,
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, errors="replace")
        print("fuzz-replay %-16s %4d inputs: %s" % (n, len(files), "ok" if r.returncode == 0 else "FINDING"))
        if r.returncode != 0:
            print(r.stderr[-4000:])
            bad.append(n)
    return 1 if bad else 0


def report(a):
    """A markdown table per target from the log: CPU-minutes, executions, final coverage, findings."""
    rows = {}
    if os.path.exists(LOG):
        with open(LOG) as f:
            for line in f:
                r = json.loads(line)
                t = rows.setdefault(r["target"], {"cpu": 0.0, "execs": 0, "sessions": 0, "findings": 0, "cov": None,
                                                  "ft": None, "corpus": None})
                t["cpu"] += r["cpu_s"]
                t["execs"] += r.get("execs") or 0
                t["sessions"] += 1
                t["findings"] += r["outcome"] != "ok"
                for k in ("cov", "ft"):
                    if r.get(k) is not None:
                        t[k] = max(t[k] or 0, r[k])
    print("| target | CPU-min | executions | sessions | findings | edges (cov) | features (ft) | kept corpus | regressions |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in a.targets or targets():
        t = rows.get(n, {"cpu": 0, "execs": 0, "sessions": 0, "findings": 0, "cov": None, "ft": None})
        kept = len(os.listdir(os.path.join(ROOT, "fuzz", "corpus", n))) if os.path.isdir(
            os.path.join(ROOT, "fuzz", "corpus", n)) else 0
        reg = os.path.join(ROOT, "fuzz", "regressions", n)
        nreg = len(os.listdir(reg)) if os.path.isdir(reg) else 0
        print("| `%s` | %.1f | %s | %d | %d | %s | %s | %d | %d |" % (
            n, t["cpu"] / 60, "{:,}".format(t["execs"]), t["sessions"], t["findings"], t["cov"] or "–",
            t["ft"] or "–", kept, nreg))
    return 0


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-fuzz")
    ap.add_argument("--minutes", type=float, default=30, help="CPU-minutes per target, in total")
    ap.add_argument("--session-minutes", type=float, default=10)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--replay", action="store_true")
    ap.add_argument("--report", action="store_true", help="print the campaign table (docs/measurements.md) and exit")
    ap.add_argument("targets", nargs="*")
    a = ap.parse_args()
    a.build = os.path.abspath(a.build)
    if a.report:
        return report(a)
    return replay(a) if a.replay else campaign(a)


if __name__ == "__main__":
    sys.exit(main())
