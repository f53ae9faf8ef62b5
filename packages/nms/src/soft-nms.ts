import { areaAt, intersectionArea, iouFromAreas } from '@det/boxes';
import { InvalidConfigError } from '@det/core';
import { checkBoxesAndScores, checkIouThreshold } from './validate';

export interface SoftNmsOptions {
  /** `'linear'`: s ← s·(1 − IoU) when IoU > iouThreshold; `'gaussian'` (default): s ← s·exp(−IoU²/σ). */
  method?: 'linear' | 'gaussian';
  /** σ of the gaussian decay (default 0.5). */
  sigma?: number;
  /** Overlap above which the linear method decays a score (default 0.3). */
  iouThreshold?: number;
  /** Boxes whose decayed score falls to or below this are dropped (default 0.001). */
  scoreThreshold?: number;
}

/** Kept boxes of {@link softNms}: indices into the input, and their decayed scores, by selection order. */
export interface SoftNmsResult {
  indices: Int32Array;
  scores: Float32Array;
}

/**
 * Soft-NMS (Bodla et al. 2017; MMCV `soft_nms` semantics): repeatedly selects the highest remaining
 * score, then decays the scores of the others by their IoU with it instead of removing them.
 * `boxes` [N*4] xyxy, `scores` [N]. Selected boxes come out in selection order (non-increasing decayed score).
 */
export function softNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, options: SoftNmsOptions = {}): SoftNmsResult {
  const { method = 'gaussian', sigma = 0.5, iouThreshold = 0.3, scoreThreshold = 0.001 } = options;
  const n = checkBoxesAndScores(boxes, scores);
  checkIouThreshold(iouThreshold);
  if (method !== 'linear' && method !== 'gaussian') {
    throw new InvalidConfigError('unknown soft-NMS method', { field: 'method', expected: "'linear' or 'gaussian'", received: method });
  }
  if (!(sigma > 0)) throw new InvalidConfigError('sigma must be positive', { field: 'sigma', received: sigma });
  const current = Float64Array.from(scores as ArrayLike<number>);
  const live = Int32Array.from({ length: n }, (_, i) => i);
  const area = Float64Array.from({ length: n }, (_, i) => areaAt(boxes, i));
  let liveCount = n;
  const indices: number[] = [];
  const kept: number[] = [];
  while (liveCount > 0) {
    let best = 0;
    for (let r = 1; r < liveCount; r++) if (current[live[r]] > current[live[best]]) best = r;
    const i = live[best];
    if (current[i] <= scoreThreshold) break;
    indices.push(i);
    kept.push(current[i]);
    live[best] = live[--liveCount];
    const b = 4 * i;
    let write = 0;
    for (let r = 0; r < liveCount; r++) {
      const j = live[r];
      const q = 4 * j;
      const inter = intersectionArea(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3], boxes[q], boxes[q + 1], boxes[q + 2], boxes[q + 3]);
      const iou = inter > 0 ? iouFromAreas(inter, area[i], area[j]) : 0;
      if (method === 'linear') {
        if (iou > iouThreshold) current[j] *= 1 - iou;
      } else {
        current[j] *= Math.exp(-(iou * iou) / sigma);
      }
      if (current[j] > scoreThreshold) live[write++] = j;
    }
    liveCount = write;
  }
  return { indices: Int32Array.from(indices), scores: Float32Array.from(kept) };
}
