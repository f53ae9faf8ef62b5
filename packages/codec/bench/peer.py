"""Peer for packages/codec/bench/run.mjs: SSD training targets the way ssd.pytorch's MultiBoxLoss builds them,
in torch on the CPU: a per-image loop calling match() (jaccard, the two argmaxes, forcing, encode into loc_t,
conf_t). ssd.pytorch's layers/box_utils.py algorithm, from scripts/python/ssd_reference.py. Prints JSON (ms)."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "scripts", "python"))
from ssd_reference import encode_variance, match  # noqa: E402
from timing import median_ms  # noqa: E402

VARIANCE = [0.1, 0.2]
THRESHOLD = 0.5


def multibox_targets(batch, priors):
    """MultiBoxLoss.forward's target loop: loc_t [B, P, 4], conf_t [B, P]."""
    num, num_priors = len(batch), priors.size(0)
    loc_t = torch.Tensor(num, num_priors, 4)
    conf_t = torch.LongTensor(num, num_priors)
    for idx, (truths, labels) in enumerate(batch):
        conf, _, matched = match(THRESHOLD, truths, priors, labels)
        loc_t[idx] = encode_variance(matched, priors, VARIANCE)
        conf_t[idx] = conf
    return loc_t, conf_t


def match_only(batch, priors):
    """match() without the encode (jaccard, argmaxes, forcing, conf)."""
    for truths, labels in batch:
        match(THRESHOLD, truths, priors, labels)


d = json.load(open(sys.argv[1]))
priors = torch.tensor(d["priors"], dtype=torch.float32).view(-1, 4)
batch = [(torch.tensor(b["boxes"], dtype=torch.float32).view(-1, 4), torch.tensor(b["labels"], dtype=torch.int64)) for b in d["batch"]]
r = {"threads": torch.get_num_threads(), "cores": os.cpu_count(), "torch": torch.__version__}
with torch.no_grad():
    _, conf_t = multibox_targets(batch, priors)
    r["num_pos"] = int((conf_t > 0).sum())
    r["targets"] = median_ms(lambda: multibox_targets(batch, priors), warmup=10, reps=50)
    r["match"] = median_ms(lambda: match_only(batch, priors), warmup=10, reps=50)
    for suffix, threads in (("_1t", 1), ("_all", os.cpu_count())):
        torch.set_num_threads(threads)
        r["targets" + suffix] = median_ms(lambda: multibox_targets(batch, priors), warmup=10, reps=50)
        r["match" + suffix] = median_ms(lambda: match_only(batch, priors), warmup=10, reps=50)
print(json.dumps(r))
