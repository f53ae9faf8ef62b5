import { ShapeMismatchError, validateLabels } from '@det/core';
import { tf } from '@det/tfjs';
import { bceWithLogits, connectedZero, smoothL1 } from './loss-ops';
import { ANCHOR_POSITIVE } from './rpn-targets';
import { checkFinite, checkLength, checkShape } from './validate';

/** torchvision's smooth-L1 β for the box losses of the RPN and the RoI heads: 1/9. */
export const BOX_LOSS_BETA = 1 / 9;

export interface RpnLossInputs {
  /** [ΣA] or [ΣA, 1] objectness logits, images concatenated as the labels. */
  objectness: tf.Tensor;
  /** [ΣA, 4] predicted offsets (dx, dy, dw, dh), RPN weights (1, 1, 1, 1). */
  predBboxDeltas: tf.Tensor;
  /** [ΣA] sampled labels (from {@link rpnTargets}): 1 sampled object, 0 sampled background, −1 not sampled. */
  labels: ArrayLike<number>;
  /** [ΣA*4] encoded gt offsets; read on the positive rows only, but every value must be finite (zeros elsewhere). */
  regressionTargets: ArrayLike<number>;
}

/** torchvision's RPN loss dict: `loss_objectness`, `loss_rpn_box_reg`. */
export interface RpnLosses {
  lossObjectness: tf.Scalar;
  lossRpnBoxReg: tf.Scalar;
}

/**
 * torchvision `RegionProposalNetwork.compute_loss` on already-sampled labels: with S the sampled anchors
 * (label ≥ 0) of the whole batch,
 * - `lossObjectness` = mean over S of binary_cross_entropy_with_logits(objectness, label);
 * - `lossRpnBoxReg` = Σ over sampled positives of smooth L1 (β = 1/9) of deltas − targets, / |S|.
 * With no sampled anchor both are 0, still connected to the inputs (torchvision would give NaN). Labels are read on the
 * host (one upload of a mask); gradients flow to `objectness` and `predBboxDeltas`. Leaves no tensor behind but the
 * two scalars. Throws ShapeMismatchError for mismatched shapes, InvalidLabelError naming the index of a label
 * outside {−1, 0, 1}, NotFiniteError for a non-finite target.
 */
export function rpnLoss({ objectness, predBboxDeltas, labels, regressionTargets }: RpnLossInputs): RpnLosses {
  const n = labels.length;
  if (objectness.size !== n || !(objectness.rank === 1 || (objectness.rank === 2 && objectness.shape[1] === 1))) {
    throw new ShapeMismatchError('objectness does not match the labels', { field: 'objectness', expected: `[${n}] or [${n}, 1]`, received: objectness.shape });
  }
  checkShape(predBboxDeltas, [n, 4], 'predBboxDeltas');
  validateLabels(labels, 2, { name: 'labels', min: -1 });
  checkLength(regressionTargets, 4 * n, 'regressionTargets', 'the labels (4 per anchor)');
  checkFinite(regressionTargets, 'regressionTargets', 4);
  let sampled = 0;
  const isTarget = new Float32Array(n);
  const isSampled = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (labels[i] < 0) continue;
    sampled++;
    isSampled[i] = 1;
    isTarget[i] = labels[i] === ANCHOR_POSITIVE ? 1 : 0;
  }
  if (sampled === 0) return { lossObjectness: connectedZero(objectness), lossRpnBoxReg: connectedZero(predBboxDeltas) };
  return tf.tidy(() => {
    const x = tf.reshape(objectness, [n]);
    const bce = bceWithLogits(x, tf.tensor1d(isTarget));
    const lossObjectness = tf.div(tf.sum(tf.mul(bce, tf.tensor1d(isSampled))), sampled) as tf.Scalar;
    const box = smoothL1(predBboxDeltas, tf.tensor2d(Float32Array.from(regressionTargets), [n, 4]), BOX_LOSS_BETA);
    const lossRpnBoxReg = tf.div(tf.sum(tf.mul(box, tf.tensor2d(isTarget, [n, 1]))), sampled) as tf.Scalar;
    return { lossObjectness, lossRpnBoxReg };
  });
}
