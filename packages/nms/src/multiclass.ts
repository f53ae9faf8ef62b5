import { assertBoxArray, type Detections, InvalidConfigError, ShapeMismatchError } from '@det/core';
import { argsortDescending } from './argsort';
import { greedyNms } from './greedy';
import { checkIouThreshold } from './validate';

export interface MulticlassNmsOptions {
  /** Keep class scores strictly above this (default 0.01; ssd.pytorch `conf_thresh`, torchvision `score_thresh`). */
  scoreThreshold?: number;
  /** Per-class NMS IoU threshold, suppress when IoU > it (default 0.45). */
  iouThreshold?: number;
  /** Best candidates per class entering NMS (default 200: ssd.pytorch's nms `top_k`; torchvision uses `topk_candidates` 400). */
  candidatesPerClass?: number;
  /** Most detections kept per class after NMS (default unlimited; ssd.pytorch keeps ≤ 200). */
  maxPerClass?: number;
  /** Most detections per image, best scores first (default 200; torchvision `detections_per_img`). */
  topK?: number;
  /** Score column that is background and never detected (default 0); `null` when every column is a class. */
  backgroundClass?: number | null;
}

/**
 * SSD post-processing for one image: per class, scores > scoreThreshold, the best `candidatesPerClass`,
 * greedy NMS, then the best `topK` over all classes (ssd.pytorch `Detect`, torchvision
 * `SSD.postprocess_detections`).
 * - `boxes` Float32Array [P*4] decoded boxes, corner form `xyxy` (any space: output boxes are in it).
 * - `scores` Float32Array [P*C] row-major class probabilities (softmax), column 0 = background by default.
 * Returns Detections sorted by decreasing score; `labels` are foreground classes, 0-based:
 * score column c → label c − 1 when column 0 is background (column c → c when `backgroundClass` is null).
 */
export function multiclassNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, options: MulticlassNmsOptions = {}): Detections {
  const {
    scoreThreshold = 0.01,
    iouThreshold = 0.45,
    candidatesPerClass = 200,
    maxPerClass = Number.POSITIVE_INFINITY,
    topK = 200,
    backgroundClass = 0,
  } = options;
  checkIouThreshold(iouThreshold);
  assertBoxArray(boxes, 'boxes');
  const p = boxes.length >> 2;
  if (p === 0) return { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
  if (scores.length % p !== 0) {
    throw new ShapeMismatchError(`${scores.length} scores do not split into ${p} priors`, { field: 'scores', expected: `${p} × classes values` });
  }
  for (const [value, field] of [
    [candidatesPerClass, 'candidatesPerClass'],
    [topK, 'topK'],
  ] as const) {
    if (!(value > 0)) throw new InvalidConfigError(`${field} must be positive`, { field, received: value });
  }
  const c = scores.length / p;
  const allBoxes: number[] = [];
  const allScores: number[] = [];
  const allLabels: number[] = [];
  const classScores = new Float32Array(p);
  const candidates = new Int32Array(p);
  const keep = new Int32Array(p);
  for (let cls = 0; cls < c; cls++) {
    if (cls === backgroundClass) continue;
    let count = 0;
    for (let i = 0; i < p; i++) {
      const s = scores[i * c + cls];
      if (s > scoreThreshold) {
        candidates[count] = i;
        classScores[count++] = s;
      }
    }
    if (count === 0) continue;
    const ranked = argsortDescending(classScores.subarray(0, count));
    const take = Math.min(count, candidatesPerClass);
    const order = new Int32Array(take);
    for (let k = 0; k < take; k++) order[k] = candidates[ranked[k]];
    const kept = greedyNms(boxes, order, take, iouThreshold, keep, maxPerClass);
    const label = backgroundClass === null ? cls : cls > backgroundClass ? cls - 1 : cls;
    for (let k = 0; k < kept; k++) {
      const i = keep[k];
      allBoxes.push(boxes[4 * i], boxes[4 * i + 1], boxes[4 * i + 2], boxes[4 * i + 3]);
      allScores.push(scores[i * c + cls]);
      allLabels.push(label);
    }
  }
  const finalOrder = argsortDescending(allScores);
  const n = Math.min(finalOrder.length, topK);
  const out: Detections = { boxes: new Float32Array(n * 4), scores: new Float32Array(n), labels: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    const j = finalOrder[k];
    out.boxes.set(allBoxes.slice(4 * j, 4 * j + 4), 4 * k);
    out.scores[k] = allScores[j];
    out.labels[k] = allLabels[j];
  }
  return out;
}
