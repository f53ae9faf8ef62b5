import { areaAt, intersectionArea, iouFromAreas } from '@det/boxes';
import { InvalidConfigError } from '@det/core';
import { checkBoxesAndScores, checkIouThreshold } from './validate';

/** Score decay of {@link softNms}. */
export type SoftNmsMethod = 'linear' | 'gaussian';

export interface SoftNmsOptions {
  /**
   * `'linear'` (default, as MMCV): s ← s·(1 − IoU) when IoU ≥ `iouThreshold`;
   * `'gaussian'`: s ← s·exp(−IoU²/σ) for every remaining box.
   */
  method?: SoftNmsMethod;
  /** σ of the gaussian decay (default 0.5). */
  sigma?: number;
  /** IoU from which the linear method decays a score (default 0.3; unused by `'gaussian'`). */
  iouThreshold?: number;
  /** Boxes whose (decayed) score is below this are dropped (default 0.001, MMCV `min_score`). */
  scoreThreshold?: number;
}

/** Result of {@link softNms}: kept indices into the input and their decayed scores, in selection order. */
export interface SoftNmsResult {
  /** Int32Array [K] box indices, in the order they were selected (non-increasing decayed score). */
  indices: Int32Array;
  /** Float32Array [K] decayed score of each kept box. */
  scores: Float32Array;
}

/**
 * Soft-NMS (Bodla et al., "Soft-NMS — Improving Object Detection With One Line of Code", ICCV 2017),
 * with MMCV's `soft_nms` semantics and defaults: repeatedly select the box with the highest current
 * score (ties: lower index), then decay the scores of the remaining boxes by their IoU with it instead
 * of removing them; a box whose score falls below `scoreThreshold` is dropped.
 * - `boxes` [N*4] corner form `xyxy`, any coordinate space; `scores` [N].
 * - linear: weight 1 − IoU where IoU ≥ `iouThreshold` (the paper's rule, MMCV's `>=`), else 1;
 *   gaussian: weight exp(−IoU²/σ).
 * One difference from MMCV's kernel: the first selected box is also held to `scoreThreshold` (MMCV
 * returns it even when every input score is below `min_score`). Arithmetic is float64 (MMCV: float32).
 */
export function softNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, options: SoftNmsOptions = {}): SoftNmsResult {
  const { method = 'linear', sigma = 0.5, iouThreshold = 0.3, scoreThreshold = 0.001 } = options;
  const n = checkBoxesAndScores(boxes, scores);
  checkIouThreshold(iouThreshold);
  if (method !== 'linear' && method !== 'gaussian') {
    throw new InvalidConfigError('unknown soft-NMS method', { field: 'method', expected: "'linear' or 'gaussian'", received: method });
  }
  if (typeof sigma !== 'number' || !(sigma > 0)) {
    throw new InvalidConfigError('sigma must be positive', { field: 'sigma', expected: 'a number > 0', received: sigma });
  }
  if (typeof scoreThreshold !== 'number' || Number.isNaN(scoreThreshold)) {
    throw new InvalidConfigError('scoreThreshold must be a number', { field: 'scoreThreshold', received: scoreThreshold });
  }
  const linear = method === 'linear';
  // Live boxes, in index order, with their coordinates, areas and current scores side by side.
  const index = new Int32Array(n);
  const coords = new Float64Array(5 * n);
  const current = new Float64Array(n);
  let live = 0;
  for (let i = 0; i < n; i++) {
    if (!(scores[i] >= scoreThreshold)) continue;
    const b = 4 * i;
    const o = 5 * live;
    coords[o] = boxes[b];
    coords[o + 1] = boxes[b + 1];
    coords[o + 2] = boxes[b + 2];
    coords[o + 3] = boxes[b + 3];
    coords[o + 4] = areaAt(boxes, i);
    current[live] = scores[i];
    index[live++] = i;
  }
  const keptIndex: number[] = [];
  const keptScore: number[] = [];
  while (live > 0) {
    let best = 0;
    for (let r = 1; r < live; r++) if (current[r] > current[best]) best = r; // first (lowest index) wins ties
    keptIndex.push(index[best]);
    keptScore.push(current[best]);
    const o = 5 * best;
    const ax1 = coords[o];
    const ay1 = coords[o + 1];
    const ax2 = coords[o + 2];
    const ay2 = coords[o + 3];
    const aa = coords[o + 4];
    // Decay the others and compact, keeping index order.
    let write = 0;
    for (let r = 0; r < live; r++) {
      if (r === best) continue;
      const q = 5 * r;
      let s = current[r];
      const inter = intersectionArea(ax1, ay1, ax2, ay2, coords[q], coords[q + 1], coords[q + 2], coords[q + 3]);
      if (inter > 0) {
        const iou = iouFromAreas(inter, aa, coords[q + 4]);
        if (linear) {
          if (iou >= iouThreshold) s *= 1 - iou;
        } else {
          s *= Math.exp(-(iou * iou) / sigma);
        }
        if (!(s >= scoreThreshold)) continue;
      }
      if (write !== r) {
        const w = 5 * write;
        coords[w] = coords[q];
        coords[w + 1] = coords[q + 1];
        coords[w + 2] = coords[q + 2];
        coords[w + 3] = coords[q + 3];
        coords[w + 4] = coords[q + 4];
        index[write] = index[r];
      }
      current[write++] = s;
    }
    live = write;
  }
  return { indices: Int32Array.from(keptIndex), scores: Float32Array.from(keptScore) };
}
