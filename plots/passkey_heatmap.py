#!/usr/bin/python3
"""Passkey accuracy heat maps (length x depth) from a `ropelab passkey` file.

usage: passkey_heatmap.py FILE.h5 --out DIR

One figure per complete run /eval/<run>/passkey: passkey_<run>.{png,pdf}. Incomplete runs are
skipped with a note on stderr.
"""
import argparse
import os
import re
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from plot_input import EVAL, array, attr, fail, open_output  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("file")
    ap.add_argument("--out", required=True)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    n = 0
    with open_output(a.file, EVAL) as f:
        for run, g in f.get("eval", {}).items():
            if "passkey" not in g:
                continue
            p = g["passkey"]
            if not bool(p.attrs.get("complete", False)):
                print(f"{a.file}: /eval/{run}/passkey is incomplete; skipped", file=sys.stderr)
                continue
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
            stem = "passkey_" + re.sub(r"[^A-Za-z0-9_.@-]+", "_", run)
            for ext in ("png", "pdf"):
                fig.savefig(os.path.join(a.out, f"{stem}.{ext}"), dpi=150, bbox_inches="tight")
            plt.close(fig)
            n += 1
    if not n:
        fail(f"{a.file}: no complete passkey runs")
    print(f"wrote {n} passkey heat map(s) into {a.out}")


if __name__ == "__main__":
    main()
