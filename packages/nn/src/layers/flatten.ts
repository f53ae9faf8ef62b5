import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { Module } from '../module';

/**
 * Flattens dims `startDim`..`endDim` (PyTorch `nn.Flatten`, dims numbered as in PyTorch). A 4-D NHWC input is
 * flattened in PyTorch's NCHW order (channel-major), so a Linear after it takes torchvision weights unchanged
 * (e.g. VGG's classifier after a 7×7 feature map); for other ranks the dims are used as they are.
 */
export class Flatten extends Module {
  static override readonly torchName = 'Flatten';
  readonly startDim: number;
  readonly endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const t = x.rank === 4 ? tf.transpose(x, [0, 3, 1, 2]) : x;
      const rank = t.rank;
      const start = this.startDim < 0 ? this.startDim + rank : this.startDim;
      const end = this.endDim < 0 ? this.endDim + rank : this.endDim;
      if (start < 0 || end >= rank || start > end) {
        throw new InvalidConfigError('flatten dims out of range', { field: 'startDim', expected: `0 ≤ start ≤ end < ${rank}`, received: [this.startDim, this.endDim] });
      }
      const s = t.shape;
      const merged = s.slice(start, end + 1).reduce((a, b) => a * b, 1);
      return tf.reshape(t, [...s.slice(0, start), merged, ...s.slice(end + 1)]);
    });
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
