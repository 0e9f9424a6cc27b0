"""`npm run lenet`'s training in PyTorch, to put beside it: the same model, initialisation recipe,
optimizer, batch size, epochs and Fashion-MNIST split (read from wasmconv's cache), on one CPU
thread (torch.set_num_threads(1)), printing the same columns per epoch.

    /usr/bin/python3 examples/lenet/train_torch.py [--model d2l|modern] [--epochs 10] [--batch-size 256]

The initial weights and the shuffling come from PyTorch's generator, not wasmconv's, so the two runs
are two draws of the same recipe: compare accuracies within a run-to-run spread, and speeds
directly. Examples per second count the optimizer steps only, as d2l's train_ch6 does.
"""
import argparse
import time

import torch
from torch import nn

from check_torch import DEFAULT_CACHE, MODELS, fashion_mnist

LR = {"d2l": 0.9, "modern": 1e-3}


def init_weights(m):
    """d2l's init_weights: xavier_uniform_ on every Conv2d and Linear weight."""
    if isinstance(m, (nn.Conv2d, nn.Linear)):
        nn.init.xavier_uniform_(m.weight)


def accuracy(net, x, y, batch_size):
    net.eval()
    with torch.no_grad():
        right = sum(int((net(x[i:i + batch_size]).argmax(1) == y[i:i + batch_size]).sum()) for i in range(0, len(x), batch_size))
    net.train()
    return right / len(x)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", choices=LR, default="d2l")
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--cache", default=DEFAULT_CACHE)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(args.seed)
    (train_x, train_y), (test_x, test_y) = fashion_mnist(args.cache)
    net = MODELS[f"lenet-{args.model}"]()
    net.apply(init_weights)
    optimizer = (torch.optim.SGD(net.parameters(), lr=LR["d2l"]) if args.model == "d2l"
                 else torch.optim.Adam(net.parameters(), lr=LR["modern"]))
    loss_fn = nn.CrossEntropyLoss()
    print(f"PyTorch {torch.__version__}, 1 thread: LeNet ({args.model}) on Fashion-MNIST, {args.epochs} epochs, batch {args.batch_size}")
    print("epoch   loss  train acc  test acc  examples/s  seconds")
    net.train()
    for epoch in range(1, args.epochs + 1):
        start = time.perf_counter()
        order = torch.randperm(len(train_x))
        loss_sum, right, training_seconds = 0.0, 0, 0.0
        for i in range(0, len(order), args.batch_size):
            rows = order[i:i + args.batch_size]
            x, y = train_x[rows], train_y[rows]
            step = time.perf_counter()
            logits = net(x)
            loss = loss_fn(logits, y)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            training_seconds += time.perf_counter() - step
            loss_sum += float(loss) * len(y)
            right += int((logits.argmax(1) == y).sum())
        test = accuracy(net, test_x, test_y, args.batch_size)
        print(f"{epoch:5d}  {loss_sum / len(order):.3f}  {right / len(order):9.3f}  {test:8.3f}"
              f"  {len(order) / training_seconds:10.0f}  {time.perf_counter() - start:7.1f}")


if __name__ == "__main__":
    main()
