"""The tests behind the miniature study's verdicts (issue #12): one rule, stated once.

Several seeds: a paired two-sided t-test on the per-seed differences (scipy.stats.ttest_1samp of
d against 0, n - 1 degrees of freedom). The extended models of a seed share its base model, so
differences are taken within a seed. One seed: a paired bootstrap over evaluation items (the same
items are scored for every method), the percentile interval of the mean difference. A claim
replicates when the test puts the difference above 0 at level ALPHA, does not replicate when it
puts it below 0, and is inconclusive otherwise: a claim the data cannot decide is not decided.
"""
import math

import numpy as np
from scipy import stats

ALPHA = 0.05
BOOTSTRAP = 2000  # resamples; the interval's Monte Carlo error is well below its width at this size


class Gap:
    """A measured difference: mean, its uncertainty and the test that judged it."""

    def __init__(self, mean, n, p=None, lo=None, hi=None, test=""):
        self.mean, self.n, self.p, self.lo, self.hi, self.test = mean, n, p, lo, hi, test

    def verdict(self):
        if self.n == 0 or not math.isfinite(self.mean):
            return "not measured"
        if self.p is not None:
            if self.p < ALPHA:
                return "replicates" if self.mean > 0 else "does not replicate"
            return f"inconclusive (p = {self.p:.2f})"
        if self.lo is not None:
            if self.lo > 0:
                return "replicates"
            if self.hi < 0:
                return "does not replicate"
            return "inconclusive (interval spans 0)"
        return "inconclusive: no test (one value)"

    def text(self, digits=1):
        if self.n == 0 or not math.isfinite(self.mean):
            return "–"
        s = f"{self.mean:.{digits}f}"
        if self.lo is not None:
            s += f" [{self.lo:.{digits}f}, {self.hi:.{digits}f}]"
        if self.p is not None:
            s += f" (p = {self.p:.3f}, n = {self.n})"
        return s


def paired_seeds(a, b):
    """a[seed] - b[seed] over the seeds both have: t-test with >= 2 seeds, else the bare value."""
    d = np.array([a[k] - b[k] for k in sorted(set(a) & set(b))], dtype=float)
    d = d[np.isfinite(d)]
    if d.size == 0:
        return Gap(float("nan"), 0)
    if d.size == 1 or np.all(d == d[0]):
        return Gap(float(d.mean()), int(d.size), p=None if d.size == 1 else (0.0 if d[0] != 0 else 1.0),
                   test="paired t-test over seeds")
    t = stats.ttest_1samp(d, 0.0)
    half = stats.t.ppf(1 - ALPHA / 2, d.size - 1) * d.std(ddof=1) / math.sqrt(d.size)
    return Gap(float(d.mean()), int(d.size), p=float(t.pvalue), lo=float(d.mean() - half), hi=float(d.mean() + half),
               test="paired t-test over seeds")


def paired_suite_items(terms, seed=0):
    """Item-paired, task-stratified bootstrap of a linear combination of suite averages.

    terms: [(coef, {task: [item scores]})], every term scored on the same items (same tasks, same
    order, same count: the suite is fixed, only the method or window differs). A suite average is
    the mean over tasks of the mean over items; each resample draws items with replacement within
    every task, the same draw for all terms, so the pairing of methods by item is kept."""
    if not terms or any(not t for _, t in terms):
        return Gap(float("nan"), 0)
    tasks = sorted(set.intersection(*(set(t) for _, t in terms)))
    sizes = {k: {len(t[k]) for _, t in terms} for k in tasks}
    tasks = [k for k in tasks if len(sizes[k]) == 1 and next(iter(sizes[k])) > 0]  # aligned tasks only
    if not tasks:
        return Gap(float("nan"), 0)
    rng = np.random.default_rng(seed)

    def combo(idx):
        return sum(c * np.mean([np.asarray(t[k], dtype=float)[idx[k]].mean(axis=-1) for k in tasks], axis=0)
                   for c, t in terms)

    full = {k: np.arange(len(terms[0][1][k])) for k in tasks}
    mean = float(combo(full))
    draws = {k: rng.integers(0, len(full[k]), size=(BOOTSTRAP, len(full[k]))) for k in tasks}
    samples = combo(draws)
    lo, hi = np.percentile(samples, [100 * ALPHA / 2, 100 * (1 - ALPHA / 2)])
    n = sum(len(full[k]) for k in tasks)
    return Gap(mean, n, lo=float(lo), hi=float(hi), test="item bootstrap")
