#!/usr/bin/python3
"""Study-level figures of a miniature-study folder (out/demo, out/mini), seeds aggregated: a point is
the mean over seeds, an error bar one sample std (none with one seed). Reads the layout of
analysis/study_data.py; writes into OUT/figures/, each as PNG and PDF:

  study_suite_vs_window    Figure 3 / Table 4: suite average vs evaluation window, per method
  study_passkey_vs_window  passkey accuracy vs evaluation window, per method
  study_tasks_4c           Table 2: each suite task at the training window 4c, per method
  study_ablations          EABF and its ablations: suite average vs window   (when run)
  study_suite_vs_samples   Figure 2 / Table 5: EABF at 4c vs training conversations   (when run)
  study_entropy_base       Figure 1: base model, head-mean entropy vs position per layer, with ln n
  study_entropy_methods    entropy vs position of the first and last layer, per method

usage: study_figures.py OUT [--runs base-s0 eabf-s0 ...] [--window C]
(--runs defaults to every folder in OUT/sweeps; --window to the base model's window c as its
outputs recorded it, analysis/study_facts.py).
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "analysis"))
import study_facts  # noqa: E402
from study_data import (ABLATIONS, HEADLINE, LABEL, TASK_LABEL, StudyInputError, by_method,  # noqa: E402
                        data_efficiency_runs, load, mean_std, passkey_values, suite_values)


def errors(ms):
    """Error bars from (mean, std) pairs; none at all with one seed (std 0 everywhere)."""
    std = [v[1] for v in ms]
    return std if any(x > 0 for x in std) else None


def smooth(y, width):
    """Running mean over `width` positions (same length; shorter windows at the ends)."""
    if width <= 1:
        return y
    kernel = np.ones(width)
    return np.convolve(y, kernel, "same") / np.convolve(np.ones_like(y), kernel, "same")


def save(fig, out, stem):
    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, f"{stem}.{ext}"), dpi=150, bbox_inches="tight")
    plt.close(fig)
    print(f"wrote {out}/{stem}.png")


def mark_windows(ax, c):
    ax.axvline(c, color="grey", lw=0.8, ls=":")
    ax.axvline(4 * c, color="grey", lw=0.8, ls="--")
    ax.text(c, ax.get_ylim()[0], " c", va="bottom", fontsize=7, color="grey")
    ax.text(4 * c, ax.get_ylim()[0], " 4c (trained)", va="bottom", fontsize=7, color="grey")


def versus_window(M, methods, values_of, windows, c, ylabel, title, out, stem):
    fig, ax = plt.subplots(figsize=(5.6, 3.8))
    # A method with no value at any window (e.g. its passkey run was interrupted) is left out of the legend.
    present = [m for m in methods if m in M and any(values_of(M, m, w) for w in windows)]
    drawn = 0
    for i, m in enumerate(present):
        ms = [mean_std(values_of(M, m, w)) for w in windows]
        shift = 2 ** (0.04 * (i - (len(present) - 1) / 2))  # side by side, so error bars stay readable
        ax.errorbar([w * shift for w in windows], [v[0] for v in ms], yerr=errors(ms), marker="o", capsize=3,
                    label=LABEL.get(m, m), ls="--" if m == "base" else "-")
        drawn += 1
    if not drawn:
        plt.close(fig)
        return
    ax.set_xscale("log", base=2)
    ax.set_xticks(windows)
    ax.set_xticklabels([f"{w}\n({w // c}c)" for w in windows])
    ax.set_xlabel("evaluation window (tokens)")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    mark_windows(ax, c)
    ax.legend(fontsize=7)
    save(fig, out, stem)


def tasks_at(M, window, out):
    methods = [m for m in HEADLINE if m in M]
    if not methods:
        return
    tasks = list(TASK_LABEL) + [None]
    fig, ax = plt.subplots(figsize=(7.5, 3.8))
    width = 0.8 / len(methods)
    x = np.arange(len(tasks))
    for i, m in enumerate(methods):
        ms = [mean_std(suite_values(M, m, window, t)) for t in tasks]
        ax.bar(x + (i - (len(methods) - 1) / 2) * width, [v[0] for v in ms], width, yerr=errors(ms),
               capsize=2, label=LABEL[m])
    ax.set_xticks(x)
    ax.set_xticklabels(list(TASK_LABEL.values()) + ["Suite avg"])
    ax.set_ylabel("score ×100")
    ax.set_title(f"LongBench-format suite at the training window ({window} tokens)")
    ax.legend(fontsize=7, ncol=2)
    save(fig, out, "study_tasks_4c")


def versus_samples(M, c, headline_samples, out):
    runs = data_efficiency_runs(M, headline_samples)
    if not runs or "eabf" not in M:
        return
    pts = [n for n, _ in runs]
    fig, ax = plt.subplots(figsize=(5, 3.6))
    for w, style in ((4 * c, "-"), (8 * c, "--")):
        ms = [mean_std(suite_values(M, m, w)) for _, m in runs]
        ax.errorbar(pts, [v[0] for v in ms], yerr=errors(ms), marker="o", capsize=3, ls=style,
                    label=f"EABF at {w // c}c ({w} tokens)")
    if "base" in M:
        b = mean_std(suite_values(M, "base", 4 * c))[0]
        ax.axhline(b, color="grey", lw=0.8, ls=":", label="base at 4c (not extended)")
    ax.set_xscale("log")
    ax.set_xticks(pts)
    ax.set_xticklabels([str(n) for n in pts])
    ax.set_xlabel("training conversations")
    ax.set_ylabel("suite average (×100)")
    ax.set_title("Data efficiency (Figure 2 / Table 5 analogue)")
    ax.legend(fontsize=7)
    save(fig, out, "study_suite_vs_samples")


def seed_mean_entropy(M, method, key="entropy"):
    arrays = [d[key] for d in M.get(method, {}).values() if d.get(key) is not None]
    if not arrays or len({a.shape for a in arrays}) != 1:
        return None
    return np.mean(arrays, axis=0)  # [layer, position]


def entropy_base(M, c, out):
    # Figure 1 inside the window, as the paper measures it (entropy-c.h5); a study without it: at 8c.
    H = seed_mean_entropy(M, "base", "entropy_c")
    if H is None:
        H = seed_mean_entropy(M, "base")
    if H is None:
        return
    n = np.arange(1, H.shape[1] + 1)
    width = max(1, H.shape[1] // 64)
    seeds = len(M["base"])
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(n, np.log(n), "k--", lw=1.2, label="uniform (ln n)")
    for layer in range(H.shape[0]):
        ax.plot(n, smooth(H[layer], width), lw=1.0, label=f"layer {layer}")
    ax.axvline(c, color="grey", lw=0.8, ls=":", label=f"trained window c = {c}")
    ax.set_xlabel("position (keys visible)")
    ax.set_ylabel("attention entropy (nats, head mean)")
    ax.set_title(f"Base model, entropy vs position (Figure 1 analogue)\n{seeds} seed{'s' if seeds > 1 else ''}, "
                 f"running mean over {width} positions")
    ax.legend(fontsize=7, ncol=2)
    save(fig, out, "study_entropy_base")


def entropy_methods(M, c, out):
    means = {m: seed_mean_entropy(M, m) for m in HEADLINE}
    means = {m: h for m, h in means.items() if h is not None}
    if not means:
        return
    layers = min(h.shape[0] for h in means.values())
    width = max(1, min(h.shape[1] for h in means.values()) // 64)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4), sharey=True)
    for ax, layer in zip(axes, (0, layers - 1)):
        longest = 0
        for m, h in means.items():
            n = np.arange(1, h.shape[1] + 1)
            longest = max(longest, n[-1])
            ax.plot(n, smooth(h[layer], width), lw=1.0, label=LABEL[m], ls="--" if m == "base" else "-")
        n = np.arange(1, longest + 1)
        ax.plot(n, np.log(n), "k:", lw=1.2, label="uniform (ln n)")
        ax.axvline(c, color="grey", lw=0.8, ls=":")
        ax.axvline(4 * c, color="grey", lw=0.8, ls="--")
        ax.set_title(f"layer {layer}")
        ax.set_xlabel("position (keys visible)")
    axes[0].set_ylabel("attention entropy (nats, head mean)")
    axes[1].legend(fontsize=7)
    fig.suptitle(f"Entropy vs position, methods compared (seeds averaged, running mean over {width} positions; "
                 "dotted c, dashed 4c)")
    save(fig, out, "study_entropy_methods")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", help="study folder, e.g. out/demo")
    ap.add_argument("--runs", nargs="*", default=None)
    ap.add_argument("--window", type=int, default=None, help="the base model's window c (default: as recorded)")
    a = ap.parse_args()
    runs = a.runs
    if not runs:
        sweeps = os.path.join(a.out, "sweeps")
        runs = sorted(os.listdir(sweeps)) if os.path.isdir(sweeps) else []
    if not runs:
        print(f"study_figures: {a.out}: no runs (no --runs and no {a.out}/sweeps/*)", file=sys.stderr)
        sys.exit(2)
    try:
        data = load(a.out, runs)
        c = a.window or study_facts.window(data)
        extension = study_facts.extension(data)
    except StudyInputError as e:
        print(f"study_figures: {e}", file=sys.stderr)
        sys.exit(2)
    M = by_method(data)
    windows = [c, 2 * c, 4 * c, 8 * c]
    fig_dir = os.path.join(a.out, "figures")
    os.makedirs(fig_dir, exist_ok=True)
    versus_window(M, HEADLINE, suite_values, windows, c, "suite average (×100)",
                  "Suite average vs window (Figure 3 analogue)", fig_dir, "study_suite_vs_window")
    versus_window(M, HEADLINE, passkey_values, windows, c, "passkey accuracy (%)",
                  "Passkey retrieval vs window", fig_dir, "study_passkey_vs_window")
    tasks_at(M, 4 * c, fig_dir)
    if any(m in M for m in ABLATIONS[1:]):
        versus_window(M, ABLATIONS, suite_values, windows, c, "suite average (×100)",
                      "EABF ablations vs window", fig_dir, "study_ablations")
    versus_samples(M, c, extension["samples"] if extension else None, fig_dir)
    entropy_base(M, c, fig_dir)
    entropy_methods(M, c, fig_dir)


if __name__ == "__main__":
    main()
