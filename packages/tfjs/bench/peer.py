"""Peer for packages/tfjs/bench/run.mjs: the same SSD7 base-net training step in PyTorch (CPU)."""
import json
import os
import resource
import sys

import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts", "python"))
from timing import median_ms  # noqa: E402

size, reps = int(sys.argv[1]), int(sys.argv[2])
channels = [3, 32, 48, 64, 64, 48, 48, 32]
layers = []
for i in range(7):
    layers += [nn.Conv2d(channels[i], channels[i + 1], 3, padding=1), nn.BatchNorm2d(channels[i + 1]), nn.ReLU(inplace=True)]
    if i < 6:
        layers.append(nn.MaxPool2d(2, 2))
net = nn.Sequential(*layers).train()
x = torch.randn(8, 3, size, size)


def step():
    net.zero_grad()
    loss = net(x).pow(2).mean()
    loss.backward()


r = {"threads": torch.get_num_threads()}
r["step"] = median_ms(step, warmup=1, reps=reps)
torch.set_num_threads(1)
r["step_1t"] = median_ms(step, warmup=1, reps=reps)
r["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(r))
