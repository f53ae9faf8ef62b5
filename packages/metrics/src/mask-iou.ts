import { ShapeMismatchError } from '@det/core';
import { checkRle, type Rle, rleArea, rleToBbox } from './rle';

/**
 * IoU of two RLEs of one size, as pycocotools' `rleIou` computes it: intersection / union pixel counts
 * (crowd: intersection / `dtArea`, the detection's pixel count); 0 without intersection.
 */
export function rlePairIou(dt: Uint32Array, gt: Uint32Array, crowd: boolean, dtArea: number): number {
  if (dt.length === 0 || gt.length === 0) return 0;
  let ca = dt[0];
  let cb = gt[0];
  let va = false;
  let vb = false;
  let a = 1;
  let b = 1;
  let inter = 0;
  let union = 0;
  let ct = 1;
  while (ct > 0) {
    const c = Math.min(ca, cb);
    if (va || vb) {
      union += c;
      if (va && vb) inter += c;
    }
    ct = 0;
    ca -= c;
    if (!ca && a < dt.length) {
      ca = dt[a++];
      va = !va;
    }
    ct += ca;
    cb -= c;
    if (!cb && b < gt.length) {
      cb = gt[b++];
      vb = !vb;
    }
    ct += cb;
  }
  if (inter === 0) return 0;
  return inter / (crowd ? dtArea : union);
}

/** Pixel boxes `[x0, y0, x1, y1)` and areas of RLEs, for the overlap test that spares most pairs the run walk. */
export interface RleExtents {
  boxes: Float64Array;
  areas: Float64Array;
}

export function rleExtents(rles: readonly Rle[]): RleExtents {
  const boxes = new Float64Array(4 * rles.length);
  const areas = new Float64Array(rles.length);
  rles.forEach((r, i) => {
    const b = rleToBbox(r);
    boxes.set([b[0], b[1], b[0] + b[2], b[1] + b[3]], 4 * i);
    areas[i] = rleArea(r);
  });
  return { boxes, areas };
}

/** Whether box i of `p` and box j of `q` overlap with positive area (pycocotools' bbIou > 0 test). */
export function extentsOverlap(p: Float64Array, i: number, q: Float64Array, j: number): boolean {
  return Math.min(p[4 * i + 2], q[4 * j + 2]) - Math.max(p[4 * i], q[4 * j]) > 0 && Math.min(p[4 * i + 3], q[4 * j + 3]) - Math.max(p[4 * i + 1], q[4 * j + 1]) > 0;
}

/**
 * pycocotools `mask.iou(dt, gt, iscrowd)` on RLEs: Float64Array [D·G], `out[d * G + g]` = IoU of
 * detection d and ground truth g (pycocotools' [D, G] matrix, row-major) — intersection / union in
 * pixels, or intersection / detection area where `iscrowd[g]` is set (COCO crowd regions). `iscrowd`:
 * [G], default all 0. All masks must have one size (pycocotools returns −1 for pairs of different
 * sizes whose boxes overlap, 0 otherwise; here it is a `ShapeMismatchError`).
 */
export function maskIou(dt: readonly Rle[], gt: readonly Rle[], iscrowd?: ArrayLike<number | boolean>): Float64Array {
  const D = dt.length;
  const G = gt.length;
  if (iscrowd !== undefined && iscrowd.length !== G) throw new ShapeMismatchError(`iscrowd has ${iscrowd.length} entries`, { field: 'iscrowd', expected: `one per ground truth (${G})` });
  const all = [...dt, ...gt];
  dt.forEach((r, i) => checkRle(r, { field: 'dt', index: i }));
  gt.forEach((r, i) => checkRle(r, { field: 'gt', index: i }));
  if (all.length > 0) {
    const { height, width } = all[0];
    all.forEach((r, i) => {
      if (r.height !== height || r.width !== width) {
        throw new ShapeMismatchError('masks differ in size', { field: i < D ? 'dt' : 'gt', index: i < D ? i : i - D, expected: `[${height}, ${width}] as ${D > 0 ? 'dt[0]' : 'gt[0]'}`, received: [r.height, r.width] });
      }
    });
  }
  const de = rleExtents(dt);
  const ge = rleExtents(gt);
  const out = new Float64Array(D * G);
  for (let d = 0; d < D; d++) {
    for (let g = 0; g < G; g++) {
      if (extentsOverlap(de.boxes, d, ge.boxes, g)) out[d * G + g] = rlePairIou(dt[d].counts, gt[g].counts, Boolean(iscrowd?.[g]), de.areas[d]);
    }
  }
  return out;
}
