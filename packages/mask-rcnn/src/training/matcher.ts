import { boxIou } from '@det/boxes';
import { InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { checkTrainingBoxes } from './validate';

/** Matcher result for a proposal whose best quality is below `low` (torchvision `Matcher.BELOW_LOW_THRESHOLD`). */
export const BELOW_LOW_THRESHOLD = -1;
/** Matcher result for a proposal whose best quality is in [low, high) (torchvision `Matcher.BETWEEN_THRESHOLDS`). */
export const BETWEEN_THRESHOLDS = -2;

/**
 * A match-quality matrix as torchvision's Matcher takes it: `values` [G*N] row-major with one row per ground-truth
 * box and one column per proposal (anchor), `values[g * numProposals + n]` = quality (IoU) of gt g with proposal n.
 */
export interface MatchQualityMatrix {
  values: ArrayLike<number>;
  numGt: number;
  numProposals: number;
}

/**
 * IoU of every ground-truth box with every proposal (torchvision `box_iou(gt_boxes, proposals)`), from @det/boxes
 * `boxIou`. Both `xyxy` in the same pixel space; zero-area boxes give IoU 0.
 */
export function iouMatrix(gtBoxes: ArrayLike<number>, proposals: ArrayLike<number>): MatchQualityMatrix {
  checkTrainingBoxes(gtBoxes, 'gtBoxes');
  checkTrainingBoxes(proposals, 'proposals');
  return { values: boxIou(gtBoxes, proposals), numGt: gtBoxes.length >> 2, numProposals: proposals.length >> 2 };
}

export interface MatcherOptions {
  /** Qualities ≥ `high` are matches (RPN 0.7, RoI heads 0.5). */
  high: number;
  /** Qualities below `low` are {@link BELOW_LOW_THRESHOLD}, those in [low, high) {@link BETWEEN_THRESHOLDS} (RPN 0.3, RoI heads 0.5). */
  low: number;
  /**
   * For each gt, every proposal that ties its best quality keeps its own best gt even when below `high`
   * (torchvision `allow_low_quality_matches`; the RPN sets it, the RoI heads do not). Default false.
   */
  allowLowQualityMatches?: boolean;
}

/**
 * torchvision `det_utils.Matcher(high, low, allowLowQualityMatches)(matrix)`: for each proposal the index of the gt
 * with the highest quality (the first on ties, as torch's `max`), or {@link BELOW_LOW_THRESHOLD} /
 * {@link BETWEEN_THRESHOLDS}. Thresholds compare in float32, as torch compares a float32 tensor with a Python float.
 * Returns Int32Array [N].
 *
 * Differences from torchvision, on inputs it rejects or mishandles:
 * - no gt (G = 0): every proposal is {@link BELOW_LOW_THRESHOLD} (torchvision raises; its callers treat such images
 *   as all background, as this does);
 * - a gt whose best quality is 0 (zero-area, or overlapping no proposal) is skipped by the low-quality rule:
 *   torchvision treats every proposal as tying that 0 and promotes all of them to their own best gt, so a single
 *   such gt would turn every unmatched anchor into a positive.
 */
export function matchProposals(matrix: MatchQualityMatrix, options: MatcherOptions): Int32Array {
  const { values, numGt: g, numProposals: n } = matrix;
  const { high, low, allowLowQualityMatches = false } = options;
  if (!(Number.isFinite(high) && Number.isFinite(low) && low <= high)) {
    throw new InvalidConfigError('matcher thresholds need low ≤ high', { field: 'low', expected: 'finite low ≤ high', received: { low, high } });
  }
  if (!(Number.isInteger(g) && g >= 0 && Number.isInteger(n) && n >= 0) || values.length !== g * n) {
    throw new ShapeMismatchError('match-quality matrix does not have numGt × numProposals values', {
      field: 'values',
      expected: `${g} × ${n} = ${g * n} values`,
      received: `${values.length} values`,
    });
  }
  const matches = new Int32Array(n).fill(BELOW_LOW_THRESHOLD);
  if (g === 0) return matches;
  const hi = Math.fround(high);
  const lo = Math.fround(low);
  const best = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    let bestValue = Number.NEGATIVE_INFINITY;
    let arg = 0;
    for (let i = 0; i < g; i++) {
      const v = values[i * n + j];
      if (Number.isNaN(v)) throw new NotFiniteError('match quality is NaN', { field: 'values', index: i * n + j, expected: 'a number (IoU)' });
      if (v > bestValue) {
        bestValue = v;
        arg = i;
      }
    }
    best[j] = arg;
    matches[j] = bestValue < lo ? BELOW_LOW_THRESHOLD : bestValue < hi ? BETWEEN_THRESHOLDS : arg;
  }
  if (allowLowQualityMatches) {
    for (let i = 0; i < g; i++) {
      const row = i * n;
      let top = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < n; j++) if (values[row + j] > top) top = values[row + j];
      if (!(top > 0)) continue;
      for (let j = 0; j < n; j++) if (values[row + j] === top) matches[j] = best[j];
    }
  }
  return matches;
}
