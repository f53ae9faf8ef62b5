import { iouFloat32 } from '@det/boxes';

/** Value of `overlaps` for a prior that a ground truth was forced onto (ssd.pytorch's `index_fill_(…, 2)`). */
export const FORCED_OVERLAP = 2;

/** Raw per-prior assignment, see `matchPriors` for the meaning of each array. */
export interface Assignment {
  labels: Int32Array;
  matches: Int32Array;
  overlaps: Float32Array;
  numPositives: number;
}

const f32 = Math.fround;

/**
 * The matching kernel behind `matchPriors`, `createPriorMatcher` and `encodeBatch`, on checked input:
 * `truths` [N*4] xyxy (N ≥ 1, finite, non-degenerate), `labels` [N] integers ≥ 0, `corners` [P*4] xyxy
 * priors, `threshold` already rounded to float32. Allocates the three P-long outputs and one N-long array;
 * never an N×P matrix.
 *
 * One truth-major pass: for each truth j, one sequential sweep over the priors, in which every prior i
 * updates its best truth (strict >, so the first truth keeps a tie, as torch's `max(0)`) and the truth's
 * best prior (strict >, so the first prior keeps a tie, as torch's `max(1)`). Priors the truth does not
 * overlap have IoU 0 and change nothing: four comparisons skip them. The result equals ssd.pytorch's N×P
 * jaccard matrix followed by the two argmaxes.
 */
export function assignPriors(truths: ArrayLike<number>, labels: ArrayLike<number>, corners: Float32Array, threshold: number): Assignment {
  const p = corners.length >> 2;
  const n = truths.length >> 2;
  const outLabels = new Int32Array(p);
  // torch's max(0) over a column of zeros returns index 0: every prior starts on truth 0 at IoU 0.
  const matches = new Int32Array(p);
  const overlaps = new Float32Array(p);
  const bestPrior = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const t = 4 * j;
    // Truths go through float32, as in a torch float tensor (a no-op for Float32Array input).
    const tx1 = f32(truths[t]);
    const ty1 = f32(truths[t + 1]);
    const tx2 = f32(truths[t + 2]);
    const ty2 = f32(truths[t + 3]);
    let best = 0;
    let bestI = 0; // torch's max(1) over a row of zeros returns prior 0
    for (let i = 0; i < p; i++) {
      const q = 4 * i;
      const px1 = corners[q];
      const py1 = corners[q + 1];
      const px2 = corners[q + 2];
      const py2 = corners[q + 3];
      if (px1 >= tx2 || px2 <= tx1 || py1 >= ty2 || py2 <= ty1) continue;
      const iou = iouFloat32(tx1, ty1, tx2, ty2, px1, py1, px2, py2);
      if (iou > best) {
        best = iou;
        bestI = i;
      }
      if (iou > overlaps[i]) {
        overlaps[i] = iou;
        matches[i] = j;
      }
    }
    bestPrior[j] = bestI;
  }
  // ssd.pytorch: best_truth_overlap.index_fill_(0, best_prior_idx, 2), then
  // `for j: best_truth_idx[best_prior_idx[j]] = j` — a later truth wins a shared best prior.
  for (let j = 0; j < n; j++) {
    overlaps[bestPrior[j]] = FORCED_OVERLAP;
    matches[bestPrior[j]] = j;
  }
  let numPositives = 0;
  for (let i = 0; i < p; i++) {
    // conf[best_truth_overlap < threshold] = 0, compared in float32 like torch.
    if (overlaps[i] >= threshold) {
      outLabels[i] = labels[matches[i]] + 1;
      numPositives++;
    }
  }
  return { labels: outLabels, matches, overlaps, numPositives };
}
