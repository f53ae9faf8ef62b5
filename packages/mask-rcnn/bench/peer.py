"""Peer for packages/mask-rcnn/bench/run.mjs: torchvision 0.14 `maskrcnn_resnet50_fpn` inference on PyTorch CPU, 1 thread.

Usage:
  peer.py weights OUT.safetensors SIZE   random weights (seed 0) written for both sides: BatchNorm statistics and affine
                                         values randomised, RPN and class/mask logits scaled (as
                                         scripts/fixtures/maskrcnn_reference.py) so that proposals and the 100
                                         detections are not degenerate
  peer.py forward REPS INPUT SIZE        median wall ms of model([x]) (eval, min_size = max_size = SIZE: no resize)
Prints JSON: wall ms, detections, peak RSS MiB.
"""
import json
import os
import resource
import sys
import time

import numpy as np
import torch
from torchvision.models.detection import maskrcnn_resnet50_fpn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "python"))
from maskrcnn_random import randomise_norms, spread_rpn_head  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

torch.set_grad_enabled(False)
torch.set_num_threads(1)


def build(size):
    return maskrcnn_resnet50_fpn(weights=None, weights_backbone=None, num_classes=91, min_size=size, max_size=size).eval()


def randomise(model):
    randomise_norms(model)
    spread_rpn_head(model)
    model.roi_heads.box_predictor.cls_score.weight.mul_(60)
    model.roi_heads.mask_predictor.mask_fcn_logits.weight.mul_(4)


mode = sys.argv[1]
if mode == "weights":
    torch.manual_seed(0)
    model = build(int(sys.argv[3]))
    randomise(model)
    write_safetensors(sys.argv[2], {k: v.float() for k, v in model.state_dict().items()})
    print(json.dumps({"ok": True}))
else:
    reps, path, size = int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    torch.manual_seed(0)  # the same weights as `peer.py weights` wrote (same seed, same draws)
    model = build(size)
    randomise(model)
    x = torch.from_numpy(np.fromfile(path, dtype=np.float32).reshape(size, size, 3)).permute(2, 0, 1).contiguous()
    out = model([x])  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        out = model([x])
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    print(json.dumps({"wall": times[len(times) // 2], "detections": int(out[0]["boxes"].shape[0]),
                      "rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
