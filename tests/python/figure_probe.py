#!/usr/bin/python3
"""Runs a plot script as `python3 SCRIPT ARGS...` would, and records what each PNG it saves shows, so
that a test can check the numbers drawn and not only that a file appeared.

usage: figure_probe.py RECORD.json SCRIPT [ARGS...]

The script runs unchanged (same sys.argv, sys.path[0] = its folder, __name__ == "__main__", its exit
status passed on); Figure.savefig is wrapped: after the real save of a .png, the figure is described
into RECORD.json (a list, in save order, written also when the script fails): per axes its title,
labels, scales, tick labels, legend entries, lines (label, x, y, linestyle), bar groups (label,
heights), error-bar series (label, x, y, yerr or None) and images (the array shown); plus the
suptitle. axvline/axhline are lines whose x (or y) is constant.
"""
import json
import os
import runpy
import sys

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.container import BarContainer, ErrorbarContainer  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402


def floats(a):
    return [None if not np.isfinite(v) else float(v) for v in np.asarray(a, dtype=float).ravel()]


def errorbar(c):
    line, _, cols = c.lines
    yerr = None
    if cols:  # one segment per point: (x, y - e) to (x, y + e)
        yerr = [None if not np.isfinite(s[1][1] - s[0][1]) else float((s[1][1] - s[0][1]) / 2)
                for s in cols[0].get_segments()]
    return {"label": c.get_label(), "x": floats(line.get_xdata()), "y": floats(line.get_ydata()), "yerr": yerr}


def axes(ax):
    legend = ax.get_legend()
    return {
        "title": ax.get_title(), "xlabel": ax.get_xlabel(), "ylabel": ax.get_ylabel(),
        "xscale": ax.get_xscale(), "yscale": ax.get_yscale(), "ylim": floats(ax.get_ylim()),
        "xticklabels": [t.get_text() for t in ax.get_xticklabels()],
        "yticklabels": [t.get_text() for t in ax.get_yticklabels()],
        "legend": [t.get_text() for t in legend.get_texts()] if legend else [],
        "lines": [{"label": l.get_label(), "x": floats(l.get_xdata()), "y": floats(l.get_ydata()),
                   "linestyle": l.get_linestyle()} for l in ax.get_lines()],
        "bars": [{"label": c.get_label(), "heights": floats([p.get_height() for p in c.patches])}
                 for c in ax.containers if isinstance(c, BarContainer)],
        "errorbars": [errorbar(c) for c in ax.containers
                      if isinstance(c, ErrorbarContainer) and not c.get_label().startswith("_")],
        "images": [np.asarray(im.get_array(), dtype=float).tolist() for im in ax.get_images()],
    }


def main():
    record, script = sys.argv[1], sys.argv[2]
    saved = []
    real_savefig = Figure.savefig

    def savefig(fig, fname, *args, **kwargs):
        real_savefig(fig, fname, *args, **kwargs)  # drawn first: tick labels are set by then
        if str(fname).endswith(".png"):
            saved.append({"path": os.path.abspath(str(fname)),
                          "suptitle": fig._suptitle.get_text() if fig._suptitle else "",
                          "axes": [axes(ax) for ax in fig.axes if ax.get_label() != "<colorbar>"]})

    Figure.savefig = savefig
    sys.argv = [script] + sys.argv[3:]
    sys.path.insert(0, os.path.dirname(os.path.abspath(script)))
    try:
        runpy.run_path(script, run_name="__main__")
    finally:
        with open(record, "w") as f:
            json.dump(saved, f)


if __name__ == "__main__":
    main()
