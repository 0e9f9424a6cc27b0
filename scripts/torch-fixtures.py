#!/usr/bin/env python3
"""Computes wasmconv's PyTorch fixtures: `npm run fixtures` (needs PyTorch; `npm test` does not).

For every public op: seeded inputs, the output, and the gradients of sum(out · dy) for a seeded
dy with respect to every differentiable argument; and short training runs from given initial
weights (each step's loss, the final weights). One file per family in tests/torch/data/, in the
container of scripts/fixtures/common.py, with the PyTorch version that made it; the vitest suites
in tests/torch/ run every case on both backends through the public API.

    python3 scripts/torch-fixtures.py [family ...]      (default: every family)
"""
import os
import sys
import time
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import torch  # noqa: E402

from fixtures import activation, conv, io, networks, norm, optim, pool, shape, tensor_ops, training  # noqa: E402

FAMILIES = {
    "conv": conv.build,
    "tensor": tensor_ops.build,
    "training": training.build,
    "optim": optim.build,
    "io": io.build,
    "shape": shape.build,
    "norm": norm.build,
    "networks": networks.build,
    "activation": activation.build,
    "pool": pool.build,
}
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "torch", "data")


def main(names):
    # F.conv2d's note that padding='same' with an even kernel pads a copy: expected, not news
    warnings.filterwarnings("ignore", message="Using padding='same'")
    torch.manual_seed(0)
    torch.set_num_threads(1)  # one summation order, the same on every machine
    unknown = [n for n in names if n not in FAMILIES]
    if unknown:
        raise SystemExit(f"torch-fixtures: unknown family {', '.join(unknown)}; the families are {', '.join(FAMILIES)}")
    os.makedirs(OUT, exist_ok=True)
    for name in names or FAMILIES:
        t0 = time.time()
        fam = FAMILIES[name]()
        size = fam.write(os.path.join(OUT, f"{name}.bin"))
        print(f"{name}: {len(fam.cases)} cases, {size / 1e6:.2f} MB, {time.time() - t0:.1f} s (torch {torch.__version__})")


if __name__ == "__main__":
    main(sys.argv[1:])
