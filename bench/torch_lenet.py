"""PyTorch's side of the lenet bench (bench/lenet.ts runs it as a child process): d2l's LeNet on the
CPU with one thread, from the state, images and labels wasmconv wrote to a safetensors file.

    python3 bench/torch_lenet.py <operands.safetensors> <result.safetensors> [--quick]

It runs one inference and then one training step from those operands and writes what they give
(the logits, and the parameters after the step) for the bench to check against its reference, then
times the training step (forward, cross entropy, backward, SGD lr 0.9) and the inference (eval,
no_grad) and prints one JSON line: {"torch": version, "train": [ms...], "infer": [ms...]}.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "scripts"))

import torch  # noqa: E402
from torch import nn  # noqa: E402

from fixtures import safetensors_format as st  # noqa: E402

torch.set_num_threads(1)


def lenet():
    return nn.Sequential(
        nn.Conv2d(1, 6, kernel_size=5, padding=2), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2),
        nn.Conv2d(6, 16, kernel_size=5), nn.Sigmoid(), nn.AvgPool2d(kernel_size=2, stride=2), nn.Flatten(),
        nn.Linear(16 * 5 * 5, 120), nn.Sigmoid(), nn.Linear(120, 84), nn.Sigmoid(), nn.Linear(84, 10))


def timings(fn, budget, warmup=3):
    for _ in range(warmup):
        fn()
    samples = []
    end = time.perf_counter() + budget
    while time.perf_counter() < end or len(samples) < 5:
        t0 = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - t0) * 1000)
    return samples


def main(operands, result, quick):
    with open(operands, "rb") as f:
        tensors, _ = st.load(f.read())
    x, y = tensors.pop("x"), tensors.pop("y").long()
    net = lenet()
    net.load_state_dict(tensors, strict=True)
    opt = torch.optim.SGD(net.parameters(), lr=0.9)
    loss = nn.CrossEntropyLoss()

    def train_step():
        net.train()
        opt.zero_grad()
        loss(net(x), y).backward()
        opt.step()

    def infer():
        net.eval()
        with torch.no_grad():
            return net(x)

    logits = infer()
    train_step()
    out = {k: v.detach().clone() for k, v in net.state_dict().items()}
    out["logits"] = logits
    st.save_file(out, result)
    budget = 0.3 if quick else 3.0
    print(json.dumps({"torch": torch.__version__, "train": timings(train_step, budget), "infer": timings(infer, budget)}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], "--quick" in sys.argv[3:])
