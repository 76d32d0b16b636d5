"""What the Python tests share before anything else: the repository root, and require(), which
imports the pip-free modules a test needs (Debian's python3-h5py, -numpy, -matplotlib) or exits 77,
CTest's 'skipped', so a machine without them reports the test SKIPPED instead of failing it."""
import importlib
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def require(*names):
    """The modules `names`, imported; prints "skipped: needs a, b and c" and exits 77 if one is missing."""
    try:
        return [importlib.import_module(n) for n in names]
    except ImportError:
        listed = ", ".join(names[:-1]) + " and " + names[-1] if len(names) > 1 else names[0]
        print(f"skipped: needs {listed}")
        sys.exit(77)
