import { argsortDescending } from './argsort';
import { greedyNms } from './greedy';
import { checkBoxesAndScores, checkCategoryIds, checkIouThreshold } from './validate';

/**
 * Per-category NMS (torchvision `ops.batched_nms`): boxes with different `idxs` never suppress each
 * other; within a category it is {@link nms}.
 * - `boxes` [N*4] corner form `xyxy`, any coordinate space; `scores` [N]; `idxs` [N] integer category per box.
 * - Returns an Int32Array of kept indices sorted by decreasing score, ties by lower index first.
 *
 * Exact per category: no coordinate-offset trick (torchvision offsets the boxes of each category for
 * inputs up to 1000 boxes on the CPU, which perturbs IoUs in the last float32 bits).
 */
export function batchedNms(boxes: ArrayLike<number>, scores: ArrayLike<number>, idxs: ArrayLike<number>, iouThreshold: number): Int32Array {
  const n = checkBoxesAndScores(boxes, scores);
  checkIouThreshold(iouThreshold);
  checkCategoryIds(idxs, n);
  if (n === 0) return new Int32Array(0);
  const order = argsortDescending(scores);

  // Group id of each category in first-seen order, then a stable counting sort of the score order by group.
  const groupOf = new Map<number, number>();
  const group = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = idxs[i];
    let g = groupOf.get(c);
    if (g === undefined) {
      g = groupOf.size;
      groupOf.set(c, g);
    }
    group[i] = g;
  }
  const groups = groupOf.size;
  const start = new Int32Array(groups + 1);
  for (let i = 0; i < n; i++) start[group[i] + 1]++;
  for (let g = 0; g < groups; g++) start[g + 1] += start[g];
  const fill = start.slice(0, groups);
  const byGroup = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const i = order[k];
    byGroup[fill[group[i]]++] = i;
  }

  const kept = new Uint8Array(n);
  const scratch = new Int32Array(n);
  let total = 0;
  for (let g = 0; g < groups; g++) {
    const members = byGroup.subarray(start[g], start[g + 1]);
    const count = greedyNms(boxes, members, members.length, iouThreshold, scratch);
    for (let k = 0; k < count; k++) kept[scratch[k]] = 1;
    total += count;
  }
  const out = new Int32Array(total);
  let w = 0;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    if (kept[i] === 1) out[w++] = i;
  }
  return out;
}
