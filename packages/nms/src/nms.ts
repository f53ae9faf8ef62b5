import { argsortDescending } from './argsort';
import { greedyNms } from './greedy';
import { checkBoxesAndScores, checkIouThreshold } from './validate';

/**
 * Greedy non-maximum suppression (torchvision `ops.nms`).
 * - `boxes` [N*4] corner form `xyxy`, any coordinate space (pixels or normalised), finite;
 *   `scores` [N], not NaN; `iouThreshold` in [0, 1].
 * - A box is dropped when its IoU with a higher-scoring kept box is > `iouThreshold` (torchvision,
 *   tfjs and ssd.pytorch agree on the strict `>`): 0 drops every overlapping box, 1 drops none.
 * - Returns an Int32Array of kept indices by decreasing score; equal scores keep the lower index first
 *   (what torchvision 0.14's CPU kernel does too). Degenerate boxes (width or height ≤ 0) overlap
 *   nothing, so they are kept.
 *
 * IoU is computed in float64 with @det/boxes; torchvision computes it in float32, so the two can only
 * disagree for a pair whose IoU lies within float32 rounding (~1e-7) of the threshold.
 */
export function nms(boxes: ArrayLike<number>, scores: ArrayLike<number>, iouThreshold: number): Int32Array {
  const n = checkBoxesAndScores(boxes, scores);
  checkIouThreshold(iouThreshold);
  if (n === 0) return new Int32Array(0);
  const order = argsortDescending(scores);
  const keep = new Int32Array(n);
  const kept = greedyNms(boxes, order, n, iouThreshold, keep);
  return keep.slice(0, kept);
}
