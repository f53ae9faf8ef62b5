import { intersectionArea, iouFromAreas } from '@det/boxes';

/** Candidates of one area band, in score order, compacted as boxes are suppressed. */
interface Band {
  /** Per candidate: x1, y1, x2, y2, area (stride 5). */
  coords: Float64Array;
  /** Position in the global score order (smaller = better score). */
  rank: Int32Array;
  live: number;
  head: number;
}

/** Most bands worth keeping apart; beyond that (thresholds near 1) one band is used. */
const MAX_BANDS = 48;

/**
 * Greedy suppression over candidates already sorted by decreasing score.
 * `order[0..count)` are box indices; writes kept box indices (in score order) into `keep` and returns
 * how many. A candidate is suppressed when its IoU with a kept box is > `iouThreshold`.
 *
 * Speed: IoU(a, b) ≤ min(area)/max(area), so boxes whose areas differ by more than a factor
 * f = 1/threshold can never suppress each other. Candidates are split into area bands of width
 * slightly over f; a kept box only scans its own band and the two neighbours. Each band's candidates
 * are stored interleaved in score order and compacted after every pass (sequential scans only).
 * Zero-area boxes overlap nothing (IoU 0) and sit in a band that is never scanned.
 * The result is exactly that of the plain O(N·K) greedy loop.
 */
export function greedyNms(
  boxes: ArrayLike<number>,
  order: ArrayLike<number>,
  count: number,
  iouThreshold: number,
  keep: Int32Array,
  maxKeep = Number.POSITIVE_INFINITY,
): number {
  if (count === 0) return 0;
  const areas = new Float64Array(count);
  let minArea = Number.POSITIVE_INFINITY;
  let maxArea = 0;
  for (let k = 0; k < count; k++) {
    const b = 4 * order[k];
    const a = (boxes[b + 2] - boxes[b]) * (boxes[b + 3] - boxes[b + 1]);
    areas[k] = a;
    if (a > 0) {
      if (a < minArea) minArea = a;
      if (a > maxArea) maxArea = a;
    }
  }
  // Band width g > 1/threshold (with margin for rounding), so |band(a) − band(b)| ≥ 2 ⇒ area ratio > 1/threshold ⇒ IoU < threshold.
  const logG = iouThreshold > 0 && iouThreshold < 1 ? Math.log(1 / iouThreshold) * (1 + 1e-6) : 0;
  const spread = maxArea > 0 ? Math.log(maxArea / minArea) : 0;
  const nBands = logG > 0 && spread / logG + 1 < MAX_BANDS ? Math.floor(spread / logG) + 1 : 1;
  const logMin = Math.log(minArea);
  const bandOf = new Int32Array(count); // -1 = zero area (never suppresses, never suppressed)
  const sizes = new Int32Array(nBands);
  for (let k = 0; k < count; k++) {
    if (!(areas[k] > 0)) {
      bandOf[k] = -1;
      continue;
    }
    const band = nBands === 1 ? 0 : Math.min(nBands - 1, Math.floor((Math.log(areas[k]) - logMin) / logG));
    bandOf[k] = band;
    sizes[band]++;
  }
  const bands: Band[] = Array.from(sizes, (n) => ({ coords: new Float64Array(n * 5), rank: new Int32Array(n), live: n, head: 0 }));
  const fill = new Int32Array(nBands);
  for (let k = 0; k < count; k++) {
    const band = bandOf[k];
    if (band < 0) continue;
    const t = bands[band];
    const j = fill[band]++;
    const b = 4 * order[k];
    const o = 5 * j;
    t.coords[o] = boxes[b];
    t.coords[o + 1] = boxes[b + 1];
    t.coords[o + 2] = boxes[b + 2];
    t.coords[o + 3] = boxes[b + 3];
    t.coords[o + 4] = areas[k];
    t.rank[j] = k;
  }
  let kept = 0;
  let nextZero = 0; // scan position for zero-area candidates in score order
  while (kept < maxKeep) {
    // Next best live candidate: the smallest rank among band heads and the next zero-area box.
    let bestBand = -1;
    let bestRank = count;
    for (let g = 0; g < nBands; g++) {
      const t = bands[g];
      if (t.head < t.live && t.rank[t.head] < bestRank) {
        bestRank = t.rank[t.head];
        bestBand = g;
      }
    }
    while (nextZero < count && bandOf[nextZero] !== -1) nextZero++;
    if (nextZero < bestRank) {
      if (nextZero >= count) break;
      keep[kept++] = order[nextZero] as number;
      nextZero++;
      continue;
    }
    if (bestBand < 0) break;
    const home = bands[bestBand];
    keep[kept++] = order[bestRank] as number;
    const h = 5 * home.head;
    const ax1 = home.coords[h];
    const ay1 = home.coords[h + 1];
    const ax2 = home.coords[h + 2];
    const ay2 = home.coords[h + 3];
    const aa = home.coords[h + 4];
    home.head++;
    const from = Math.max(0, bestBand - 1);
    const to = Math.min(nBands - 1, bestBand + 1);
    for (let g = from; g <= to; g++) {
      const t = bands[g];
      const c = t.coords;
      const rank = t.rank;
      let write = t.head;
      for (let r = t.head; r < t.live; r++) {
        const o = 5 * r;
        const inter = intersectionArea(ax1, ay1, ax2, ay2, c[o], c[o + 1], c[o + 2], c[o + 3]);
        if (inter > 0 && iouFromAreas(inter, aa, c[o + 4]) > iouThreshold) continue;
        if (write !== r) {
          const w = 5 * write;
          c[w] = c[o];
          c[w + 1] = c[o + 1];
          c[w + 2] = c[o + 2];
          c[w + 3] = c[o + 3];
          c[w + 4] = c[o + 4];
          rank[write] = rank[r];
        }
        write++;
      }
      t.live = write;
    }
  }
  return kept;
}
