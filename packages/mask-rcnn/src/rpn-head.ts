import { Conv2d, Module, Sequential } from '@det/nn';
import { tf } from '@det/tfjs';
import { Conv2dNormActivation } from './conv-norm-activation';
import { initNormal, initZeros } from './init';

/**
 * torchvision `RPNHead(in_channels, num_anchors, conv_depth=1)`: `conv` (Sequential of `convDepth`
 * Conv2dNormActivation 3×3 + ReLU, no norm), `cls_logits` (1×1 → A objectness logits) and `bbox_pred` (1×1 → 4A
 * deltas), all N(0, 0.01²) with zero bias. `forward(features)` → `[logits, deltas]`, per level NHWC
 * [N, H, W, A] and [N, H, W, 4A] (channel a·4 + k is coordinate k of anchor a, as in torchvision).
 */
export class RPNHead extends Module<[tf.Tensor4D[]], [tf.Tensor4D[], tf.Tensor4D[]]> {
  static override readonly torchName: string = 'RPNHead';

  constructor(inChannels: number, numAnchors: number, convDepth = 1) {
    super();
    const convs = Array.from({ length: convDepth }, () => new Conv2dNormActivation(inChannels, inChannels, { kernelSize: 3, normLayer: null }));
    this.registerModule('conv', new Sequential(...convs));
    this.registerModule('cls_logits', new Conv2d(inChannels, numAnchors, 1));
    this.registerModule('bbox_pred', new Conv2d(inChannels, numAnchors * 4, 1));
    for (const m of this.modules()) {
      if (m instanceof Conv2d) {
        initNormal(m.weight, 0.01);
        initZeros(m.bias);
      }
    }
  }

  forward(features: tf.Tensor4D[]): [tf.Tensor4D[], tf.Tensor4D[]] {
    return tf.tidy(() => {
      const logits: tf.Tensor4D[] = [];
      const deltas: tf.Tensor4D[] = [];
      for (const f of features) {
        const t = this.get('conv').forward(f) as tf.Tensor4D;
        logits.push(this.get('cls_logits').forward(t) as tf.Tensor4D);
        deltas.push(this.get('bbox_pred').forward(t) as tf.Tensor4D);
      }
      return [logits, deltas] as [tf.Tensor4D[], tf.Tensor4D[]];
    });
  }
}
