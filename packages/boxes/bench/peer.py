"""Peer timings for packages/boxes/bench/run.mjs: torchvision box_iou and default-box generation.

Prints one JSON line of median milliseconds. Uses Debian's python3-torch / python3-torchvision.
"""
import json
import os
import sys

import torch
from torchvision.models.detection.anchor_utils import DefaultBoxGenerator
from torchvision.models.detection.image_list import ImageList
from torchvision.ops import box_iou

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts", "python"))
from ssd_reference import SSD300_VOC, prior_box  # noqa: E402
from timing import median_ms  # noqa: E402


data = json.load(open(sys.argv[1]))
a = torch.tensor(data["a"], dtype=torch.float32).view(-1, 4)
b = torch.tensor(data["b"], dtype=torch.float32).view(-1, 4)
voc = SSD300_VOC
gen = DefaultBoxGenerator([[2], [2, 3], [2, 3], [2, 3], [2], [2]], steps=[8, 16, 32, 64, 100, 300])
images = ImageList(torch.zeros(1, 3, 300, 300), [(300, 300)])
feats = [torch.zeros(1, 1, f, f) for f in voc["feature_maps"]]

result = {"threads": torch.get_num_threads()}
with torch.no_grad():
    result["box_iou"] = median_ms(lambda: box_iou(a, b), warmup=20, reps=200)
    result["prior_box"] = median_ms(lambda: prior_box(voc), warmup=3, reps=20)
    result["default_box_generator"] = median_ms(lambda: gen(images, feats), warmup=5, reps=50)
    torch.set_num_threads(1)
    result["box_iou_1t"] = median_ms(lambda: box_iou(a, b), warmup=20, reps=200)
print(json.dumps(result))
