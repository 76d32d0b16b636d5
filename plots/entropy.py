#!/usr/bin/python3
"""Attention-entropy figures from a `ropelab entropy` file (schema kind entropy, analysis/hdf5-schema.md).

Writes into --out, each as PNG and PDF:
  entropy_vs_position[_RUN]  the paper's Figure 1: head-mean entropy vs position, one curve per
                             selected layer, plus the ln n "uniform" curve (one file per run;
                             the first run also as entropy_vs_position.*)
  heatmap_RUN                layer x position heat map of head-mean entropy
  methods_layerL             one layer across every complete run with that layer (method comparison)
Incomplete runs are skipped with a note on stderr. Reads only our output file.
"""
import os
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from plot_input import ENTROPY, array, attr, fail, open_output, plot_parser, safe_stem, save_figure  # noqa: E402


def load_runs(path):
    runs = []
    with open_output(path, ENTROPY) as f:
        for name, g in f.get("runs", {}).items():
            if not bool(g.attrs.get("complete", False)):
                print(f"{path}: run {name} is incomplete; skipped", file=sys.stderr)
                continue
            window = int(attr(g, "trained_window", path))  # stored by the writer, never re-derived
            layers = array(g, "layer", path, 1)
            H = array(g, "entropy_mean", path, 3)  # [layer, head, position]
            if H.shape[0] != len(layers):
                fail(f"{path}: {g.name}/entropy_mean has {H.shape[0]} layers, {g.name}/layer {len(layers)}")
            runs.append(dict(name=name, method=str(attr(g, "method", path)), layers=layers,
                             mean=H.mean(axis=1),  # [layer, position] head mean
                             n_docs=int(attr(g, "n_docs", path)), window=window))
    if not runs:
        fail(f"{path}: no complete runs")
    return runs


def pick_layers(run, wanted):
    layers = run["layers"]
    if wanted:
        missing = [l for l in wanted if l not in set(layers.tolist())]
        if missing:
            fail(f"--layers: layer(s) {','.join(map(str, missing))} not recorded in run {run['name']}")
        return wanted
    if len(layers) <= 6:
        return layers.tolist()
    idx = np.unique(np.linspace(0, len(layers) - 1, 6).round().astype(int))
    return sorted(set([int(layers[0]), int(layers[1])] + [int(layers[i]) for i in idx]))


def figure1(run, layers, out, stem):
    n = np.arange(1, run["mean"].shape[1] + 1)
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    ax.plot(n, np.log(n), "k--", lw=1.2, label="uniform (ln n)")
    for l in layers:
        i = int(np.where(run["layers"] == l)[0][0])
        ax.plot(n, run["mean"][i], lw=1.0, label=f"layer {l}")
    if run["window"] and run["window"] < n[-1]:
        ax.axvline(run["window"], color="grey", lw=0.8, ls=":", label=f"trained window {run['window']}")
    ax.set_xlabel("position (keys visible)")
    ax.set_ylabel("attention entropy (nats)")
    ax.set_title(f"{run['name']} ({run['method']}, {run['n_docs']} docs)")
    ax.legend(fontsize=7, ncol=2)
    save_figure(fig, out, stem)


def heatmap(run, out):
    fig, ax = plt.subplots(figsize=(7, 0.25 * len(run["layers"]) + 2))
    im = ax.imshow(run["mean"], aspect="auto", origin="lower", interpolation="nearest",
                   extent=[0.5, run["mean"].shape[1] + 0.5, -0.5, len(run["layers"]) - 0.5])
    ax.set_yticks(range(len(run["layers"])))
    ax.set_yticklabels([str(l) for l in run["layers"]], fontsize=6)
    ax.set_xlabel("position")
    ax.set_ylabel("layer")
    ax.set_title(f"{run['name']}: head-mean entropy (nats)")
    fig.colorbar(im, ax=ax)
    save_figure(fig, out, f"heatmap_{safe_stem(run['name'])}")


def methods(runs, layer, out):
    fig, ax = plt.subplots(figsize=(6.4, 4.2))
    longest = 0
    for r in runs:
        hit = np.where(r["layers"] == layer)[0]
        if len(hit) == 0:
            continue
        n = np.arange(1, r["mean"].shape[1] + 1)
        longest = max(longest, n[-1])
        ax.plot(n, r["mean"][hit[0]], lw=1.0, label=f"{r['name']} ({r['method']})")
    n = np.arange(1, longest + 1)
    ax.plot(n, np.log(n), "k--", lw=1.2, label="uniform (ln n)")
    ax.set_xlabel("position (keys visible)")
    ax.set_ylabel("attention entropy (nats)")
    ax.set_title(f"layer {layer}: methods compared")
    ax.legend(fontsize=7)
    save_figure(fig, out, f"methods_layer{layer}")


def main():
    ap = plot_parser(__doc__)
    ap.add_argument("file")
    ap.add_argument("--layers", default="", help="layers for Figure 1, e.g. 0,1,15,31 (default: a spread)")
    ap.add_argument("--compare-layer", type=int, default=None, help="layer of the method comparison (default: last common)")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    runs = load_runs(a.file)
    try:
        wanted = [int(x) for x in a.layers.split(",") if x.strip()]
    except ValueError:
        fail(f"--layers: '{a.layers}' is not a comma-separated list of layer indices")
    for k, r in enumerate(runs):
        layers = pick_layers(r, wanted)
        figure1(r, layers, a.out, f"entropy_vs_position_{safe_stem(r['name'])}")
        if k == 0:
            figure1(r, layers, a.out, "entropy_vs_position")
        heatmap(r, a.out)
    common = set(runs[0]["layers"].tolist())
    for r in runs[1:]:
        common &= set(r["layers"].tolist())
    layer = a.compare_layer if a.compare_layer is not None else (max(common) if common else int(runs[0]["layers"][-1]))
    if not any(layer in r["layers"].tolist() for r in runs):
        fail(f"--compare-layer: layer {layer} is recorded in no run")
    methods(runs, layer, a.out)
    print(f"wrote figures for {len(runs)} run(s) to {a.out}")


if __name__ == "__main__":
    main()
