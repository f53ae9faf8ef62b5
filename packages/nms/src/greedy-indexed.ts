import { areaAt, intersectionArea, iouFromAreas } from '@det/boxes';

/** Most area bands; with more, the bands are widened (still exact, only less pruning). */
const MAX_BANDS = 32;
/** Cell side relative to the mean box side of a band. */
const CELL_SCALE = 0.4;
/** Relative slack on the pruning bounds, far above float64 rounding of an IoU or a coordinate. */
const SLACK = 1e-9;

/**
 * The rest of `greedyNms` from rank `p` on: the `n` remaining boxes (`coords` x1, y1, x2, y2, area and
 * `rankAt`, in score order, all with an area) are indexed by area band and, within a band, by a grid on
 * (x1, y1); a kept box visits only the cells of the neighbouring bands whose boxes can have IoU > t with it.
 * Continues filling `keep` from `kept` and returns the new count.
 */
export function indexedNms(
  boxes: ArrayLike<number>,
  order: ArrayLike<number>,
  count: number,
  t: number,
  keep: Int32Array,
  maxKeep: number,
  coords: Float64Array,
  rankAt: Int32Array,
  n: number,
  suppressed: Uint8Array,
  p: number,
  kept: number,
): number {
  let minArea = Number.POSITIVE_INFINITY;
  let maxArea = 0;
  for (let r = 0; r < n; r++) {
    const a = coords[5 * r + 4];
    if (a < minArea) minArea = a;
    if (a > maxArea) maxArea = a;
  }
  // Bands of log-area width > log(1/t), so |band(a) − band(b)| ≥ 2 ⇒ area ratio > 1/t ⇒ IoU < t.
  const spread = n > 0 ? Math.log(maxArea / minArea) : 0;
  let logG = t > 0 ? Math.log(1 / t) * (1 + 1e-6) : Number.POSITIVE_INFINITY;
  if (spread / logG >= MAX_BANDS) logG = (spread / (MAX_BANDS - 1)) * (1 + 1e-6);
  const nBands = Number.isFinite(logG) ? Math.floor(spread / logG) + 1 : 1;
  const logMin = Math.log(minArea);

  const bandOfRank = new Int8Array(count).fill(-1); // −1: not indexed (no area, or already processed)
  const bandCount = new Int32Array(nBands);
  const bandStats = new Float64Array(nBands * 8); // sumW, sumH, maxW, maxH, minX1, maxX1, minY1, maxY1
  for (let g = 0; g < nBands; g++) {
    bandStats[8 * g + 4] = Number.POSITIVE_INFINITY;
    bandStats[8 * g + 5] = Number.NEGATIVE_INFINITY;
    bandStats[8 * g + 6] = Number.POSITIVE_INFINITY;
    bandStats[8 * g + 7] = Number.NEGATIVE_INFINITY;
  }
  const bandOf = new Int8Array(n);
  for (let r = 0; r < n; r++) {
    const o = 5 * r;
    const g = nBands === 1 ? 0 : Math.min(nBands - 1, Math.floor((Math.log(coords[o + 4]) - logMin) / logG));
    bandOf[r] = g;
    bandOfRank[rankAt[r]] = g;
    bandCount[g]++;
    const x1 = coords[o];
    const y1 = coords[o + 1];
    const w = coords[o + 2] - x1;
    const h = coords[o + 3] - y1;
    const s = 8 * g;
    bandStats[s] += w;
    bandStats[s + 1] += h;
    if (w > bandStats[s + 2]) bandStats[s + 2] = w;
    if (h > bandStats[s + 3]) bandStats[s + 3] = h;
    if (x1 < bandStats[s + 4]) bandStats[s + 4] = x1;
    if (x1 > bandStats[s + 5]) bandStats[s + 5] = x1;
    if (y1 < bandStats[s + 6]) bandStats[s + 6] = y1;
    if (y1 > bandStats[s + 7]) bandStats[s + 7] = y1;
  }

  // A grid per band: nx × ny cells over the band's (x1, y1) extent, at most ~one cell per box.
  const nxOf = new Int32Array(nBands);
  const nyOf = new Int32Array(nBands);
  const scaleX = new Float64Array(nBands); // cells per unit of x1
  const scaleY = new Float64Array(nBands);
  const cellBase = new Int32Array(nBands + 1);
  for (let g = 0; g < nBands; g++) {
    const m = bandCount[g];
    const s = 8 * g;
    let nx = 1;
    let ny = 1;
    if (m > 0) {
      const cap = Math.max(1, Math.floor(Math.sqrt(m)));
      const extentX = bandStats[s + 5] - bandStats[s + 4];
      const extentY = bandStats[s + 7] - bandStats[s + 6];
      if (extentX > 0) nx = Math.max(1, Math.min(cap, Math.ceil((extentX * m) / (CELL_SCALE * bandStats[s]))));
      if (extentY > 0) ny = Math.max(1, Math.min(cap, Math.ceil((extentY * m) / (CELL_SCALE * bandStats[s + 1]))));
      scaleX[g] = extentX > 0 ? nx / extentX : 0;
      scaleY[g] = extentY > 0 ? ny / extentY : 0;
    }
    nxOf[g] = nx;
    nyOf[g] = ny;
    cellBase[g + 1] = cellBase[g] + nx * ny;
  }
  const cells = cellBase[nBands];

  // Stable counting sort of the remaining boxes into cells (score order inside a cell).
  const cellOf = new Int32Array(n);
  const start = new Int32Array(cells + 1);
  for (let r = 0; r < n; r++) {
    const g = bandOf[r];
    const o = 5 * r;
    const cx = cellIndex(coords[o], bandStats[8 * g + 4], scaleX[g], nxOf[g]);
    const cy = cellIndex(coords[o + 1], bandStats[8 * g + 6], scaleY[g], nyOf[g]);
    const c = cellBase[g] + cy * nxOf[g] + cx;
    cellOf[r] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < cells; c++) start[c + 1] += start[c];
  const head = start.slice(0, cells); // first entry not yet passed in score order
  const live = start.slice(1); // end of the entries
  const fill = start.slice(0, cells);
  const cellCoords = new Float64Array(5 * n); // x1, y1, x2, y2, area
  const cellRank = new Int32Array(n);
  for (let r = 0; r < n; r++) {
    const j = fill[cellOf[r]]++;
    const o = 5 * r;
    const w = 5 * j;
    cellCoords[w] = coords[o];
    cellCoords[w + 1] = coords[o + 1];
    cellCoords[w + 2] = coords[o + 2];
    cellCoords[w + 3] = coords[o + 3];
    cellCoords[w + 4] = coords[o + 4];
    cellRank[j] = rankAt[r];
  }

  const tLow = t * (1 - SLACK);
  for (; p < count && kept < maxKeep; p++) {
    if (suppressed[p] === 1) continue;
    keep[kept++] = order[p] as number;
    const home = bandOfRank[p];
    if (home < 0) continue;
    const i = order[p] as number;
    const b = 4 * i;
    const ax1 = boxes[b];
    const ay1 = boxes[b + 1];
    const ax2 = boxes[b + 2];
    const ay2 = boxes[b + 3];
    const aa = areaAt(boxes, i);
    const dx = tLow * (ax2 - ax1);
    const dy = tLow * (ay2 - ay1);
    const from = home > 0 ? home - 1 : 0;
    const to = home < nBands - 1 ? home + 1 : nBands - 1;
    for (let g = from; g <= to; g++) {
      if (bandCount[g] === 0) continue;
      const s = 8 * g;
      const maxW = bandStats[s + 2];
      const maxH = bandStats[s + 3];
      const slackX = SLACK * (Math.abs(ax1) + Math.abs(ax2) + maxW);
      const slackY = SLACK * (Math.abs(ay1) + Math.abs(ay2) + maxH);
      const loX = ax1 + (dx > tLow * maxW ? dx : tLow * maxW) - maxW - slackX;
      const hiX = ax2 - dx + slackX;
      const loY = ay1 + (dy > tLow * maxH ? dy : tLow * maxH) - maxH - slackY;
      const hiY = ay2 - dy + slackY;
      if (hiX < bandStats[s + 4] || loX > bandStats[s + 5] || hiY < bandStats[s + 6] || loY > bandStats[s + 7]) continue;
      const nx = nxOf[g];
      const cx0 = cellIndex(loX, bandStats[s + 4], scaleX[g], nx);
      const cx1 = cellIndex(hiX, bandStats[s + 4], scaleX[g], nx);
      const cy0 = cellIndex(loY, bandStats[s + 6], scaleY[g], nyOf[g]);
      const cy1 = cellIndex(hiY, bandStats[s + 6], scaleY[g], nyOf[g]);
      for (let cy = cy0; cy <= cy1; cy++) {
        const row = cellBase[g] + cy * nx;
        for (let c = row + cx0; c <= row + cx1; c++) {
          let r = head[c];
          const end = live[c];
          // Entries ranked before p are kept boxes (suppressed ones were removed): pass them for good.
          while (r < end && cellRank[r] <= p) r++;
          head[c] = r;
          let write = r;
          for (; r < end; r++) {
            const o = 5 * r;
            const inter = intersectionArea(ax1, ay1, ax2, ay2, cellCoords[o], cellCoords[o + 1], cellCoords[o + 2], cellCoords[o + 3]);
            if (inter > 0 && iouFromAreas(inter, aa, cellCoords[o + 4]) > t) {
              suppressed[cellRank[r]] = 1;
              continue;
            }
            if (write !== r) {
              const w = 5 * write;
              cellCoords[w] = cellCoords[o];
              cellCoords[w + 1] = cellCoords[o + 1];
              cellCoords[w + 2] = cellCoords[o + 2];
              cellCoords[w + 3] = cellCoords[o + 3];
              cellCoords[w + 4] = cellCoords[o + 4];
              cellRank[write] = cellRank[r];
            }
            write++;
          }
          live[c] = write;
        }
      }
    }
  }
  return kept;
}

/** Removes the entries marked suppressed (area −1) from [from, to), keeping order; returns the new end. */
export function sweep(coords: Float64Array, rank: Int32Array, from: number, to: number): number {
  let write = from;
  for (let r = from; r < to; r++) {
    const o = 5 * r;
    if (coords[o + 4] < 0) continue;
    if (write !== r) {
      const w = 5 * write;
      coords[w] = coords[o];
      coords[w + 1] = coords[o + 1];
      coords[w + 2] = coords[o + 2];
      coords[w + 3] = coords[o + 3];
      coords[w + 4] = coords[o + 4];
      rank[write] = rank[r];
    }
    write++;
  }
  return write;
}

/** Grid column of coordinate `v` (monotone in v, clamped to [0, n)). */
function cellIndex(v: number, origin: number, scale: number, n: number): number {
  const x = (v - origin) * scale;
  if (!(x > 0)) return 0;
  return x >= n ? n - 1 : x | 0;
}
