import type { Detections } from '@det/core';
import type { Tensor } from '@tensorflow/tfjs-core';
import { batchedNms } from '../batched';
import { type MulticlassNmsOptions, multiclassNms } from '../multiclass';
import { nms } from '../nms';

/**
 * Tensor front-ends of @det/nms: read the tensors with `await tensor.data()` and run the same host code
 * (faster than `tf.image.nonMaxSuppression` on the cpu and wasm backends; see the README). Inputs are
 * not disposed. Boxes are `xyxy` [N, 4] (tfjs's own image ops use yxyx: convert at that boundary).
 */
export async function nmsAsync(boxes: Tensor, scores: Tensor, iouThreshold: number): Promise<Int32Array> {
  const [b, s] = await Promise.all([boxes.data<'float32'>(), scores.data<'float32'>()]);
  return nms(b, s, iouThreshold);
}

/** {@link batchedNms} on tensors: boxes [N, 4] xyxy, scores [N], idxs [N] int. */
export async function batchedNmsAsync(boxes: Tensor, scores: Tensor, idxs: Tensor, iouThreshold: number): Promise<Int32Array> {
  const [b, s, c] = await Promise.all([boxes.data<'float32'>(), scores.data<'float32'>(), idxs.data()]);
  return batchedNms(b, s, c, iouThreshold);
}

/** {@link multiclassNms} on tensors: boxes [P, 4] xyxy decoded, scores [P, C] softmax (column 0 background). */
export async function multiclassNmsAsync(boxes: Tensor, scores: Tensor, options: MulticlassNmsOptions = {}): Promise<Detections> {
  const [b, s] = await Promise.all([boxes.data<'float32'>(), scores.data<'float32'>()]);
  return multiclassNms(b, s, options);
}

export type { MulticlassNmsOptions };
