import { type Detections, InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { argsortDescending, argsortDescendingTopK } from './argsort';
import { greedyNms } from './greedy';
import { checkCount, checkFiniteBoxes, checkIouThreshold } from './validate';

export interface MulticlassNmsOptions {
  /** Keep class scores strictly above this (default 0.01; ssd.pytorch `conf_thresh`, torchvision `score_thresh`). */
  scoreThreshold?: number;
  /** Per-class NMS IoU threshold; suppress when IoU > it (default 0.45; both references' `nms_thresh`). */
  iouThreshold?: number;
  /**
   * Best-scoring candidates per class that enter NMS (default 200: ssd.pytorch's `top_k`;
   * torchvision's `topk_candidates` is 400).
   */
  candidatesPerClass?: number;
  /** Most detections kept per class after NMS (default Infinity; ssd.pytorch keeps ≤ `top_k`). */
  maxPerClass?: number;
  /** Most detections per image, best scores first (default 200: torchvision `detections_per_img`; Infinity = all). */
  topK?: number;
  /** Score column that is background and never detected (default 0); `null` when every column is a class. */
  backgroundClass?: number | null;
}

/**
 * Options of {@link multiclassNms} that reproduce the two reference SSD post-processing steps.
 * - `ssdPytorch`: amdegroot/ssd.pytorch `Detect(21, 0, 200, 0.01, 0.45)`: per class, the 200 best scores
 *   > 0.01, NMS 0.45; every kept box of every class is returned (its final cross-class top-k step fills a
 *   copy of the output and has no effect).
 * - `torchvision`: torchvision `SSD.postprocess_detections` defaults: per class, scores > 0.01, the 400
 *   best, NMS 0.45 per class, then the 200 best over all classes.
 */
export const multiclassNmsPresets = {
  ssdPytorch: { scoreThreshold: 0.01, iouThreshold: 0.45, candidatesPerClass: 200, maxPerClass: 200, topK: Number.POSITIVE_INFINITY },
  torchvision: { scoreThreshold: 0.01, iouThreshold: 0.45, candidatesPerClass: 400, topK: 200 },
} as const satisfies Record<string, MulticlassNmsOptions>;

/**
 * SSD post-processing for one image: for each foreground class, the scores > `scoreThreshold`, the
 * `candidatesPerClass` best of them, greedy NMS (at most `maxPerClass` kept), then the `topK` best
 * detections over all classes (ssd.pytorch `Detect`, torchvision `SSD.postprocess_detections`; see
 * {@link multiclassNmsPresets}).
 * - `boxes` [P*4] decoded boxes, corner form `xyxy`, any coordinate space (output boxes are in it).
 * - `scores` [P*C] row-major class probabilities (softmax), column 0 = background by default.
 * - Returns `Detections` sorted by decreasing score (ties: lower class, then lower prior index).
 *   `labels` are foreground classes, 0-based: score column c → label c − 1 when column 0 is background
 *   (the columns after `backgroundClass` shift down by one; with `backgroundClass: null`, column c → c).
 *   torchvision's postprocess reports the column itself (label = our label + 1).
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
  checkCount(candidatesPerClass, 'candidatesPerClass');
  checkCount(maxPerClass, 'maxPerClass');
  checkCount(topK, 'topK');
  if (typeof scoreThreshold !== 'number' || Number.isNaN(scoreThreshold)) {
    throw new InvalidConfigError('scoreThreshold must be a number', { field: 'scoreThreshold', received: scoreThreshold });
  }
  const p = checkFiniteBoxes(boxes);
  if (p === 0) {
    if (scores.length !== 0) throw new ShapeMismatchError(`${scores.length} scores for 0 boxes`, { field: 'scores', expected: 'no scores' });
    return { boxes: new Float32Array(0), scores: new Float32Array(0), labels: new Int32Array(0) };
  }
  if (scores.length % p !== 0 || scores.length === 0) {
    throw new ShapeMismatchError(`${scores.length} scores do not split into ${p} priors`, {
      field: 'scores',
      expected: `${p} × classes values (row-major [P, C])`,
      received: scores.length,
    });
  }
  const c = scores.length / p;
  if (backgroundClass !== null && !(Number.isInteger(backgroundClass) && backgroundClass >= 0 && backgroundClass < c)) {
    throw new InvalidConfigError('backgroundClass is not a score column', {
      field: 'backgroundClass',
      expected: `an integer in [0, ${c - 1}] or null`,
      received: backgroundClass,
    });
  }
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) {
      throw new NotFiniteError(`score of prior ${Math.floor(i / c)}, column ${i % c} is NaN`, { field: 'scores', index: i });
    }
  }

  const keptPrior: number[] = [];
  const keptColumn: number[] = [];
  const keptScore: number[] = [];
  const candidates = new Int32Array(p);
  const classScores = new Float32Array(p);
  const keep = new Int32Array(p);
  const order = new Int32Array(p);
  for (let cls = 0; cls < c; cls++) {
    if (cls === backgroundClass) continue;
    let count = 0;
    for (let i = 0, j = cls; i < p; i++, j += c) {
      const s = scores[j];
      if (s > scoreThreshold) {
        candidates[count] = i;
        classScores[count++] = s;
      }
    }
    if (count === 0) continue;
    const column = scores instanceof Float32Array ? classScores.subarray(0, count) : pick(scores, candidates, count, c, cls);
    const ranked = argsortDescendingTopK(column, candidatesPerClass);
    const take = ranked.length;
    for (let k = 0; k < take; k++) order[k] = candidates[ranked[k]];
    const kept = greedyNms(boxes, order, take, iouThreshold, keep, maxPerClass);
    for (let k = 0; k < kept; k++) {
      keptPrior.push(keep[k]);
      keptColumn.push(cls);
      keptScore.push(scores[keep[k] * c + cls]);
    }
  }

  const best = argsortDescending(keptScore);
  const n = Math.min(best.length, topK);
  const out: Detections = { boxes: new Float32Array(n * 4), scores: new Float32Array(n), labels: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    const j = best[k];
    const i = keptPrior[j];
    const cls = keptColumn[j];
    out.boxes[4 * k] = boxes[4 * i];
    out.boxes[4 * k + 1] = boxes[4 * i + 1];
    out.boxes[4 * k + 2] = boxes[4 * i + 2];
    out.boxes[4 * k + 3] = boxes[4 * i + 3];
    out.scores[k] = keptScore[j];
    out.labels[k] = backgroundClass === null || cls < backgroundClass ? cls : cls - 1;
  }
  return out;
}

/** Scores of one class column for the candidate priors, at full precision (non-float32 inputs). */
function pick(scores: ArrayLike<number>, candidates: Int32Array, count: number, c: number, cls: number): Float64Array {
  const out = new Float64Array(count);
  for (let k = 0; k < count; k++) out[k] = scores[candidates[k] * c + cls];
  return out;
}
