"""Peer for packages/segmentation/bench/run.mjs: the same PSPNet-ResNet50 (output stride 8, bins 1/2/3/6, aux head)
in PyTorch 1.13 CPU, 1 thread.

Usage: peer.py forward|train REPS INPUT_FILE [BATCH] (forward: eval, default batch 1; train: one training step, default
batch 2; 224×224)
Prints JSON: median wall ms, CPU ms, peak RSS MiB.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F
import torchvision
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "python"))
from timing import median_ms  # noqa: E402

torch.manual_seed(0)
default_threads = torch.get_num_threads()
torch.set_num_threads(1)


def head(cin, hidden, c):
    return nn.Sequential(nn.Conv2d(cin, hidden, 3, padding=1, bias=False), nn.BatchNorm2d(hidden), nn.ReLU(), nn.Dropout(0.1), nn.Conv2d(hidden, c, 1))


class PSPNet(nn.Module):
    def __init__(self, c=21, bins=(1, 2, 3, 6)):
        super().__init__()
        r = torchvision.models.resnet50(weights=None, replace_stride_with_dilation=[False, True, True])
        self.stem = nn.Sequential(r.conv1, r.bn1, r.relu, r.maxpool, r.layer1, r.layer2, r.layer3)
        self.layer4 = r.layer4
        self.stages = nn.ModuleList(
            [nn.Sequential(nn.AdaptiveAvgPool2d(b), nn.Conv2d(2048, 512, 1, bias=False), nn.BatchNorm2d(512), nn.ReLU(inplace=True)) for b in bins])
        self.cls = head(4096, 512, c)
        self.aux = head(1024, 256, c)

    def forward(self, x):
        size = x.shape[2:]
        l3 = self.stem(x)
        l4 = self.layer4(l3)
        p = torch.cat([l4] + [F.interpolate(s(l4), size=l4.shape[2:], mode="bilinear", align_corners=False) for s in self.stages], 1)
        out = F.interpolate(self.cls(p), size=size, mode="bilinear", align_corners=False)
        if not self.training:
            return out, None
        return out, F.interpolate(self.aux(l3), size=size, mode="bilinear", align_corners=False)


mode, reps, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
batch = int(sys.argv[4]) if len(sys.argv) > 4 else (1 if mode == "forward" else 2)
x = torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(batch, 224, 224, 3)).permute(0, 3, 1, 2).contiguous()
model = PSPNet()
if mode == "forward":
    model.eval()

    def step():
        with torch.no_grad():
            out, _ = model(x)
        out.sum().item()
else:
    model.train()
    labels = torch.randint(0, 21, (batch, 224, 224))

    def step():
        model.zero_grad()
        out, aux = model(x)
        loss = F.cross_entropy(out, labels, ignore_index=255) + 0.4 * F.cross_entropy(aux, labels, ignore_index=255)
        loss.backward()
        loss.item()


def cpu_ms():
    t0 = time.process_time()
    step()
    return (time.process_time() - t0) * 1000


r = {"threads": default_threads, "wall": median_ms(step, warmup=1, reps=reps)}
r["cpu"] = sorted(cpu_ms() for _ in range(reps))[reps // 2]
r["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(r))
