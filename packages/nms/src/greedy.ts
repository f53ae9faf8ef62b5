import { areaAt, intersectionArea, iouFromAreas } from '@det/boxes';
import { indexedNms, sweep } from './greedy-indexed';

/** Plain passes continue while each removes at least 1/PLAIN_SHARE of the remaining boxes. */
const PLAIN_SHARE = 8;
/** Below this many remaining boxes, plain passes are always used. */
const PLAIN_MAX = 32;

/**
 * Greedy suppression over candidates already sorted by decreasing score: the plain torchvision loop
 * ("take the best remaining box, drop every later box with IoU > iouThreshold") with exactly its result,
 * without comparing boxes that cannot overlap enough.
 *
 * - `boxes` [N*4] corner form `xyxy`, any coordinate space; `order[0..count)` box indices by decreasing score.
 * - Writes kept box indices (in score order) into `keep` and returns how many; stops after `maxKeep`.
 * - Boxes with zero or negative width or height overlap nothing (IoU 0): never suppressed, suppress nothing.
 *
 * It starts with plain passes over the remaining boxes, which is best while each kept box removes a good
 * share of them. Once a pass removes little, the rest goes to {@link indexedNms}, exact for IoU > t:
 * - area bands: IoU(a, b) ≤ min(area)/max(area), so boxes whose areas differ by more than 1/t never
 *   suppress each other; bands are at least that wide, and a kept box only visits its own band and the
 *   two next to it;
 * - a grid per band on (x1, y1): IoU > t needs an overlap of more than t·max(w(a), w(c)) in x (and
 *   likewise in y), so a kept box `a` only visits the cells whose candidates `c` can have
 *   x1 ∈ (a.x1 + t·max(w(a), W) − W, a.x2 − t·w(a)), W the band's largest width; likewise in y.
 * Cells keep their live candidates contiguous in score order and are compacted as boxes are dropped.
 */
export function greedyNms(
  boxes: ArrayLike<number>,
  order: ArrayLike<number>,
  count: number,
  iouThreshold: number,
  keep: Int32Array,
  maxKeep = Number.POSITIVE_INFINITY,
): number {
  if (count <= 0 || !(maxKeep > 0)) return 0;
  const t = iouThreshold;
  // The remaining boxes with an area, in score order: x1, y1, x2, y2, area; and their rank.
  const coords = new Float64Array(5 * count);
  const rankAt = new Int32Array(count);
  let n = 0;
  if (t < 1) {
    // (IoU ≤ 1: with t ≥ 1 nothing is ever suppressed, and no box needs to be listed.)
    for (let k = 0; k < count; k++) {
      const i = order[k] as number;
      const b = 4 * i;
      const x1 = boxes[b];
      const y1 = boxes[b + 1];
      const x2 = boxes[b + 2];
      const y2 = boxes[b + 3];
      if (x2 > x1 && y2 > y1) {
        const o = 5 * n;
        coords[o] = x1;
        coords[o + 1] = y1;
        coords[o + 2] = x2;
        coords[o + 3] = y2;
        coords[o + 4] = areaAt(boxes, i);
        rankAt[n++] = k;
      }
    }
  }
  const suppressed = new Uint8Array(count);
  let kept = 0;
  let p = 0;
  // Plain passes over the list; suppressed entries are marked (area −1) and swept out now and then.
  let first = 0; // entries before it are processed or suppressed
  let alive = n; // unmarked entries from `first` on
  for (; p < count && kept < maxKeep; p++) {
    if (suppressed[p] === 1) continue;
    keep[kept++] = order[p] as number;
    while (first < n && coords[5 * first + 4] < 0) first++;
    if (first === n || rankAt[first] !== p) continue; // no area: suppresses nothing
    const f = 5 * first;
    const ax1 = coords[f];
    const ay1 = coords[f + 1];
    const ax2 = coords[f + 2];
    const ay2 = coords[f + 3];
    const aa = coords[f + 4];
    first++;
    alive--;
    let removed = 0;
    for (let r = first; r < n; r++) {
      const o = 5 * r;
      const area = coords[o + 4];
      if (area < 0) continue;
      const inter = intersectionArea(ax1, ay1, ax2, ay2, coords[o], coords[o + 1], coords[o + 2], coords[o + 3]);
      if (inter > 0 && iouFromAreas(inter, aa, area) > t) {
        suppressed[rankAt[r]] = 1;
        coords[o + 4] = -1;
        removed++;
      }
    }
    const before = alive;
    alive -= removed;
    if ((n - first - alive) * 4 > n - first) {
      n = sweep(coords, rankAt, first, n);
    }
    if (alive > PLAIN_MAX && removed * PLAIN_SHARE < before) {
      p++;
      break;
    }
  }
  if (p >= count || kept >= maxKeep) return kept;
  n = sweep(coords, rankAt, first, n) - first;
  return indexedNms(boxes, order, count, t, keep, maxKeep, coords.subarray(5 * first), rankAt.subarray(first), n, suppressed, p, kept);
}
