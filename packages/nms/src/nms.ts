import { argsortDescending } from './argsort';
import { greedyNms } from './greedy';
import { checkBoxesAndScores, checkIouThreshold } from './validate';

/**
 * Greedy non-maximum suppression (torchvision `ops.nms`). `boxes` [N*4] corner form `xyxy`, any
 * coordinate space; `scores` [N]. A box is dropped when its IoU with a higher-scoring kept box is
 * > `iouThreshold` (torchvision, tfjs and ssd.pytorch agree on the strict `>`).
 * Returns Int32Array of kept indices by decreasing score; equal scores keep the lower index first.
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
