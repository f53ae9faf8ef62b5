import { ShapeMismatchError, validateLabels } from '@det/core';
import { tf } from '@det/tfjs';
import { bceWithLogits, connectedZero } from './loss-ops';
import { checkShape } from './validate';

/**
 * torchvision `roi_heads.maskrcnn_loss` given the projected targets: binary cross entropy with logits between each
 * positive proposal's mask logits for its own class and its target, averaged over K·M·M.
 * - `maskLogits` [K, M, M, C] NHWC (the mask predictor's output; torchvision's [K, C, M, M] transposed).
 * - `labels` [K] the positives' classes in [1, C) (0 is background and has no mask).
 * - `maskTargets` [K, M, M] in [0, 1] ({@link projectMasksOnBoxes} of each image, concatenated in the same order).
 * With K = 0 the loss is 0 and connected to `maskLogits` (torchvision's `mask_logits.sum() * 0`).
 * Throws ShapeMismatchError for mismatched shapes, InvalidLabelError naming the index of a label outside [1, C).
 */
export function maskrcnnLoss(maskLogits: tf.Tensor4D, labels: ArrayLike<number>, maskTargets: tf.Tensor3D): tf.Scalar {
  const k = labels.length;
  if (maskLogits.rank !== 4 || maskLogits.shape[0] !== k || maskLogits.shape[1] !== maskLogits.shape[2]) {
    throw new ShapeMismatchError('maskLogits does not match the labels', { field: 'maskLogits', expected: `[${k}, M, M, C]`, received: maskLogits.shape });
  }
  const [, m, , c] = maskLogits.shape;
  checkShape(maskTargets, [k, m, m], 'maskTargets');
  validateLabels(labels, c, { name: 'labels', min: 1 });
  if (k === 0) return connectedZero(maskLogits);
  return tf.tidy(() => {
    const classMask = tf.reshape(tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), 'int32'), c), 'float32'), [k, 1, 1, c]);
    const own = tf.sum(tf.mul(maskLogits, classMask), 3); // [K, M, M] logits of each proposal's class
    return tf.mean(bceWithLogits(own, maskTargets)) as tf.Scalar;
  });
}
