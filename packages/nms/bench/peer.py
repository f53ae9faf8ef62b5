"""Peer timings for packages/nms/bench/run.mjs: torchvision ops.nms and ops.batched_nms on the same data."""
import json
import os
import sys

import torch
from torchvision.ops import batched_nms, nms

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts", "python"))
from timing import median_ms  # noqa: E402


d = json.load(open(sys.argv[1]))
boxes = torch.tensor(d["boxes"], dtype=torch.float32).view(-1, 4)
scores = torch.tensor(d["scores"], dtype=torch.float32)
idxs = torch.tensor(d["idxs"], dtype=torch.int64)
thr = d["iou"]
r = {"threads": torch.get_num_threads(), "kept": int(nms(boxes, scores, thr).numel())}
r["nms"] = median_ms(lambda: nms(boxes, scores, thr))
r["batched"] = median_ms(lambda: batched_nms(boxes, scores, idxs, thr))
torch.set_num_threads(1)
r["nms_1t"] = median_ms(lambda: nms(boxes, scores, thr))
r["batched_1t"] = median_ms(lambda: batched_nms(boxes, scores, idxs, thr))
print(json.dumps(r))
