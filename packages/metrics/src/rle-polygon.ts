import { InvalidBoxError } from '@det/core';
import { checkSize, type Origin, type Rle } from './rle';

const SCALE = 5;
const INT_MIN = -2147483648;

/** C's `(int)` of a double: truncation towards zero (x86-64 gives INT_MIN for NaN, which pycocotools hits on a repeated point). */
function cInt(v: number): number {
  return Number.isNaN(v) ? INT_MIN : Math.trunc(v);
}

/** Rasterises one polygon; errors name `at`. */
export function polygonToRle(xy: ArrayLike<number>, height: number, width: number, at: Origin): Rle {
  checkSize(height, width, at);
  const h = height;
  const w = width;
  const k = Math.floor(xy.length / 2);
  for (let j = 0; j < 2 * k; j++) {
    if (!Number.isFinite(xy[j])) throw new InvalidBoxError('polygon coordinates must be finite numbers', { ...at, expected: `finite [x0, y0, x1, y1, …] (number ${j} is not)`, received: xy[j] });
  }
  // Upsample by 5 and walk the boundary, one point per step along the longer axis.
  const x = new Int32Array(k + 1);
  const y = new Int32Array(k + 1);
  for (let j = 0; j < k; j++) x[j] = cInt(SCALE * xy[2 * j] + 0.5);
  for (let j = 0; j < k; j++) y[j] = cInt(SCALE * xy[2 * j + 1] + 0.5);
  x[k] = x[0];
  y[k] = y[0];
  let m = 0;
  for (let j = 0; j < k; j++) m += Math.max(Math.abs(x[j] - x[j + 1]), Math.abs(y[j] - y[j + 1])) + 1;
  const u = new Int32Array(m);
  const v = new Int32Array(m);
  m = 0;
  for (let j = 0; j < k; j++) {
    let xs = x[j];
    let xe = x[j + 1];
    let ys = y[j];
    let ye = y[j + 1];
    const dx = Math.abs(xe - xs);
    const dy = Math.abs(ys - ye);
    const flip = (dx >= dy && xs > xe) || (dx < dy && ys > ye);
    if (flip) {
      [xs, xe] = [xe, xs];
      [ys, ye] = [ye, ys];
    }
    const s = dx >= dy ? (ye - ys) / dx : (xe - xs) / dy;
    if (dx >= dy) {
      for (let d = 0; d <= dx; d++) {
        const t = flip ? dx - d : d;
        u[m] = t + xs;
        v[m] = cInt(ys + s * t + 0.5);
        m++;
      }
    } else {
      for (let d = 0; d <= dy; d++) {
        const t = flip ? dy - d : d;
        v[m] = t + ys;
        u[m] = cInt(xs + s * t + 0.5);
        m++;
      }
    }
  }
  // Points where the boundary crosses a pixel column centre, downsampled: (column, first row inside).
  const a: number[] = [];
  for (let j = 1; j < m; j++) {
    if (u[j] === u[j - 1]) continue;
    let xd = u[j] < u[j - 1] ? u[j] : u[j] - 1;
    xd = (xd + 0.5) / SCALE - 0.5;
    if (Math.floor(xd) !== xd || xd < 0 || xd > w - 1) continue;
    let yd = v[j] < v[j - 1] ? v[j] : v[j - 1];
    yd = (yd + 0.5) / SCALE - 0.5;
    if (yd < 0) yd = 0;
    else if (yd > h) yd = h;
    yd = Math.ceil(yd);
    a.push(((xd | 0) * h + (yd | 0)) >>> 0);
  }
  // Sorted boundary positions become run lengths; a position crossed twice cancels out.
  a.push(h * w);
  const sorted = Float64Array.from(a).sort();
  let p = 0;
  for (let j = 0; j < sorted.length; j++) {
    const t = sorted[j];
    sorted[j] -= p;
    p = t;
  }
  const b: number[] = [sorted[0]];
  let j = 1;
  while (j < sorted.length) {
    if (sorted[j] > 0) b.push(sorted[j++]);
    else {
      j++;
      if (j < sorted.length) b[b.length - 1] += sorted[j++];
    }
  }
  return { height: h, width: w, counts: Uint32Array.from(b) };
}

/**
 * pycocotools `frPyObjects([polygon], height, width)` (its `rleFrPoly`): the RLE of a polygon
 * `[x0, y0, x1, y1, …]` (pixels; pixel (x, y) covers [x, x+1) × [y, y+1)), rasterised exactly as
 * pycocotools does — boundary traced at 5× resolution, a pixel is inside when its centre is (up to that
 * 1/5-pixel rounding) — which is how COCO's polygon annotations become masks. An odd
 * trailing number is ignored; points outside the image are allowed (clipped). Several polygons of one
 * object: {@link rleMerge} their RLEs (or {@link rleFromSegmentation}).
 */
export function rleFromPolygon(polygon: ArrayLike<number>, height: number, width: number): Rle {
  return polygonToRle(polygon, height, width, { field: 'polygon' });
}

/** pycocotools `frPyObjects` on `[x, y, w, h]` boxes (its `rleFrBbox`): the box as the polygon of its four corners. */
export function rleFromBbox(box: ArrayLike<number>, height: number, width: number): Rle {
  if (box.length !== 4) throw new InvalidBoxError('a box is 4 numbers [x, y, w, h]', { field: 'box', received: Array.from(box) });
  const [xs, ys, bw, bh] = [box[0], box[1], box[2], box[3]];
  const xe = xs + bw;
  const ye = ys + bh;
  return polygonToRle([xs, ys, xs, ye, xe, ye, xe, ys], height, width, { field: 'box' });
}
