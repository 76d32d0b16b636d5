"""Schema kinds and versions of ropelab's HDF5 outputs, for the Python readers (plots/, analysis/,
the tests' hand-made files): the constants of core/output/output_file.h stated once on this side
(tests/unit/test_output_file.cpp reads this file and checks that they equal the C++ ones), and the
reader's check with the C++ reader's messages.

A file's root carries `schema_kind` and `schema_version`; a reader refuses another kind or version,
naming the file, what it is and what was expected ("train.h5: a train_log file (schema v2), not an
entropy file"). A file without `schema_kind` predates file kinds: re-run the command that wrote it.
"""
from collections import namedtuple

Schema = namedtuple("Schema", "kind version")

ENTROPY = Schema("entropy", 2)
EVAL = Schema("eval", 2)
TRAIN_LOG = Schema("train_log", 2)
FORWARD = Schema("forward", 1)


class SchemaError(ValueError):
    """A file of another kind or version than the reader expects; the message names the file."""


def _text(v):
    return v.decode() if isinstance(v, bytes) else str(v)


def _a(kind):
    return ("an " if kind[:1] in "aeiou" else "a ") + kind + " file"


def check(f, path, expected):
    """Raise SchemaError unless the open h5py file `f` (read from `path`) is an `expected` file."""
    if "schema_kind" not in f.attrs:
        raise SchemaError(f"{path}: not {_a(expected.kind)} (no schema_kind attribute: another program's file, "
                          "or one written by ropelab before file kinds were recorded; re-run the command that "
                          "wrote it)")
    kind = _text(f.attrs["schema_kind"])
    version = int(f.attrs.get("schema_version", -1))
    if (kind, version) == tuple(expected):
        return
    same = kind == expected.kind
    raise SchemaError(f"{path}: {_a(kind)} (schema v{version}), not {_a(expected.kind)}"
                      + (f" of schema v{expected.version} (re-run the command that wrote it)" if same else ""))


def stamp(f, schema):
    """Root attributes a writer of `schema` sets (for hand-made test files)."""
    f.attrs["schema_kind"] = schema.kind
    f.attrs["schema_version"] = schema.version
