import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import type { tf } from '@det/tfjs';

/** An int or an (h, w) pair, as PyTorch's 2-D layers accept. */
export type IntPair = number | [number, number];

/** (h, w) from an int or a pair (PyTorch's `_pair`). */
export function pair(v: IntPair): [number, number] {
  return typeof v === 'number' ? [v, v] : [v[0], v[1]];
}

/** Checks that every element of an int/pair option is an integer ≥ `min`. */
export function checkPair(v: IntPair, field: string, min: number): void {
  const [a, b] = pair(v);
  if (!Number.isInteger(a) || !Number.isInteger(b) || a < min || b < min) {
    throw new InvalidConfigError('invalid size', { field, expected: `an integer ≥ ${min} or a pair of them`, received: v });
  }
}

/** Throws unless `x` is a 4-D NHWC tensor (with `channels` channels when given). */
export function check4d(x: tf.Tensor, layer: string, channels?: number): void {
  if (x.rank !== 4) {
    throw new ShapeMismatchError(`${layer} expects a 4-D NHWC input`, { field: 'x', expected: '[N, H, W, C]', received: x.shape });
  }
  if (channels !== undefined && x.shape[3] !== channels) {
    throw new ShapeMismatchError(`${layer} expects ${channels} input channels (last axis, NHWC)`, {
      field: 'x',
      expected: `[N, H, W, ${channels}]`,
      received: x.shape,
    });
  }
}
