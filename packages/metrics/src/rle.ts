import { ParseError, ShapeMismatchError } from '@det/core';

/**
 * A binary mask run-length encoded as pycocotools (COCO's mask API) encodes it: `counts` are the lengths
 * of alternating runs of 0s and 1s, **starting with 0s** (a mask whose first pixel is set starts with a
 * 0), taken **down the columns** (column-major: pixel (x, y) is at `x * height + y`). The counts sum to
 * `height * width`. This is the uncompressed form; `rleToString` / `rleFromString` give the compressed
 * `counts` string of COCO JSON, and `rleToJson` / `rleFromJson` the `{ size: [height, width], counts }`
 * object.
 */
export interface Rle {
  /** Rows (pycocotools `size[0]`). */
  height: number;
  /** Columns (pycocotools `size[1]`). */
  width: number;
  /** Run lengths, column-major, alternately 0s and 1s, 0s first; they sum to height·width. */
  counts: Uint32Array;
}

/** Memory order of a dense mask: `'row-major'` (`mask[y * width + x]`, the default, as images and `InstanceDetections.masks`) or `'column-major'` (`mask[x * height + y]`, numpy Fortran order). */
export type MaskOrder = 'row-major' | 'column-major';

export interface MaskLayoutOptions {
  /** Layout of the dense mask (default `'row-major'`). The RLE is column-major either way. */
  order?: MaskOrder;
}

/** Where a value came from, for error messages (`field`, and the element `index`). */
export interface Origin {
  field: string;
  index?: number;
}

export function checkSize(height: number, width: number, at: Origin): void {
  if (!(Number.isInteger(height) && height >= 0 && Number.isInteger(width) && width >= 0)) {
    throw new ShapeMismatchError('mask size must be two non-negative integers', { ...at, expected: '[height, width]', received: [height, width] });
  }
}

/**
 * Checks what pycocotools takes on trust: the counts of an RLE sum to height·width (else its decode
 * writes past the mask). Throws a {@link ParseError} naming `at`.
 */
export function checkRle(rle: Rle, at: Origin): void {
  checkSize(rle.height, rle.width, at);
  let sum = 0;
  for (let j = 0; j < rle.counts.length; j++) sum += rle.counts[j];
  if (sum !== rle.height * rle.width) {
    throw new ParseError(`RLE counts sum to ${sum}, not height·width of its size [${rle.height}, ${rle.width}]`, { ...at, expected: `counts summing to ${rle.height * rle.width}` });
  }
}

function order(options: MaskLayoutOptions | undefined): MaskOrder {
  const o = options?.order ?? 'row-major';
  if (o !== 'row-major' && o !== 'column-major') throw new ShapeMismatchError('unknown mask order', { field: 'order', expected: "'row-major' or 'column-major'", received: o });
  return o;
}

/**
 * pycocotools `mask.encode`: the RLE of a dense binary mask. `mask` is [height·width], nonzero = inside,
 * row-major by default (`mask[y * width + x]`; `{ order: 'column-major' }` for `mask[x * height + y]`,
 * the buffer of a Fortran-order numpy array). Same counts as pycocotools for 0/1 masks (pycocotools
 * starts a new run at every change of value, so its output for masks with other values is not an RLE
 * of anything; here every nonzero value is 1).
 */
export function rleEncode(mask: ArrayLike<number>, height: number, width: number, options?: MaskLayoutOptions): Rle {
  checkSize(height, width, { field: 'mask' });
  const n = height * width;
  if (mask.length !== n) throw new ShapeMismatchError(`mask has ${mask.length} values`, { field: 'mask', expected: `height·width = ${n} values` });
  const columnMajor = order(options) === 'column-major';
  const scratch = new Uint32Array(n + 1);
  let k = 0;
  let previous = 0;
  let run = 0;
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) {
      const v = mask[columnMajor ? x * height + y : y * width + x] ? 1 : 0;
      if (v !== previous) {
        scratch[k++] = run;
        run = 0;
        previous = v;
      }
      run++;
    }
  }
  scratch[k++] = run;
  return { height, width, counts: scratch.slice(0, k) };
}

