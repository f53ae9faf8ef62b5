import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';

/** Label of pixels that no loss or metric counts (VOC's object boundaries). */
export const IGNORE_INDEX = 255;

export interface PixelCrossEntropyOptions {
  /** Target label skipped by the loss (default 255). */
  ignoreIndex?: number;
  /** Per-class weights [C] (PyTorch `weight`): the mean is weighted by the target class's weight. */
  classWeights?: ArrayLike<number>;
}

/**
 * Per-pixel softmax cross entropy, `torch.nn.functional.cross_entropy(logits, labels, weight, ignore_index=255)`
 * on NHWC: `logits` [N, H, W, C] (any float), `labels` [N, H, W] int32 class indices (or `ignoreIndex`).
 * Mean over the counted pixels, each weighted by its class weight (Σ w_y·nll / Σ w_y). When every pixel is
 * ignored the loss is 0 (PyTorch returns NaN there; a NaN would stop training for a batch of pure boundary).
 * A label outside [0, C) that is not `ignoreIndex` throws, naming the flat pixel index.
 */
export function pixelCrossEntropy(logits: tf.Tensor, labels: tf.Tensor | Int32Array, options: PixelCrossEntropyOptions = {}): tf.Scalar {
  const { ignoreIndex = IGNORE_INDEX, classWeights } = options;
  if (logits.rank !== 4) throw new ShapeMismatchError('logits must be [N, H, W, C]', { field: 'logits', expected: '[N, H, W, C]', received: logits.shape });
  const [n, h, w, c] = logits.shape as [number, number, number, number];
  const labelData = labels instanceof Int32Array ? labels : (labels.dataSync() as Int32Array);
  if (labelData.length !== n * h * w) {
    throw new ShapeMismatchError('labels must have one entry per pixel', { field: 'labels', expected: `[${n}, ${h}, ${w}]`, received: labels instanceof Int32Array ? labels.length : labels.shape });
  }
  if (classWeights !== undefined && classWeights.length !== c) {
    throw new InvalidConfigError('one class weight per class is needed', { field: 'classWeights', expected: `${c} weights`, received: classWeights.length });
  }
  const target = new Int32Array(labelData.length);
  const weight = new Float32Array(labelData.length);
  let total = 0;
  for (let i = 0; i < labelData.length; i++) {
    const y = labelData[i];
    if (y === ignoreIndex) continue;
    if (!(Number.isInteger(y) && y >= 0 && y < c)) {
      throw new ShapeMismatchError('label outside the model classes', { field: 'labels', index: i, expected: `0 ≤ label < ${c} or ${ignoreIndex}`, received: y });
    }
    target[i] = y;
    weight[i] = classWeights ? classWeights[y] : 1;
    total += weight[i];
  }
  return tf.tidy(() => {
    const flat = tf.reshape(logits, [-1, c]);
    const nll = tf.sub(tf.logSumExp(flat, 1), tf.sum(tf.mul(flat, tf.cast(tf.oneHot(tf.tensor1d(target, 'int32'), c), 'float32')), 1));
    return tf.div(tf.sum(tf.mul(nll, tf.tensor1d(weight))), total > 0 ? total : 1) as tf.Scalar;
  });
}
