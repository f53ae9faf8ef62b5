import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { Module } from '../module';
import { check4d } from './util';

/**
 * SSD's L2Normalization layer (ssd.pytorch `L2Norm`, applied to VGG's conv4_3): each pixel's channel vector is
 * divided by its L2 norm (+ eps) and scaled per channel by the learnable `weight` [C] (initialised to `scale`,
 * 20 in SSD300): y = x / (‖x‖₂ over C + eps) · weight. NHWC → NHWC.
 */
export class L2Norm extends Module {
  static override readonly torchName = 'L2Norm';
  readonly nChannels: number;
  readonly scale: number;
  readonly eps: number;

  constructor(nChannels: number, scale = 20, { eps = 1e-10 }: { eps?: number } = {}) {
    super();
    if (!Number.isInteger(nChannels) || nChannels < 1) {
      throw new InvalidConfigError('invalid channel count', { field: 'nChannels', expected: 'a positive integer', received: nChannels });
    }
    this.nChannels = nChannels;
    this.scale = scale;
    this.eps = eps;
    this.registerParameter('weight', tf.fill([nChannels], scale));
  }

  /** Per-channel scale [C]. */
  get weight(): tf.Variable {
    return this.param('weight');
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'L2Norm', this.nChannels);
    return tf.tidy(() => {
      const norm = tf.add(tf.sqrt(tf.sum(tf.square(x), 3, true)), this.eps);
      return tf.mul(tf.div(x, norm), this.weight) as tf.Tensor4D;
    });
  }
}
