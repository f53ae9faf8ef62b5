import { ShapeMismatchError } from '@det/core';
import { argsortDescending } from './argsort';
import { greedyNms } from './greedy';
import { checkBoxesAndScores, checkIouThreshold } from './validate';

/**
 * Per-category NMS (torchvision `ops.batched_nms`): boxes with different `idxs` never suppress each
 * other. `boxes` [N*4] xyxy, `scores` [N], `idxs` [N] integer category per box. Returns kept indices
 * sorted by decreasing score (ties: lower index first). Exact per category — no coordinate-offset trick.
 */
export function batchedNms(
  boxes: ArrayLike<number>,
  scores: ArrayLike<number>,
  idxs: ArrayLike<number>,
  iouThreshold: number,
): Int32Array {
  const n = checkBoxesAndScores(boxes, scores);
  checkIouThreshold(iouThreshold);
  if (idxs.length !== n) {
    throw new ShapeMismatchError(`${idxs.length} category ids for ${n} boxes`, { field: 'idxs', expected: `${n} ids` });
  }
  if (n === 0) return new Int32Array(0);
  const order = argsortDescending(scores);
  // Stable partition of the score order by category.
  const groups = new Map<number, number[]>();
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const c = idxs[i];
    let g = groups.get(c);
    if (g === undefined) {
      g = [];
      groups.set(c, g);
    }
    g.push(i);
  }
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[order[k]] = k;
  const keepFlag = new Uint8Array(n);
  const scratch = new Int32Array(n);
  for (const members of groups.values()) {
    const kept = greedyNms(boxes, members, members.length, iouThreshold, scratch);
    for (let k = 0; k < kept; k++) keepFlag[rank[scratch[k]]] = 1;
  }
  let total = 0;
  for (let k = 0; k < n; k++) total += keepFlag[k];
  const out = new Int32Array(total);
  let w = 0;
  for (let k = 0; k < n; k++) if (keepFlag[k]) out[w++] = order[k];
  return out;
}
