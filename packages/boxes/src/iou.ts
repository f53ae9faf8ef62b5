import { assertBoxArray, ShapeMismatchError } from '@det/core';
import { areaAt, intersectionArea, iouFromAreas } from './overlap';

export interface IouOptions {
  /** 1 for the VOC devkit's inclusive pixel coordinates, else 0 (default, torchvision). */
  offset?: 0 | 1;
  /**
   * Per box of `b`: 1 marks a COCO crowd region. For those columns the union is the area of the box
   * from `a` alone (pycocotools' `iscrowd` rule), so a detection inside a crowd scores its coverage.
   */
  crowd?: ArrayLike<number>;
}

function areas(boxes: ArrayLike<number>, offset: number): Float64Array {
  const n = boxes.length >> 2;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = areaAt(boxes, i, offset);
  return out;
}

/**
 * Pairwise IoU (torchvision `box_iou`). `a` [N*4] and `b` [M*4] are corner form (`xyxy`), in any
 * shared coordinate space. Returns Float32Array [N*M], row-major: `iou[i * M + j]` = IoU(a_i, b_j).
 * Pass `out` (length N*M) to reuse a buffer. Where both boxes have zero area the IoU is 0 (torchvision: NaN).
 */
export function boxIou(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  options: IouOptions = {},
  out?: Float32Array,
): Float32Array {
  assertBoxArray(a, 'a');
  assertBoxArray(b, 'b');
  const offset = options.offset ?? 0;
  const crowd = options.crowd;
  const n = a.length >> 2;
  const m = b.length >> 2;
  if (crowd !== undefined && crowd.length !== m) {
    throw new ShapeMismatchError('crowd flags do not match b', { field: 'crowd', expected: `${m} flags` });
  }
  const result = out ?? new Float32Array(n * m);
  if (result.length < n * m) {
    throw new ShapeMismatchError('output buffer too small', { field: 'out', expected: `length >= ${n * m}` });
  }
  const areaB = areas(b, offset);
  for (let i = 0; i < n; i++) {
    const p = 4 * i;
    const ax1 = a[p];
    const ay1 = a[p + 1];
    const ax2 = a[p + 2];
    const ay2 = a[p + 3];
    const areaA = (ax2 - ax1 + offset) * (ay2 - ay1 + offset);
    const row = i * m;
    for (let j = 0; j < m; j++) {
      const q = 4 * j;
      const inter = intersectionArea(ax1, ay1, ax2, ay2, b[q], b[q + 1], b[q + 2], b[q + 3], offset);
      if (inter === 0) {
        result[row + j] = 0;
      } else if (crowd?.[j]) {
        result[row + j] = areaA > 0 ? inter / areaA : 0;
      } else {
        result[row + j] = iouFromAreas(inter, areaA, areaB[j]);
      }
    }
  }
  return result;
}

/**
 * Elementwise IoU of box i of `a` with box i of `b` (torchvision `box_iou` diagonal), corner form.
 * Returns Float32Array [N].
 */
export function boxIouPairs(a: ArrayLike<number>, b: ArrayLike<number>, options: Omit<IouOptions, 'crowd'> = {}): Float32Array {
  assertBoxArray(a, 'a');
  assertBoxArray(b, 'b');
  if (a.length !== b.length) {
    throw new ShapeMismatchError('a and b hold different numbers of boxes', {
      field: 'b',
      expected: `${a.length >> 2} boxes`,
      received: `${b.length >> 2} boxes`,
    });
  }
  const offset = options.offset ?? 0;
  const n = a.length >> 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const p = 4 * i;
    const inter = intersectionArea(a[p], a[p + 1], a[p + 2], a[p + 3], b[p], b[p + 1], b[p + 2], b[p + 3], offset);
    out[i] = inter === 0 ? 0 : iouFromAreas(inter, areaAt(a, i, offset), areaAt(b, i, offset));
  }
  return out;
}

/**
 * Generalized IoU (torchvision `generalized_box_iou`): IoU − (|C| − |A∪B|) / |C| with C the
 * smallest enclosing box. Corner form in, Float32Array [N*M] row-major out, values in [-1, 1].
 * Where the enclosing box has zero area (identical points) the result is 0.
 */
export function generalizedBoxIou(a: ArrayLike<number>, b: ArrayLike<number>): Float32Array {
  assertBoxArray(a, 'a');
  assertBoxArray(b, 'b');
  const n = a.length >> 2;
  const m = b.length >> 2;
  const out = new Float32Array(n * m);
  const areaB = areas(b, 0);
  for (let i = 0; i < n; i++) {
    const p = 4 * i;
    const ax1 = a[p];
    const ay1 = a[p + 1];
    const ax2 = a[p + 2];
    const ay2 = a[p + 3];
    const areaA = (ax2 - ax1) * (ay2 - ay1);
    for (let j = 0; j < m; j++) {
      const q = 4 * j;
      const bx1 = b[q];
      const by1 = b[q + 1];
      const bx2 = b[q + 2];
      const by2 = b[q + 3];
      const inter = intersectionArea(ax1, ay1, ax2, ay2, bx1, by1, bx2, by2);
      const union = areaA + areaB[j] - inter;
      const iou = union > 0 ? inter / union : 0;
      const hull = (Math.max(ax2, bx2) - Math.min(ax1, bx1)) * (Math.max(ay2, by2) - Math.min(ay1, by1));
      out[i * m + j] = hull > 0 ? iou - (hull - union) / hull : iou;
    }
  }
  return out;
}
