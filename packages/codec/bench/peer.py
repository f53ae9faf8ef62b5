"""Peer timing for packages/codec/bench/run.mjs: ssd.pytorch's MultiBoxLoss target loop (match() + encode()
per image, restated from layers/box_utils.py) in torch on the CPU, on the same batch."""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts", "python"))
from ssd_reference import encode_variance, match  # noqa: E402
from timing import median_ms  # noqa: E402


def multibox_match(threshold, truths, priors, variances, labels, loc_t, conf_t, idx):
    """MultiBoxLoss's call: match() then encode() into the batch tensors."""
    conf, _, matches = match(threshold, truths, priors, labels)
    loc_t[idx] = encode_variance(matches, priors, variances)
    conf_t[idx] = conf


def targets(batch, priors):
    num, num_priors = len(batch), priors.size(0)
    loc_t = torch.Tensor(num, num_priors, 4)
    conf_t = torch.LongTensor(num, num_priors)
    for idx, (truths, labels) in enumerate(batch):
        multibox_match(0.5, truths, priors, [0.1, 0.2], labels, loc_t, conf_t, idx)
    return loc_t, conf_t


d = json.load(open(sys.argv[1]))
priors = torch.tensor(d["priors"], dtype=torch.float32).view(-1, 4)
batch = [(torch.tensor(b["boxes"], dtype=torch.float32).view(-1, 4), torch.tensor(b["labels"], dtype=torch.int64)) for b in d["batch"]]
r = {"threads": torch.get_num_threads()}
with torch.no_grad():
    r["match"] = median_ms(lambda: targets(batch, priors), warmup=5, reps=30)
    torch.set_num_threads(1)
    r["match_1t"] = median_ms(lambda: targets(batch, priors), warmup=5, reps=30)
print(json.dumps(r))
