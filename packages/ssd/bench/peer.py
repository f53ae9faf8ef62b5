"""Peer for packages/ssd/bench/run.mjs (PyTorch CPU, Debian torch 1.13 / torchvision 0.14).

Usage: peer.py forward REPS INPUT_FILE   torchvision ssd300_vgg16 (21 classes), eval, head(backbone(x)), batch 1
       peer.py train SIZE REPS INPUT_FILE  SSD7 (seed 000's net, 21 classes) forward + MultiBox loss + backward, batch 8
INPUT_FILE: float32 NHWC, written by run.mjs. Prints JSON: median wall ms, CPU ms, peak RSS, for 1 thread
(torch.set_num_threads(1); this machine's default is reported as `threads`).
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
mode = sys.argv[1]


def cpu_ms(fn, reps):
    out = []
    for _ in range(reps):
        t0 = time.process_time()
        fn()
        out.append((time.process_time() - t0) * 1000)
    return sorted(out)[reps // 2]


def load(path, n, size):
    return torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(n, size, size, 3)).permute(0, 3, 1, 2).contiguous()


if mode == "forward":
    reps, path = int(sys.argv[2]), sys.argv[3]
    model = torchvision.models.detection.ssd300_vgg16(weights=None, weights_backbone=None, num_classes=21).eval()
    x = load(path, 1, 300)

    def step():
        with torch.no_grad():
            out = model.head(list(model.backbone(x).values()))
        out["cls_logits"].sum().item()
else:
    size, reps, path = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    channels = [3, 32, 48, 64, 64, 48, 48, 32]
    base = []
    for i in range(7):
        base += [nn.Conv2d(channels[i], channels[i + 1], 3, padding=1), nn.BatchNorm2d(channels[i + 1]), nn.ReLU(inplace=True)]
        if i < 6:
            base.append(nn.MaxPool2d(2, 2))
    base = nn.ModuleList(base)
    sources = [14, 18, 22, 26]
    loc = nn.ModuleList([nn.Conv2d(c, 16, 3, padding=1) for c in [64, 48, 48, 32]])
    conf = nn.ModuleList([nn.Conv2d(c, 84, 3, padding=1) for c in [64, 48, 48, 32]])
    params = list(base.parameters()) + list(loc.parameters()) + list(conf.parameters())
    x = load(path, 8, size)
    with torch.no_grad():
        h, maps = x, []
        for i, layer in enumerate(base):
            h = layer(h)
            if i in sources:
                maps.append(h)
        priors = sum(m.shape[2] * m.shape[3] * 4 for m in maps)
    # Fixed targets: ~1% positives per image (what a few objects give), random classes and offsets.
    g = torch.Generator().manual_seed(0)
    labels = torch.zeros(8, priors, dtype=torch.long)
    pos = torch.rand(8, priors, generator=g) < 0.01
    labels[pos] = torch.randint(1, 21, (int(pos.sum()),), generator=g)
    loc_t = torch.randn(8, priors, 4, generator=g)

    def step():
        for p in params:
            p.grad = None
        h, locs, confs = x, [], []
        for i, layer in enumerate(base):
            h = layer(h)
            if i in sources:
                k = sources.index(i)
                locs.append(loc[k](h).permute(0, 2, 3, 1).reshape(8, -1, 4))
                confs.append(conf[k](h).permute(0, 2, 3, 1).reshape(8, -1, 21))
        l, c = torch.cat(locs, 1), torch.cat(confs, 1)
        positive = labels > 0
        n = max(1, int(positive.sum()))
        loss_l = F.smooth_l1_loss(l[positive], loc_t[positive], reduction="sum")
        ce = F.cross_entropy(c.reshape(-1, 21), labels.reshape(-1), reduction="none").view(8, -1)
        neg = ce.detach().clone()
        neg[positive] = -float("inf")
        _, idx = neg.sort(1, descending=True)
        rank = idx.sort(1)[1]
        mined = rank < 3 * positive.sum(1, keepdim=True)
        loss = loss_l / n + (ce[positive].sum() + ce[mined].sum()) / n
        loss.backward()
        loss.item()

r = {"threads": default_threads}
r["wall"] = median_ms(step, warmup=1, reps=reps)
r["cpu"] = cpu_ms(step, reps)
r["rss_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(r))
