"""Peer for packages/tfjs/bench/run.mjs: the same SSD7 base-net training step in PyTorch (CPU).

Usage: peer.py SIZE REPS INPUT_FILE  (INPUT_FILE: float32 NHWC batch of 8, written by run.mjs)
Prints JSON: median wall ms and CPU ms per step with default threads and with torch.set_num_threads(1).
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "python"))
from timing import median_ms  # noqa: E402

size, reps, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
channels = [3, 32, 48, 64, 64, 48, 48, 32]
layers = []
for i in range(7):
    layers += [nn.Conv2d(channels[i], channels[i + 1], 3, padding=1), nn.BatchNorm2d(channels[i + 1]), nn.ReLU(inplace=True)]
    if i < 6:
        layers.append(nn.MaxPool2d(2, 2))
net = nn.Sequential(*layers).train()
x = torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(8, size, size, 3)).permute(0, 3, 1, 2).contiguous()


def step():
    net.zero_grad()
    loss = net(x).pow(2).mean()
    loss.backward()
    loss.item()


def cpu_ms():
    t0 = time.process_time()
    step()
    return (time.process_time() - t0) * 1000


r = {"threads": torch.get_num_threads()}
r["step"] = median_ms(step, warmup=1, reps=reps)
r["cpu"] = sorted(cpu_ms() for _ in range(reps))[reps // 2]
torch.set_num_threads(1)
r["step_1t"] = median_ms(step, warmup=1, reps=reps)
r["cpu_1t"] = sorted(cpu_ms() for _ in range(reps))[reps // 2]
r["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(r))