/** pycocotools `mask.decode`: the dense 0/1 mask [height·width] of an RLE, row-major unless `{ order: 'column-major' }`. */
export function rleDecode(rle: Rle, options?: MaskLayoutOptions): Uint8Array {
  checkRle(rle, { field: 'rle' });
  const { height, width, counts } = rle;
  const columnMajor = order(options) === 'column-major';
  const out = new Uint8Array(height * width);
  let p = 0;
  for (let j = 0; j < counts.length; j++) {
    const end = p + counts[j];
    if (j % 2 === 1) {
      if (columnMajor) out.fill(1, p, end);
      else for (; p < end; p++) out[(p % height) * width + Math.floor(p / height)] = 1;
    }
    p = end;
  }
  return out;
}

/** pycocotools `mask.area`: the number of pixels inside (the sum of the 1-runs). */
export function rleArea(rle: Rle): number {
  let a = 0;
  for (let j = 1; j < rle.counts.length; j += 2) a += rle.counts[j];
  return a;
}

/**
 * pycocotools `mask.toBbox`: `[x, y, w, h]` (pixels, COCO box) of the mask, `[0, 0, 0, 0]` when empty.
 * As pycocotools computes it: x from the first to the last column with a pixel inside; y from the top
 * to the bottom pixel, except that a run continuing into the next column makes y span the whole height.
 */
export function rleToBbox(rle: Rle): Float64Array {
  const bb = new Float64Array(4);
  const h = rle.height;
  const cnts = rle.counts;
  const m = cnts.length - (cnts.length % 2);
  if (m === 0) return bb;
  let xs = rle.width;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let cc = 0;
  let xp = 0;
  for (let j = 0; j < m; j++) {
    cc = (cc + cnts[j]) >>> 0;
    const t = (cc - (j % 2)) >>> 0; // unsigned, as pycocotools' uint
    const y = t % h;
    const x = (t - y) / h;
    if (j % 2 === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    xs = Math.min(xs, x);
    xe = Math.max(xe, x);
    ys = Math.min(ys, y);
    ye = Math.max(ye, y);
  }
  bb[0] = xs;
  bb[1] = ys;
  bb[2] = xe - xs + 1;
  bb[3] = ye - ys + 1;
  return bb;
}

export interface RleMergeOptions {
  /** Intersection instead of union (default false: union). */
  intersect?: boolean;
}

/**
 * pycocotools `mask.merge`: the union (or with `{ intersect: true }` the intersection) of RLEs of one
 * size. COCO annotations made of several polygons are merged this way. One RLE comes back unchanged.
 */
export function rleMerge(rles: readonly Rle[], options: RleMergeOptions = {}): Rle {
  if (rles.length === 0) throw new ShapeMismatchError('nothing to merge', { field: 'rles', expected: 'at least one RLE' });
  rles.forEach((r, i) => checkRle(r, { field: 'rles', index: i }));
  const { height: h, width: w } = rles[0];
  rles.forEach((r, i) => {
    if (r.height !== h || r.width !== w) throw new ShapeMismatchError('RLEs to merge differ in size', { field: 'rles', index: i, expected: `[${h}, ${w}] as rles[0]`, received: [r.height, r.width] });
  });
  if (rles.length === 1) return { height: h, width: w, counts: rles[0].counts.slice() };
  const intersect = options.intersect === true;
  let cnts = rles[0].counts.slice();
  for (let i = 1; i < rles.length; i++) {
    const A = cnts;
    const B = rles[i].counts;
    const out = new Uint32Array(A.length + B.length + 1); // one run per step at most
    let ca = A[0];
    let cb = B[0];
    let v = 0;
    let va = 0;
    let vb = 0;
    let m = 0;
    let a = 1;
    let b = 1;
    let cc = 0;
    let ct = 1;
    while (ct > 0) {
      const c = Math.min(ca, cb);
      cc += c;
      ct = 0;
      ca -= c;
      if (!ca && a < A.length) {
        ca = A[a++];
        va = 1 - va;
      }
      ct += ca;
      cb -= c;
      if (!cb && b < B.length) {
        cb = B[b++];
        vb = 1 - vb;
      }
      ct += cb;
      const vp = v;
      v = intersect ? va & vb : va | vb;
      if (v !== vp || ct === 0) {
        out[m++] = cc;
        cc = 0;
      }
    }
    cnts = out.slice(0, m);
  }
  return { height: h, width: w, counts: cnts };
}
