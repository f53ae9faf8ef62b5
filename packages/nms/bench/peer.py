"""Peer timings for packages/nms/bench/run.mjs on the same data: torchvision 0.14 ops.nms, ops.batched_nms,
and the per-image logic of torchvision SSD.postprocess_detections (boxes already decoded), with torch's
default thread count and with torch.set_num_threads(1). Prints one JSON line."""
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
cand_boxes = torch.tensor(d["cand_boxes"], dtype=torch.float32).view(-1, 4)
cand_scores = torch.tensor(d["cand_scores"], dtype=torch.float32)
cand_idxs = torch.tensor(d["cand_idxs"], dtype=torch.int64)
probs = torch.tensor(d["probs"], dtype=torch.float32).view(-1, d["classes"])
thr = d["iou"]


def postprocess(boxes, scores, score_thresh=0.01, topk_candidates=400, nms_thresh=0.45, detections_per_img=200):
    """SSD.postprocess_detections for one image, boxes decoded (torchvision 0.14 defaults)."""
    image_boxes, image_scores, image_labels = [], [], []
    for label in range(1, scores.size(-1)):
        score = scores[:, label]
        keep_idxs = score > score_thresh
        score = score[keep_idxs]
        box = boxes[keep_idxs]
        score, idx = score.topk(min(topk_candidates, score.size(0)))
        image_boxes.append(box[idx])
        image_scores.append(score)
        image_labels.append(torch.full_like(score, fill_value=label, dtype=torch.int64))
    image_boxes = torch.cat(image_boxes, dim=0)
    image_scores = torch.cat(image_scores, dim=0)
    image_labels = torch.cat(image_labels, dim=0)
    keep = batched_nms(image_boxes, image_scores, image_labels, nms_thresh)[:detections_per_img]
    return image_boxes[keep], image_scores[keep], image_labels[keep]


runs = {
    "nms": lambda: nms(boxes, scores, thr),
    "batched": lambda: batched_nms(boxes, scores, idxs, thr),
    "candidates": lambda: batched_nms(cand_boxes, cand_scores, cand_idxs, thr),
    "multiclass": lambda: postprocess(boxes, probs),
}
r = {"torch": torch.__version__, "threads": torch.get_num_threads()}
r["kept"] = {name: int((fn()[1] if name == "multiclass" else fn()).numel()) for name, fn in runs.items()}
for name, fn in runs.items():
    r[name] = median_ms(fn)
torch.set_num_threads(1)
for name, fn in runs.items():
    r[name + "_1t"] = median_ms(fn)
print(json.dumps(r))
