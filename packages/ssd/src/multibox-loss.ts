import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import type { BatchTargets } from '@det/codec';
import { tf } from '@det/tfjs';
import { mineHardNegatives } from './hard-negatives';

export interface MultiBoxLossOptions {
  /** Mined background priors per positive (default 3). */
  negPosRatio?: number;
  /** Weight of the localisation term (default 1: ssd.pytorch's `loss_l + loss_c`). */
  locWeight?: number;
}

export interface MultiBoxLossResult {
  /** locWeight · loc + conf (scalar). */
  loss: tf.Scalar;
  /** Smooth L1 (β = 1) over the positives' 4 offsets, summed, / N. */
  loc: tf.Scalar;
  /** Cross entropy over positives and mined negatives, summed, / N. */
  conf: tf.Scalar;
  /** N = positives in the batch, at least 1. */
  numPositives: number;
}

/**
 * SSD's MultiBox loss (ssd.pytorch `MultiBoxLoss`, torchvision `SSD.compute_loss`):
 * smooth L1 on the positive priors' encoded offsets + softmax cross entropy on the positives and the hardest
 * `negPosRatio × positives` negatives of each image (ranked by background loss), both summed and divided by the
 * batch's number of positives (at least 1, so a batch without objects gives a finite loss).
 * - `loc` [B, P, 4] predicted offsets, `conf` [B, P, C] logits (column 0 = background).
 * - `targets` from @det/codec `encodeBatch` (the same priors, means and stds as the model).
 * The mining reads the background losses to the host once per call ([B·P] floats).
 */
export function multiBoxLoss(loc: tf.Tensor, conf: tf.Tensor, targets: BatchTargets, options: MultiBoxLossOptions = {}): MultiBoxLossResult {
  const { negPosRatio = 3, locWeight = 1 } = options;
  if (!(negPosRatio >= 0)) throw new InvalidConfigError('negPosRatio must be ≥ 0', { field: 'negPosRatio', received: negPosRatio });
  const { batchSize: b, numPriors: p } = targets;
  if (loc.rank !== 3 || loc.shape[0] !== b || loc.shape[1] !== p || loc.shape[2] !== 4) {
    throw new ShapeMismatchError('loc does not match the targets', { field: 'loc', expected: `[${b}, ${p}, 4]`, received: loc.shape });
  }
  if (conf.rank !== 3 || conf.shape[0] !== b || conf.shape[1] !== p || (conf.shape[2] ?? 0) < 2) {
    throw new ShapeMismatchError('conf does not match the targets', { field: 'conf', expected: `[${b}, ${p}, C ≥ 2]`, received: conf.shape });
  }
  const c = conf.shape[2] as number;
  const labels = targets.labels;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= c) {
      throw new ShapeMismatchError('target label outside the model classes', { field: 'targets.labels', index: i, expected: `0 ≤ label < ${c}`, received: labels[i] });
    }
  }
  let positives = 0;
  for (const n of targets.numPositives) positives += n;
  const n = Math.max(1, positives);
  const posMask = new Float32Array(b * p);
  for (let i = 0; i < labels.length; i++) posMask[i] = labels[i] > 0 ? 1 : 0;

  return tf.tidy(() => {
    const logits = conf as tf.Tensor3D;
    const lse = tf.logSumExp(logits, 2); // [B, P]
    // Background loss = lse − logit[0]; read without recording a gradient (mining is a selection).
    const bgLoss = tf.sub(lse, tf.squeeze(tf.slice(logits, [0, 0, 0], [b, p, 1]), [2]));
    const mask = mineHardNegatives(bgLoss.dataSync(), labels, b, negPosRatio);
    const labelTensor = tf.tensor2d(labels, [b, p], 'int32');
    const picked = tf.sum(tf.mul(logits, tf.cast(tf.oneHot(labelTensor, c), 'float32')), 2); // logit of the target class
    const ce = tf.sub(lse, picked);
    const confLoss = tf.div(tf.sum(tf.mul(ce, tf.tensor2d(mask, [b, p]))), n) as tf.Scalar;
    const diff = tf.abs(tf.sub(loc, tf.tensor3d(targets.locTargets, [b, p, 4])));
    const smooth = tf.where(tf.less(diff, 1), tf.mul(tf.square(diff), 0.5), tf.sub(diff, 0.5));
    const locLoss = tf.div(tf.sum(tf.mul(smooth, tf.tensor3d(posMask, [b, p, 1]))), n) as tf.Scalar;
    const loss = tf.add(tf.mul(locLoss, locWeight), confLoss) as tf.Scalar;
    return { loss, loc: locLoss, conf: confLoss, numPositives: n };
  });
}
