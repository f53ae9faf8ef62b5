import { iouFloat32 } from '@det/boxes';
import { validateBoxes, validateLabels, ShapeMismatchError } from '@det/core';
import { priorCorners } from './priors';

/** Value of `matches` where there is no ground truth to match (an image without objects). */
export const NO_MATCH = -1;

/** Background label in matched per-prior labels (ssd.pytorch convention: class k becomes k + 1). */
export const BACKGROUND = 0;

export interface MatchOptions {
  /** IoU at or above which a prior is positive (default 0.5). */
  threshold?: number;
  /** When given, labels must lie in [0, numClasses) (foreground classes, no background). */
  numClasses?: number;
  /** Name of the truths in error messages (default `'truths'`; the batch helper says `'truths[i]'`). */
  name?: string;
}

/**
 * Per-prior matching result, length P each.
 * - `labels`   Int32Array: 0 = background, else ground-truth label + 1.
 * - `matches`  Int32Array: index of the ground truth with the best IoU for every prior (also for
 *              background priors, as ssd.pytorch's `best_truth_idx`); {@link NO_MATCH} without truths.
 * - `overlaps` Float32Array: that best IoU (2 for priors forced onto a ground truth, as ssd.pytorch).
 */
export interface MatchResult {
  labels: Int32Array;
  matches: Int32Array;
  overlaps: Float32Array;
  /** Number of positive priors. */
  numPositives: number;
}

/**
 * ssd.pytorch `match()`: every prior takes the ground truth it overlaps most; it is positive when that
 * IoU ≥ `threshold`; then every ground truth is forced onto its best prior (later ground truths win when
 * two share a best prior). Ties pick the first index, as torch's max.
 * - `truths` Float32Array [N*4] corner form `xyxy`, normalised (same space as the priors).
 * - `labels` Int32Array [N], 0-based foreground classes.
 * - `priors` Float32Array [P*4] centroid form `cxcywh` (as `defaultBoxes` returns them).
 * Zero truths → all background. Degenerate truths → InvalidBoxError naming the index.
 * One pass over P×N; no P×N matrix is allocated. IoUs are computed in PyTorch's float32 operation order
 * (`iouFloat32`), so near-ties between priors break exactly as in ssd.pytorch.
 */
export function matchPriors(
  truths: ArrayLike<number>,
  labels: ArrayLike<number>,
  priors: ArrayLike<number>,
  options: MatchOptions = {},
): MatchResult {
  const { threshold = 0.5, numClasses, name = 'truths' } = options;
  validateBoxes(truths, { name });
  const n = truths.length >> 2;
  if (labels.length !== n) {
    throw new ShapeMismatchError(`${labels.length} labels for ${n} truths`, { field: `${name}.labels`, expected: `${n} labels` });
  }
  if (numClasses !== undefined) validateLabels(labels, numClasses, { name: `${name}.labels` });
  const corners = priorCorners(priors);
  const p = corners.length >> 2;
  const outLabels = new Int32Array(p);
  const matches = new Int32Array(p).fill(NO_MATCH);
  const overlaps = new Float32Array(p);
  if (n === 0) return { labels: outLabels, matches, overlaps, numPositives: 0 };

  // Truth-major: for each truth, one sequential pass over the priors, updating each prior's best truth
  // (strict >, so the first truth wins ties, as torch's max) and this truth's best prior.
  matches.fill(0);
  const bestPrior = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const t = 4 * j;
    const tx1 = truths[t];
    const ty1 = truths[t + 1];
    const tx2 = truths[t + 2];
    const ty2 = truths[t + 3];
    let best = 0;
    let bestI = 0;
    for (let i = 0; i < p; i++) {
      const q = 4 * i;
      // Priors that do not overlap the truth have IoU 0 and change nothing: skip them cheaply.
      if (corners[q] >= tx2 || corners[q + 2] <= tx1 || corners[q + 1] >= ty2 || corners[q + 3] <= ty1) continue;
      const iou = iouFloat32(tx1, ty1, tx2, ty2, corners[q], corners[q + 1], corners[q + 2], corners[q + 3]);
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
  for (let j = 0; j < n; j++) {
    overlaps[bestPrior[j]] = 2;
    matches[bestPrior[j]] = j;
  }
  let numPositives = 0;
  for (let i = 0; i < p; i++) {
    if (overlaps[i] >= threshold) {
      outLabels[i] = labels[matches[i]] + 1;
      numPositives++;
    }
  }
  return { labels: outLabels, matches, overlaps, numPositives };
}
