import { ShapeMismatchError } from '@det/core';
import { Linear, Module } from '@det/nn';
import { tf } from '@det/tfjs';

/** PyTorch's `x.flatten(start_dim=1)` of an NCHW map for an NHWC tensor (channel-major), so torchvision's Linear weights apply unchanged. */
function flattenTorchOrder(x: tf.Tensor): tf.Tensor2D {
  const t = x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]) : x;
  return tf.reshape(t, [t.shape[0], -1]) as tf.Tensor2D;
}

/**
 * torchvision `TwoMLPHead(in_channels, representation_size)`: flatten (channel-major, as PyTorch flattens NCHW),
 * `fc6` + ReLU, `fc7` + ReLU. RoI features NHWC [K, 7, 7, C] (or already flat [K, C·49]) → [K, representationSize].
 */
export class TwoMLPHead extends Module {
  static override readonly torchName: string = 'TwoMLPHead';

  constructor(inChannels: number, representationSize: number) {
    super();
    this.registerModule('fc6', new Linear(inChannels, representationSize));
    this.registerModule('fc7', new Linear(representationSize, representationSize));
  }

  forward(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const h = tf.relu(this.get('fc6').forward(flattenTorchOrder(x)));
      return tf.relu(this.get('fc7').forward(h)) as tf.Tensor2D;
    });
  }
}

/**
 * torchvision `FastRCNNPredictor(in_channels, num_classes)`: `cls_score` (→ numClasses logits, background = class 0)
 * and `bbox_pred` (→ numClasses × 4 deltas, class-major: entries 4c … 4c+3 belong to class c).
 * `forward(x [K, inChannels] or [K, 1, 1, inChannels])` → `[classLogits [K, numClasses], boxRegression [K, 4·numClasses]]`.
 * The model-surgery replacement of the seeds: `model.set('roi_heads.box_predictor', new FastRCNNPredictor(1024, numClasses))`.
 */
export class FastRCNNPredictor extends Module<[tf.Tensor], [tf.Tensor2D, tf.Tensor2D]> {
  static override readonly torchName: string = 'FastRCNNPredictor';
  readonly inChannels: number;
  readonly numClasses: number;

  constructor(inChannels: number, numClasses: number) {
    super();
    this.inChannels = inChannels;
    this.numClasses = numClasses;
    this.registerModule('cls_score', new Linear(inChannels, numClasses));
    this.registerModule('bbox_pred', new Linear(inChannels, numClasses * 4));
  }

  forward(x: tf.Tensor): [tf.Tensor2D, tf.Tensor2D] {
    if (x.rank === 4 && (x.shape[1] !== 1 || x.shape[2] !== 1)) {
      throw new ShapeMismatchError('x has the wrong shape, expecting the spatial dimensions to be [1, 1]', { field: 'x', expected: '[K, 1, 1, C]', received: x.shape });
    }
    return tf.tidy(() => {
      const flat = tf.reshape(x, [x.shape[0], -1]);
      return [this.get('cls_score').forward(flat) as tf.Tensor2D, this.get('bbox_pred').forward(flat) as tf.Tensor2D] as [tf.Tensor2D, tf.Tensor2D];
    });
  }
}
