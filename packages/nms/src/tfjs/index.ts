import { type Detections, ShapeMismatchError } from '@det/core';
import type * as tf from '@tensorflow/tfjs-core';
import { batchedNms } from '../batched';
import { type MulticlassNmsOptions, multiclassNms } from '../multiclass';
import { nms } from '../nms';

/**
 * Tensor front-ends of @det/nms: they read the tensors with `await tensor.data()` and run the same
 * host code, so results equal {@link nms}, {@link batchedNms} and {@link multiclassNms}. Inputs are not
 * disposed and no tensor is created. Boxes are corner form `xyxy` [N, 4] (tfjs's own
 * `tf.image.nonMaxSuppression` takes yxyx: swap the columns at that boundary).
 */

function checkShape(t: tf.Tensor, rank: number, field: string, columns?: number): void {
  if (t.rank !== rank || (columns !== undefined && t.shape[1] !== columns)) {
    throw new ShapeMismatchError(`tensor of shape [${t.shape.join(', ')}]`, {
      field,
      expected: rank === 1 ? 'shape [N]' : columns !== undefined ? `shape [N, ${columns}]` : 'shape [P, C]',
    });
  }
}

/** {@link nms} on tensors: boxes [N, 4] xyxy, scores [N]. Returns kept indices by decreasing score. */
export async function nmsAsync(boxes: tf.Tensor2D, scores: tf.Tensor1D, iouThreshold: number): Promise<Int32Array> {
  checkShape(boxes, 2, 'boxes', 4);
  checkShape(scores, 1, 'scores');
  const [b, s] = await Promise.all([boxes.data(), scores.data()]);
  return nms(b, s, iouThreshold);
}

/** {@link batchedNms} on tensors: boxes [N, 4] xyxy, scores [N], idxs [N] integer category per box. */
export async function batchedNmsAsync(boxes: tf.Tensor2D, scores: tf.Tensor1D, idxs: tf.Tensor1D, iouThreshold: number): Promise<Int32Array> {
  checkShape(boxes, 2, 'boxes', 4);
  checkShape(scores, 1, 'scores');
  checkShape(idxs, 1, 'idxs');
  const [b, s, c] = await Promise.all([boxes.data(), scores.data(), idxs.data()]);
  return batchedNms(b, s, c, iouThreshold);
}

/**
 * {@link multiclassNms} on tensors: boxes [P, 4] decoded xyxy, scores [P, C] softmax probabilities
 * (column 0 background by default). Returns host `Detections` (labels 0-based foreground classes).
 */
export async function multiclassNmsAsync(boxes: tf.Tensor2D, scores: tf.Tensor2D, options: MulticlassNmsOptions = {}): Promise<Detections> {
  checkShape(boxes, 2, 'boxes', 4);
  checkShape(scores, 2, 'scores');
  if (scores.shape[0] !== boxes.shape[0]) {
    throw new ShapeMismatchError(`${scores.shape[0]} score rows for ${boxes.shape[0]} boxes`, { field: 'scores', expected: 'shape [P, C], one row per box' });
  }
  const [b, s] = await Promise.all([boxes.data(), scores.data()]);
  return multiclassNms(b, s, options);
}

export type { MulticlassNmsOptions };
