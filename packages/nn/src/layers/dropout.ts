import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { Module } from '../module';
import { pyFloat, pyValue } from '../repr';

/**
 * In training mode zeroes each element with probability `p` and scales the rest by 1/(1 − p) (PyTorch
 * `nn.Dropout`); identity in eval mode. Random: uses tfjs's generator (`seed` option for reproducible masks).
 */
export class Dropout extends Module {
  static override readonly torchName = 'Dropout';
  readonly p: number;
  readonly inplace: boolean;
  readonly seed?: number;

  constructor(p = 0.5, { inplace = false, seed }: { inplace?: boolean; seed?: number } = {}) {
    super();
    if (!(p >= 0 && p <= 1)) throw new InvalidConfigError('dropout probability must be in [0, 1]', { field: 'p', received: p });
    this.p = p;
    this.inplace = inplace;
    this.seed = seed;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (!this.training || this.p === 0) return x;
    if (this.p === 1) return tf.zerosLike(x);
    return tf.dropout(x, this.p, undefined, this.seed);
  }

  override extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=${pyValue(this.inplace)}`;
  }
}
