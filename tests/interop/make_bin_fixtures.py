"""Writes the torch.save fixtures of tests/unit/test_pytorch_bin.cpp into data/pytorch_bin/ (run
once with the interop venv's Python; the files are committed, so `make test` needs no torch).
Values are hand-checkable: arange and small integers."""
import os
import sys
from collections import OrderedDict

import torch

OUT = os.path.join(os.path.dirname(__file__), "..", "..", "data", "pytorch_bin")


class Payload:  # what a malicious or careless checkpoint holds: an arbitrary class instance
    def __reduce__(self):
        return (os.system, ("echo this-must-never-run",))


def main():
    os.makedirs(OUT, exist_ok=True)
    a = torch.arange(6, dtype=torch.float32).view(2, 3)               # [[0,1,2],[3,4,5]]
    base = torch.arange(12, dtype=torch.float32).view(3, 4)
    view = base[1:, 1:3]                                             # offset 5, strides (4,1): [[5,6],[9,10]]
    b = torch.tensor([0.5, -2.0, 3.0], dtype=torch.bfloat16)
    torch.save({"a": a, "view": view, "b": b}, os.path.join(OUT, "dict.bin"))
    lin = torch.nn.Linear(3, 2)
    with torch.no_grad():
        lin.weight.copy_(torch.tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]))
        lin.bias.copy_(torch.tensor([7.0, 8.0]))
    sd = lin.state_dict()                                            # OrderedDict with _metadata
    assert isinstance(sd, OrderedDict) and hasattr(sd, "_metadata")
    torch.save(sd, os.path.join(OUT, "state_dict.bin"))
    torch.save({"a": a, "x": Payload()}, os.path.join(OUT, "code.bin"))
    torch.save({"model": {"a": a}}, os.path.join(OUT, "nested.bin"))
    torch.save({"a": a}, os.path.join(OUT, "legacy.bin"), _use_new_zipfile_serialization=False)
    print("wrote", sorted(os.listdir(OUT)), "with torch", torch.__version__, file=sys.stderr)


if __name__ == "__main__":
    main()
