import { ShapeMismatchError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';
import { type CodecOptions, resolveCodecOptions } from '../options';
import { checkBoxes } from '../validate';

function isTensor(x: unknown): x is tf.Tensor {
  // Duck-typed rather than `instanceof`, so a tensor from another copy of tfjs-core is accepted too.
  return x instanceof tf.Tensor || (typeof x === 'object' && x !== null && 'dataId' in x && Array.isArray((x as tf.Tensor).shape));
}

/**
 * In-graph SSD decoding (ssd.pytorch `decode`, the same formula as the host `decodeBoxes`) for tfjs models.
 * - `loc` tensor [..., P, 4] of offsets (e.g. [batch, P, 4] predictions).
 * - `priors` [P, 4] centroid form `cxcywh`: a tensor of P×4 values, or a flat array/Float32Array [P*4]
 *   (checked: finite, width and height > 0).
 * - `options` `{ means = [0,0,0,0], stds = [0.1,0.1,0.2,0.2], clampLogSize }` as the host codec.
 * Returns a new tensor [..., P, 4] in corner form `xyxy`, in the priors' space (normalised for SSD). Runs in
 * `tf.tidy`: no intermediate tensor leaks; the inputs are not disposed; the caller owns the result.
 * Differentiable with respect to `loc`. Shape mismatches throw ShapeMismatchError before any tensor is made.
 */
export function decodeBoxes(loc: tf.Tensor, priors: tf.Tensor | ArrayLike<number>, options: CodecOptions = {}): tf.Tensor {
  const { means, stds, clampLogSize } = resolveCodecOptions(options);
  if (!isTensor(loc)) throw new ShapeMismatchError('loc must be a tensor', { field: 'loc', expected: 'a tf.Tensor [..., P, 4]' });
  const numPriors = isTensor(priors) ? priors.size / 4 : priors.length / 4;
  if (!Number.isInteger(numPriors)) {
    throw new ShapeMismatchError('priors must hold 4 numbers per prior', { field: 'priors', expected: '[P, 4] cxcywh' });
  }
  if (isTensor(priors) && priors.shape[priors.shape.length - 1] !== 4) {
    throw new ShapeMismatchError('priors must be [P, 4]', { field: 'priors', expected: '[P, 4] cxcywh', received: priors.shape });
  }
  if (!isTensor(priors)) checkBoxes(priors, 'cxcywh', 'priors');
  const r = loc.rank;
  if (r < 2 || loc.shape[r - 1] !== 4 || loc.shape[r - 2] !== numPriors) {
    throw new ShapeMismatchError('loc must be [..., P, 4] for the P priors', {
      field: 'loc',
      expected: `[..., ${numPriors}, 4]`,
      received: loc.shape,
    });
  }
  return tf.tidy(() => {
    const p = isTensor(priors)
      ? tf.reshape(tf.cast(priors, 'float32'), [numPriors, 4])
      : tf.tensor2d(priors instanceof Float32Array ? priors : Float32Array.from(priors), [numPriors, 4]);
    const d = tf.add(tf.mul(tf.cast(loc, 'float32'), tf.tensor1d(Float32Array.from(stds))), tf.tensor1d(Float32Array.from(means)));
    const [dxy, dwh] = tf.split(d, [2, 2], -1);
    const [pxy, pwh] = tf.split(p, [2, 2], -1);
    const centre = tf.add(pxy, tf.mul(dxy, pwh));
    const half = tf.mul(pwh, tf.mul(tf.exp(tf.minimum(dwh, clampLogSize)), 0.5));
    return tf.concat([tf.sub(centre, half), tf.add(centre, half)], -1);
  });
}
