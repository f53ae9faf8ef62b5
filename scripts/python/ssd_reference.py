"""ssd.pytorch's reference geometry restated in torch (float32, the same operations as its
layers/functions/prior_box.py and layers/box_utils.py), shared by the fixture generators and the
benchmark peers. Import with: sys.path.insert(0, <repo>/scripts/python)."""
from itertools import product
from math import sqrt

import torch

SSD300_VOC = {"feature_maps": [38, 19, 10, 5, 3, 1], "min_dim": 300, "steps": [8, 16, 32, 64, 100, 300],
              "min_sizes": [30, 60, 111, 162, 213, 264], "max_sizes": [60, 111, 162, 213, 264, 315],
              "aspect_ratios": [[2], [2, 3], [2, 3], [2, 3], [2], [2]], "clip": True}
VOC_SSD7 = {"feature_maps": [37, 18, 9, 4], "min_dim": 300, "steps": [8, 16, 32, 64], "min_sizes": [30, 60, 111, 162],
            "max_sizes": [60, 111, 162, 213], "aspect_ratios": [[2], [2], [2], [2]], "clip": True}


def prior_box(cfg):
    """PriorBox.forward: centroid priors (cx, cy, w, h), normalised."""
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
    output = torch.Tensor(mean).view(-1, 4)
    if cfg["clip"]:
        output.clamp_(max=1, min=0)
    return output


def point_form(boxes):
    return torch.cat((boxes[:, :2] - boxes[:, 2:] / 2, boxes[:, :2] + boxes[:, 2:] / 2), 1)


def intersect(box_a, box_b):
    A, B = box_a.size(0), box_b.size(0)
    max_xy = torch.min(box_a[:, 2:].unsqueeze(1).expand(A, B, 2), box_b[:, 2:].unsqueeze(0).expand(A, B, 2))
    min_xy = torch.max(box_a[:, :2].unsqueeze(1).expand(A, B, 2), box_b[:, :2].unsqueeze(0).expand(A, B, 2))
    inter = torch.clamp((max_xy - min_xy), min=0)
    return inter[:, :, 0] * inter[:, :, 1]


def jaccard(box_a, box_b):
    inter = intersect(box_a, box_b)
    area_a = ((box_a[:, 2] - box_a[:, 0]) * (box_a[:, 3] - box_a[:, 1])).unsqueeze(1).expand_as(inter)
    area_b = ((box_b[:, 2] - box_b[:, 0]) * (box_b[:, 3] - box_b[:, 1])).unsqueeze(0).expand_as(inter)
    return inter / (area_a + area_b - inter)


def encode(matched, priors, means, stds):
    """encode() with means/stds (ssd.pytorch's variance [v0, v1] = stds [v0, v0, v1, v1], means 0)."""
    g_cxcy = (matched[:, :2] + matched[:, 2:]) / 2 - priors[:, :2]
    g_cxcy = (g_cxcy / priors[:, 2:] - torch.tensor(means[:2])) / torch.tensor(stds[:2])
    g_wh = (matched[:, 2:] - matched[:, :2]) / priors[:, 2:]
    g_wh = (torch.log(g_wh) - torch.tensor(means[2:])) / torch.tensor(stds[2:])
    return torch.cat([g_cxcy, g_wh], 1)


def encode_variance(matched, priors, variances):
    """encode() exactly as ssd.pytorch writes it (variance [v0, v1], no means)."""
    g_cxcy = (matched[:, :2] + matched[:, 2:]) / 2 - priors[:, :2]
    g_cxcy /= (variances[0] * priors[:, 2:])
    g_wh = (matched[:, 2:] - matched[:, :2]) / priors[:, 2:]
    g_wh = torch.log(g_wh) / variances[1]
    return torch.cat([g_cxcy, g_wh], 1)


def decode(loc, priors, means, stds):
    d = loc * torch.tensor(stds) + torch.tensor(means)
    boxes = torch.cat((priors[:, :2] + d[:, :2] * priors[:, 2:], priors[:, 2:] * torch.exp(d[:, 2:])), 1)
    boxes[:, :2] -= boxes[:, 2:] / 2
    boxes[:, 2:] += boxes[:, :2]
    return boxes


def match(threshold, truths, priors, labels):
    """match(): (conf per prior, best truth index per prior, matched truth per prior)."""
    overlaps = jaccard(truths, point_form(priors))
    best_prior_overlap, best_prior_idx = overlaps.max(1, keepdim=True)
    best_truth_overlap, best_truth_idx = overlaps.max(0, keepdim=True)
    best_truth_idx.squeeze_(0)
    best_truth_overlap.squeeze_(0)
    best_prior_idx.squeeze_(1)
    best_truth_overlap.index_fill_(0, best_prior_idx, 2)
    for j in range(best_prior_idx.size(0)):
        best_truth_idx[best_prior_idx[j]] = j
    conf = labels[best_truth_idx] + 1
    conf[best_truth_overlap < threshold] = 0
    return conf, best_truth_idx, truths[best_truth_idx]
