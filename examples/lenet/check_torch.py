"""Checks a state_dict that `npm run lenet -- --save FILE` wrote against PyTorch: builds the same
nn.Sequential in PyTorch (BatchNorm1d where wasmconv runs BatchNorm2d on [N, C, 1, 1]), loads the
file with load_state_dict(strict=True), predicts the 10,000 test images of the same split (read
from wasmconv's Fashion-MNIST cache) in eval mode, and compares the accuracy with the one wasmconv
reported (kept in the file's metadata).

    /usr/bin/python3 examples/lenet/check_torch.py FILE [--cache node_modules/.cache/wasmconv/fashion-mnist.bin]

Exits 1 when the accuracies differ by more than --tolerance images (default 2: a prediction whose
two best logits are within float32 rounding may go either way).
"""
import argparse
import os
import struct
import sys

import numpy as np
import torch
from torch import nn

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
from fixtures import safetensors_format as st  # noqa: E402
from fixtures.networks import lenet_d2l  # noqa: E402  (d2l's LeNet, as the networks fixtures build it)

# the cache's layout: examples/lenet/fashion-mnist.ts
MAGIC, VERSION, HEADER_BYTES, PIXELS = b"WCFMNIST", 1, 96, 28 * 28
TRAIN_PER_CLASS, TEST_PER_CLASS = 6000, 1000


def lenet_modern():
    """examples/lenet/train.ts's modern model: d2l's BatchNorm LeNet with ReLU and max pooling."""
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.BatchNorm2d(6), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(kernel_size=2, stride=2),
        nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.BatchNorm1d(120), nn.ReLU(),
        nn.Linear(120, 84), nn.BatchNorm1d(84), nn.ReLU(),
        nn.Linear(84, 10))


MODELS = {"lenet-d2l": lenet_d2l, "lenet-modern": lenet_modern}


def fashion_mnist(cache):
    """The train and test images (scaled as ToTensor does) and labels of the split that `npm run lenet` uses."""
    with open(cache, "rb") as f:
        data = f.read()
    if data[:8] != MAGIC or struct.unpack_from("<I", data, 8)[0] != VERSION:
        sys.exit(f"{cache} is not a version {VERSION} wasmconv Fashion-MNIST cache: run npm run lenet once to make it")
    (n,) = struct.unpack_from("<I", data, 12)
    labels = np.frombuffer(data, np.uint8, n, HEADER_BYTES)
    pixels = np.frombuffer(data, np.uint8, n * PIXELS, HEADER_BYTES + n).reshape(n, 1, 28, 28)
    by_class = [np.flatnonzero(labels == c) for c in range(10)]
    train = np.concatenate([i[:TRAIN_PER_CLASS] for i in by_class])
    test = np.concatenate([i[TRAIN_PER_CLASS:TRAIN_PER_CLASS + TEST_PER_CLASS] for i in by_class])

    def tensors(rows):
        return torch.from_numpy(pixels[rows].copy()).float() / 255, torch.from_numpy(labels[rows].astype(np.int64))

    return tensors(train), tensors(test)


DEFAULT_CACHE = os.path.join(ROOT, "node_modules", ".cache", "wasmconv", "fashion-mnist.bin")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("file")
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    parser.add_argument("--tolerance", type=int, default=2)
    args = parser.parse_args()
    with open(args.file, "rb") as f:
        state, metadata = st.load(f.read())
    net = MODELS[metadata["model"]]()
    net.load_state_dict(state, strict=True)  # num_batches_tracked: float32 in the file, copied into PyTorch's int64
    net.eval()
    _, (x, y) = fashion_mnist(args.cache)
    with torch.no_grad():
        logits = torch.cat([net(x[i:i + 1000]) for i in range(0, len(x), 1000)])
    right = int((logits.argmax(1) == y).sum())
    reported = float(metadata["test_accuracy"])
    print(f"{metadata['model']}: load_state_dict(strict=True) took {len(state)} tensors")
    print(f"PyTorch {torch.__version__} test accuracy {right / len(y):.4f} ({right}/{len(y)}), wasmconv reported {reported:.4f}"
          f" ({round(reported * len(y))}/{len(y)})")
    if abs(right - round(reported * len(y))) > args.tolerance:
        sys.exit(f"the accuracies differ by more than {args.tolerance} images")


if __name__ == "__main__":
    main()
