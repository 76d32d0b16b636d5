#!/usr/bin/python3
"""Passkey accuracy heat maps (length x depth) from a `ropelab passkey` file.

usage: passkey_heatmap.py FILE.h5 --out DIR

One figure per complete run /eval/<run>/passkey: passkey_<run>.{png,pdf}. Incomplete runs are
skipped with a note on stderr.
"""
import os

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from plot_input import (EVAL, array, attr, complete_runs, fail, open_output, plot_parser,  # noqa: E402
                        safe_stem, save_figure)


def main():
    ap = plot_parser(__doc__)
    ap.add_argument("file")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    n = 0
    with open_output(a.file, EVAL) as f:
        for run, p in complete_runs(f, "passkey", a.file):
            acc = array(p, "accuracy", a.file, 2)  # [length, depth]
            lengths, depths = array(p, "lengths", a.file, 1), array(p, "depths", a.file, 1)
            if acc.shape != (len(lengths), len(depths)):
                fail(f"{a.file}: {p.name}/accuracy is {acc.shape[0]}x{acc.shape[1]}, "
                     f"not lengths x depths = {len(lengths)}x{len(depths)}")
            trials = int(attr(p, "trials", a.file))
            fig, ax = plt.subplots(figsize=(1.2 + 0.7 * len(lengths), 1.2 + 0.5 * len(depths)))
            im = ax.imshow(acc.T, vmin=0, vmax=1, cmap="RdYlGn", aspect="auto", origin="upper")
            ax.set_xticks(range(len(lengths)))
            ax.set_xticklabels([str(int(l)) for l in lengths], rotation=45)
            ax.set_yticks(range(len(depths)))
            ax.set_yticklabels([f"{d:g}" for d in depths])
            ax.set_xlabel("prompt length (tokens)")
            ax.set_ylabel("key depth")
            ax.set_title(f"passkey accuracy: {run} ({trials} trials)")
            fig.colorbar(im, ax=ax)
            stem = "passkey_" + safe_stem(run)
            save_figure(fig, a.out, stem)
            n += 1
    if not n:
        fail(f"{a.file}: no complete passkey runs")
    print(f"wrote {n} passkey heat map(s) into {a.out}")


if __name__ == "__main__":
    main()
