import { ShapeMismatchError, validateLabels } from '@det/core';
import { tf } from '@det/tfjs';
import { connectedZero, crossEntropy, smoothL1 } from './loss-ops';
import { BOX_LOSS_BETA } from './rpn-loss';
import { checkFinite, checkLength, checkShape } from './validate';

/** torchvision's RoI-heads loss dict: `loss_classifier`, `loss_box_reg`. */
export interface FastRcnnLosses {
  lossClassifier: tf.Scalar;
  lossBoxReg: tf.Scalar;
}

/**
 * torchvision `roi_heads.fastrcnn_loss` over the sampled proposals of a batch (K rows, images concatenated):
 * - `classLogits` [K, C] (column 0 = background), `boxRegression` [K, C*4] class-specific offsets (weights 10, 10, 5, 5);
 * - `labels` [K] in [0, C) (0 = background), `regressionTargets` [K*4] (read on rows with label > 0; all finite).
 * `lossClassifier` = mean softmax cross entropy; `lossBoxReg` = Σ over positives of smooth L1 (β = 1/9) between
 * their own class's 4 offsets and the targets, / K. With K = 0 both are 0 and connected to the inputs (torchvision:
 * NaN). Gradients flow to both tensors. Throws ShapeMismatchError for mismatched shapes, InvalidLabelError naming the
 * index of a label outside [0, C), NotFiniteError for a non-finite target.
 */
export function fastrcnnLoss(
  classLogits: tf.Tensor2D,
  boxRegression: tf.Tensor2D,
  labels: ArrayLike<number>,
  regressionTargets: ArrayLike<number>,
): FastRcnnLosses {
  const k = labels.length;
  if (classLogits.rank !== 2 || classLogits.shape[0] !== k || classLogits.shape[1] < 1) {
    throw new ShapeMismatchError('classLogits does not match the labels', { field: 'classLogits', expected: `[${k}, C]`, received: classLogits.shape });
  }
  const c = classLogits.shape[1];
  checkShape(boxRegression, [k, 4 * c], 'boxRegression');
  validateLabels(labels, c, { name: 'labels' });
  checkLength(regressionTargets, 4 * k, 'regressionTargets', 'the labels (4 per sample)');
  checkFinite(regressionTargets, 'regressionTargets', 4);
  if (k === 0) return { lossClassifier: connectedZero(classLogits), lossBoxReg: connectedZero(boxRegression) };
  const positive = Float32Array.from(labels, (l) => (l > 0 ? 1 : 0));
  return tf.tidy(() => {
    const labelTensor = tf.tensor1d(Int32Array.from(labels), 'int32');
    const lossClassifier = tf.mean(crossEntropy(classLogits, labelTensor)) as tf.Scalar;
    const classMask = tf.reshape(tf.cast(tf.oneHot(labelTensor, c), 'float32'), [k, c, 1]);
    const own = tf.sum(tf.mul(tf.reshape(boxRegression, [k, c, 4]), classMask), 1); // [K, 4] offsets of the label's class
    const box = smoothL1(own, tf.tensor2d(Float32Array.from(regressionTargets), [k, 4]), BOX_LOSS_BETA);
    const lossBoxReg = tf.div(tf.sum(tf.mul(box, tf.tensor2d(positive, [k, 1]))), k) as tf.Scalar;
    return { lossClassifier, lossBoxReg };
  });
}
