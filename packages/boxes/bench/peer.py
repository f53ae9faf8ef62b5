"""Peer timings for packages/boxes/bench/run.mjs: torchvision box_iou and default-box generation.

Prints one JSON line of median milliseconds. Uses Debian's python3-torch / python3-torchvision.
"""
import json
import statistics
import sys
import time
from itertools import product
from math import sqrt

import torch
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.ops import box_iou


def median_ms(fn, warmup=20, reps=200):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def prior_box(cfg):
    """ssd.pytorch PriorBox.forward (the reference formula)."""
    mean = []
    for k, f in enumerate(cfg["feature_maps"]):
        for i, j in product(range(f), repeat=2):
            f_k = cfg["min_dim"] / cfg["steps"][k]
            cx, cy = (j + 0.5) / f_k, (i + 0.5) / f_k
            s_k = cfg["min_sizes"][k] / cfg["min_dim"]
            mean += [cx, cy, s_k, s_k]
            s_k_prime = sqrt(s_k * (cfg["max_sizes"][k] / cfg["min_dim"]))
            mean += [cx, cy, s_k_prime, s_k_prime]
            for ar in cfg["aspect_ratios"][k]:
                mean += [cx, cy, s_k * sqrt(ar), s_k / sqrt(ar)]
                mean += [cx, cy, s_k / sqrt(ar), s_k * sqrt(ar)]
    return torch.Tensor(mean).view(-1, 4).clamp_(max=1, min=0)


data = json.load(open(sys.argv[1]))
a = torch.tensor(data["a"], dtype=torch.float32).view(-1, 4)
b = torch.tensor(data["b"], dtype=torch.float32).view(-1, 4)
voc = {"feature_maps": [38, 19, 10, 5, 3, 1], "min_dim": 300, "steps": [8, 16, 32, 64, 100, 300],
       "min_sizes": [30, 60, 111, 162, 213, 264], "max_sizes": [60, 111, 162, 213, 264, 315],
       "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2], [2]]}
gen = DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]], steps=[8, 16, 32, 64, 100, 300])
images = ImageList(torch.zeros(1, 3, 300, 300), [(300, 300)])
feats = [torch.zeros(1, 1, f, f) for f in voc["feature_maps"]]

result = {"threads": torch.get_num_threads()}
with torch.no_grad():
    result["box_iou"] = median_ms(lambda: box_iou(a, b))
    result["prior_box"] = median_ms(lambda: prior_box(voc), warmup=3, reps=20)
    result["default_box_generator"] = median_ms(lambda: gen(images, feats), warmup=5, reps=50)
    torch.set_num_threads(1)
    result["box_iou_1t"] = median_ms(lambda: box_iou(a, b))
print(json.dumps(result))
