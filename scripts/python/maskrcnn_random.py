"""Random torchvision Mask R-CNN weights whose outputs are not degenerate, shared by the @det/mask-rcnn fixture
generators (scripts/fixtures/maskrcnn_*reference.py) and its benchmark peer (packages/mask-rcnn/bench/peer.py).
Each function draws from torch's global generator in module order, so a seeded caller gets the same weights."""
import torch
from torchvision.ops.misc import FrozenBatchNorm2d


def randomise_norms(model):
    """BatchNorm2d / FrozenBatchNorm2d statistics and affine values drawn (they are the identity when built)."""
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, (torch.nn.BatchNorm2d, FrozenBatchNorm2d)):
                m.running_mean.uniform_(-0.2, 0.2)
                m.running_var.uniform_(0.5, 1.5)
                m.weight.uniform_(0.2, 0.4)
                m.bias.uniform_(-0.2, 0.2)


def spread_rpn_head(model):
    """RPN head: objectness logits with a spread of a few units and small deltas (the default N(0, 0.01²) gives
    logits ~0.05, whose ranking is decided by rounding)."""
    with torch.no_grad():
        for name, p in model.rpn.head.named_parameters():
            if name.endswith("bias"):
                p.uniform_(-0.1, 0.1)
            elif name.startswith("cls_logits"):
                p.normal_(0, 0.3)
            else:
                p.normal_(0, 0.03)
