#!/usr/bin/python3
"""Input reading shared by the plot scripts: a missing or malformed input ends the script with one
line on stderr naming the file and what is wrong, and exit status 2 (the toolkit's convention for
bad input) — never a traceback, never a figure drawn from half an input.

As a command, `plot_input.py eval-kinds FILE.h5` prints the result kinds (passkey, ppl) that some
run of a `ropelab passkey` / `ropelab ppl` file holds, one per line; plots/run_all.sh uses it to
choose the figures of a folder without hiding a broken file.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "analysis"))
from output_schema import ENTROPY, EVAL, SchemaError, check  # noqa: E402,F401  (the writers' constants)


def fail(message):
    print(f"{os.path.basename(sys.argv[0])}: {message}", file=sys.stderr)
    sys.exit(2)


def read_text(path):
    try:
        with open(path, newline="") as f:
            return f.read()
    except FileNotFoundError:
        fail(f"{path}: no such file")
    except (OSError, UnicodeDecodeError) as e:
        fail(f"{path}: cannot read ({e})")


def read_json(path):
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as e:
        fail(f"{path}: not valid JSON ({e})")


def open_h5(path):
    import h5py

    if not os.path.isfile(path):
        fail(f"{path}: no such file")
    try:
        return h5py.File(path, "r")
    except OSError as e:
        fail(f"{path}: not a readable HDF5 file ({e})")


def open_output(path, schema):
    """open_h5, then refuse a file of another schema kind or version than `schema` (output_schema)."""
    f = open_h5(path)
    try:
        check(f, path, schema)
    except SchemaError as e:
        f.close()
        fail(str(e))
    return f


def member(group, name, path):
    """group[name] (a dataset or subgroup), or fail naming the file and the missing object."""
    if name not in group:
        fail(f"{path}: {group.name.rstrip('/')}/{name} is missing")
    return group[name]


def array(group, name, path, ndim):
    """The whole dataset group[name] as a numpy array of `ndim` dimensions."""
    d = member(group, name, path)
    if not hasattr(d, "shape") or len(d.shape) != ndim:
        fail(f"{path}: {d.name} must be a {ndim}-D dataset")
    return d[()]


def attr(obj, name, path):
    if name not in obj.attrs:
        fail(f"{path}: {obj.name} has no attribute {name}")
    return obj.attrs[name]


def score(value, where):
    """A score from a JSON file: a number, or None (a task the scorer could not score)."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        fail(f"{where}: {value!r} is not a number")
    return float(value)


def plot_parser(doc):
    """The plot scripts' argument parser: the script's docstring as its help, and --out DIR."""
    import argparse

    ap = argparse.ArgumentParser(description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", required=True, help="output directory")
    return ap


def labels_for(spec, paths, default, what):
    """The --labels value (comma-separated, one per input) or default(path) for each input."""
    labels = spec.split(",") if spec else [default(p) for p in paths]
    if len(labels) != len(paths):
        fail(f"--labels: one label per {what}")
    return labels


def complete_runs(f, kind, path):
    """(run name, group) for every /eval/<run>/<kind> of an open eval file whose `complete` flag is
    set; an incomplete one is skipped with a note on stderr (a run still being written, or cut off)."""
    for run, g in f.get("eval", {}).items():
        if kind not in g:
            continue
        p = g[kind]
        if not bool(p.attrs.get("complete", False)):
            print(f"{path}: /eval/{run}/{kind} is incomplete; skipped", file=sys.stderr)
            continue
        yield run, p


def safe_stem(name):
    """A run name as a file-name stem: runs of other characters than [A-Za-z0-9_.@-] become '_'."""
    return re.sub(r"[^A-Za-z0-9_.@-]+", "_", name)


def save_figure(fig, out, stem):
    """Writes OUT/STEM.png and OUT/STEM.pdf (every plot's two formats) and closes the figure."""
    import matplotlib.pyplot as plt

    for ext in ("png", "pdf"):
        fig.savefig(os.path.join(out, f"{stem}.{ext}"), dpi=150, bbox_inches="tight")
    plt.close(fig)


def finish_figure(fig, ax, out, stem, title, ylabel, xlabel=None, legend_fontsize=8):
    """The one-figure scripts' last step: axis labels, title and legend, then save_figure and a
    line saying where the figure went."""
    if xlabel is not None:
        ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=legend_fontsize)
    save_figure(fig, out, stem)
    print(f"wrote {out}/{stem}.png")


def eval_kinds(path):
    import h5py

    with open_output(path, EVAL) as f:
        runs = [g for g in f["eval"].values() if isinstance(g, h5py.Group)] if "eval" in f else []
        return sorted({k for g in runs for k in ("passkey", "ppl") if k in g})


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] != "eval-kinds":
        fail("usage: plot_input.py eval-kinds FILE.h5")
    print("\n".join(eval_kinds(sys.argv[2])))
