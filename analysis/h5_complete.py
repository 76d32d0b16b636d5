#!/usr/bin/python3
"""Is a run of a ropelab HDF5 file finished? The toolkit's run convention
(core/output/output_file.h): a writer sets the run group's `complete` attribute False first and
True last, so a group whose writer died reads as incomplete. One rule, used by the study's readers
(study_data.py) and by run_mini.sh to reuse finished evaluations instead of keeping marker files of
its own.

usage: h5_complete.py FILE GROUP     e.g. h5_complete.py out/demo/eval.h5 /eval/base-s0/ppl
exit 0: complete; 1: not (yet): FILE or GROUP absent, or `complete` false or not written;
exit 2: FILE is not a readable HDF5 file, GROUP is not a group, or `complete` is not a boolean.
"""
import os
import sys

import h5py
import numpy as np


class CompletenessError(ValueError):
    """A file or group that cannot be judged; the message names it."""


def group_complete(g):
    """True when the run group `g` (h5py.Group) was written to the end."""
    if "complete" not in g.attrs:
        return False
    v = g.attrs["complete"]
    if not isinstance(v, (bool, np.bool_)):  # h5py reads the toolkit's bool enum as numpy.bool_
        raise CompletenessError(f"{g.file.filename}: {g.name} attribute 'complete' is {v!r}, not a boolean")
    return bool(v)


def run_complete(path, group):
    """True when FILE:GROUP is a complete run; False when the file or group does not exist (yet)."""
    if not os.path.exists(path):
        return False
    try:
        f = h5py.File(path, "r")
    except OSError as e:
        raise CompletenessError(f"{path}: not a readable HDF5 file ({e})") from None
    with f:
        g = f.get(group)
        if g is None:
            return False
        if not isinstance(g, h5py.Group):
            raise CompletenessError(f"{path}: {group} is not a group")
        return group_complete(g)


def main():
    if len(sys.argv) != 3:
        print("usage: h5_complete.py FILE GROUP", file=sys.stderr)
        sys.exit(2)
    try:
        sys.exit(0 if run_complete(sys.argv[1], sys.argv[2]) else 1)
    except CompletenessError as e:
        print(f"h5_complete: {e}", file=sys.stderr)
        sys.exit(2)


if __name__ == "__main__":
    main()
