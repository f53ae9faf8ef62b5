import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { defaultInit } from '../init';
import { Module } from '../module';
import { pyValue } from '../repr';

/**
 * y = x·W + b over the last axis, PyTorch `nn.Linear`: [..., inFeatures] → [..., outFeatures].
 * `weight` is stored [inFeatures, outFeatures] (PyTorch's [out, in] transposed on load), `bias` [outFeatures].
 * Initialised like PyTorch (U(±1/√inFeatures)).
 */
export class Linear extends Module {
  static override readonly torchName = 'Linear';
  readonly inFeatures: number;
  readonly outFeatures: number;

  constructor(inFeatures: number, outFeatures: number, { bias = true }: { bias?: boolean } = {}) {
    super();
    for (const [field, v] of [
      ['inFeatures', inFeatures],
      ['outFeatures', outFeatures],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidConfigError('invalid feature count', { field, expected: 'a positive integer', received: v });
    }
    this.inFeatures = inFeatures;
    this.outFeatures = outFeatures;
    this.registerParameter('weight', defaultInit([inFeatures, outFeatures], inFeatures));
    if (bias) this.registerParameter('bias', defaultInit([outFeatures], inFeatures));
    else this.registerParameter('bias', null);
  }

  /** [in, out]. */
  get weight(): tf.Variable {
    return this.param('weight');
  }

  /** [out], or null without bias. */
  get bias(): tf.Variable | null {
    return this.hasParam('bias') ? this.param('bias') : null;
  }

  forward(x: tf.Tensor): tf.Tensor {
    if (x.rank < 1 || x.shape[x.rank - 1] !== this.inFeatures) {
      throw new ShapeMismatchError('Linear input has the wrong number of features (last axis)', {
        field: 'x',
        expected: `[..., ${this.inFeatures}]`,
        received: x.shape,
      });
    }
    return tf.tidy(() => {
      const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inFeatures]);
      let y: tf.Tensor = tf.matMul(x2 as tf.Tensor2D, this.weight as tf.Tensor2D);
      const b = this.bias;
      if (b !== null) y = tf.add(y, b);
      return x.rank === 2 ? y : tf.reshape(y, [...x.shape.slice(0, -1), this.outFeatures]);
    });
  }

  override torchPermutation(name: string, rank: number): number[] | undefined {
    return name === 'weight' && rank === 2 ? [1, 0] : undefined;
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${pyValue(this.bias !== null)}`;
  }
}
