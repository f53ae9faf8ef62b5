"""Peer for packages/nn/bench/run.mjs: the same layers (forward + backward) and safetensors I/O in PyTorch (CPU).

Reads the inputs from the safetensors file written by @det/nn (parsed here with struct + json + numpy, which also
checks that our files load in Python), converts NHWC → NCHW, and times each op with 1 thread and the default threads."""
import json
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../scripts", "python"))
from timing import median_ms  # noqa: E402

data_path, big_path, reps = sys.argv[1], sys.argv[2], int(sys.argv[3])
DT = {"F32": "<f4", "I32": "<i4", "I64": "<i8", "U8": "u1", "BOOL": "?"}


def read_safetensors(path):
    with open(path, "rb") as fh:
        raw = fh.read()
    n = struct.unpack("<Q", raw[:8])[0]
    header = json.loads(raw[8:8 + n])
    data = memoryview(raw)[8 + n:]
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        out[name] = torch.from_numpy(np.frombuffer(data[b:end], DT[e["dtype"]]).reshape(e["shape"]).copy())
    return out


def write_safetensors(path, tensors):
    header, chunks, off = {}, [], 0
    for name, t in tensors.items():
        b = t.numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        chunks.append(b)
        off += len(b)
    text = json.dumps(header).encode()
    text += b" " * ((8 - len(text) % 8) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(struct.pack("<Q", len(text)) + text)
        for c in chunks:
            fh.write(c)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


inputs = read_safetensors(data_path)
act = inputs["act"].permute(0, 3, 1, 2).contiguous()
image = inputs["image"].permute(0, 3, 1, 2).contiguous()


def fwd_bwd(fn, x, module=None):
    x = x.clone().requires_grad_(module is None)

    def run():
        if module is not None:
            module.zero_grad()
        x.grad = None
        fn(x).sum().backward()

    return run


channels = [3, 32, 48, 64, 64, 48, 48, 32]
layers = []
for i in range(7):
    layers += [nn.Conv2d(channels[i], channels[i + 1], 3, padding=1), nn.BatchNorm2d(channels[i + 1]), nn.ReLU(inplace=True)]
    if i < 6:
        layers.append(nn.MaxPool2d(2, 2))
ssd7 = nn.Sequential(*layers)
conv = nn.Conv2d(32, 32, 3, padding=1)
dconv = nn.Conv2d(32, 32, 3, padding=2, dilation=2)
bn = nn.BatchNorm2d(32).train()
l2w = nn.Parameter(torch.full((32,), 20.0))


def l2norm(x):
    return l2w.view(1, -1, 1, 1) * x / (x.pow(2).sum(1, keepdim=True).sqrt() + 1e-10)


def ssd7_step():
    ssd7.train()
    ssd7.zero_grad()
    ssd7(image).pow(2).mean().backward()


def ssd7_infer():
    ssd7.eval()
    with torch.no_grad():
        ssd7(image)


ops = {
    "Conv2d 32→32 3×3": fwd_bwd(conv, act, conv),
    "Conv2d 32→32 3×3 dilation 2": fwd_bwd(dconv, act, dconv),
    "BatchNorm2d (train)": fwd_bwd(bn, act, bn),
    "MaxPool2d(3, 2, ceil_mode)": fwd_bwd(lambda t: F.max_pool2d(t, 3, 2, ceil_mode=True), act),
    "MaxPool2d(2, 2)": fwd_bwd(lambda t: F.max_pool2d(t, 2, 2), act),
    "AdaptiveAvgPool2d(6) from 64×64": fwd_bwd(lambda t: F.adaptive_avg_pool2d(t, 6), act),
    "interpolate bilinear ×2 (align_corners=False)": fwd_bwd(lambda t: F.interpolate(t, scale_factor=2, mode="bilinear", align_corners=False), act),
    "L2Norm(32)": fwd_bwd(l2norm, act),
    "SSD7 base net training step, 8×128×128": ssd7_step,
    "SSD7 base net inference, 8×128×128": ssd7_infer,
}
result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "ops": {}}
for name, fn in ops.items():
    result["ops"][name] = {"tn": median_ms(fn, warmup=2, reps=reps)}
torch.set_num_threads(1)
for name, fn in ops.items():
    result["ops"][name]["t1"] = median_ms(fn, warmup=2, reps=reps)

big = read_safetensors(big_path)
out_path = big_path + ".py"
result["write"] = median_ms(lambda: write_safetensors(out_path, big), warmup=1, reps=reps)
result["read"] = median_ms(lambda: read_safetensors(big_path), warmup=1, reps=reps)
print(json.dumps(result))
