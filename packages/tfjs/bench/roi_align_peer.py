"""Peer for packages/tfjs/bench/roi-align.mjs: torchvision.ops.roi_align on the CPU, 1 thread, same inputs.

Usage: roi_align_peer.py DIR REPS '[N, H, W, C, K, outH, outW, spatial_scale, sampling_ratio]'
DIR holds features.f32 (NHWC), boxes.f32 ([K, 4] xyxy, all in image 0) and dy.f32 ([K, outH, outW, C]).
Prints JSON: median CPU ms of the forward and of forward + backward (gradient w.r.t. the features), and the
sum of the pooled output.
"""
import json
import os
import sys
import time

import numpy as np
import torch
from torchvision.ops import roi_align

folder, reps = sys.argv[1], int(sys.argv[2])
n, h, w, c, k, out_h, out_w, scale, ratio = json.loads(sys.argv[3])
torch.set_num_threads(1)
features = torch.from_numpy(np.fromfile(os.path.join(folder, "features.f32"), dtype=np.float32).reshape(n, h, w, c)).permute(0, 3, 1, 2).contiguous()
boxes = torch.from_numpy(np.fromfile(os.path.join(folder, "boxes.f32"), dtype=np.float32).reshape(k, 4))
rois = torch.cat([torch.zeros(k, 1), boxes], 1)
dy = torch.from_numpy(np.fromfile(os.path.join(folder, "dy.f32"), dtype=np.float32).reshape(k, out_h, out_w, c)).permute(0, 3, 1, 2).contiguous()


def forward():
    with torch.no_grad():
        return roi_align(features, rois, (out_h, out_w), spatial_scale=scale, sampling_ratio=ratio, aligned=False)


def both():
    f = features.detach().requires_grad_(True)
    roi_align(f, rois, (out_h, out_w), spatial_scale=scale, sampling_ratio=ratio, aligned=False).backward(dy)
    return f.grad


def cpu_ms(fn):
    fn()
    times = []
    for _ in range(reps):
        t0 = time.process_time()
        fn()
        times.append((time.process_time() - t0) * 1000)
    return sorted(times)[reps // 2]


print(json.dumps({"fwd": cpu_ms(forward), "both": cpu_ms(both), "sum": float(forward().sum())}))
