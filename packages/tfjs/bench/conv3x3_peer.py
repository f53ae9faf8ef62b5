"""Peer for packages/tfjs/bench/winograd.mjs: torch.nn.functional.conv2d (3×3, stride 1, padding 1) on the CPU,
1 thread, for each layer shape.

Usage: conv3x3_peer.py REPS '[[size, in_channels, out_channels], ...]'
Prints JSON: {"ms": [median wall ms per shape], "threads": torch's default thread count}.
"""
import json
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "python"))
from timing import median_ms  # noqa: E402

reps = int(sys.argv[1])
shapes = json.loads(sys.argv[2])
default_threads = torch.get_num_threads()
torch.set_num_threads(1)
torch.manual_seed(0)
out = []
for size, cin, cout in shapes:
    x = torch.randn(1, cin, size, size)
    w = torch.randn(cout, cin, 3, 3) * 0.05
    with torch.no_grad():
        out.append(median_ms(lambda: F.conv2d(x, w, padding=1), warmup=2, reps=reps))
print(json.dumps({"ms": out, "threads": default_threads}))
