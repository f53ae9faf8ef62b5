import * as tf from '@tensorflow/tfjs-core';
import { type CodecOptions, resolveCodecOptions } from '../options';

/**
 * In-graph SSD decoding (ssd.pytorch `decode`) for tfjs models: `loc` [..., P, 4] offsets, `priors`
 * [P, 4] `cxcywh` (tensor or Float32Array [P*4]) → tensor [..., P, 4] corner form `xyxy`, in the priors'
 * space. Runs in `tf.tidy`; inputs are not disposed. Differentiable with respect to `loc`.
 */
export function decodeBoxes(loc: tf.Tensor, priors: tf.Tensor | ArrayLike<number>, options: CodecOptions = {}): tf.Tensor {
  const { means, stds, clampLogSize } = resolveCodecOptions(options);
  return tf.tidy(() => {
    const p = priors instanceof tf.Tensor ? tf.reshape(priors, [-1, 4]) : tf.tensor2d(Array.from(priors), [priors.length / 4, 4]);
    const std = tf.tensor1d([...stds]);
    const mean = tf.tensor1d([...means]);
    const d = tf.add(tf.mul(loc, std), mean);
    const [dxy, dwh] = tf.split(d, [2, 2], -1);
    const [pxy, pwh] = tf.split(p, [2, 2], -1);
    const centre = tf.add(pxy, tf.mul(dxy, pwh));
    const size = tf.mul(pwh, tf.exp(tf.minimum(dwh, clampLogSize)));
    const half = tf.div(size, 2);
    return tf.concat([tf.sub(centre, half), tf.add(centre, half)], -1);
  });
}
