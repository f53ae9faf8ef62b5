/**
 * The one intersection/union computation in @det. Every IoU (pairwise, elementwise, GIoU, NMS,
 * matching, VOC and COCO metrics) goes through these two functions.
 *
 * `offset` is 0 for continuous coordinates (torchvision) and 1 for the VOC devkit's inclusive pixel
 * coordinates, where a box from x=1 to x=10 is 10 pixels wide.
 */

/** Intersection area of two corner-form boxes (xmin, ymin, xmax, ymax); 0 when they do not overlap. */
export function intersectionArea(
  ax1: number,
  ay1: number,
  ax2: number,
  ay2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
  offset = 0,
): number {
  const w = (ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1) + offset;
  if (w <= 0) return 0;
  const h = (ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1) + offset;
  if (h <= 0) return 0;
  return w * h;
}

/**
 * IoU from an intersection and the two areas. Returns 0 where the union is 0 (two identical
 * zero-area boxes), where torchvision's `box_iou` returns NaN: @det never produces NaN silently.
 */
export function iouFromAreas(intersection: number, areaA: number, areaB: number): number {
  const union = areaA + areaB - intersection;
  return union > 0 ? intersection / union : 0;
}

/** Area of the corner-form box at `i` (4 numbers per box), with the pixel `offset` (0 or 1). */
export function areaAt(boxes: ArrayLike<number>, i: number, offset = 0): number {
  const k = 4 * i;
  return (boxes[k + 2] - boxes[k] + offset) * (boxes[k + 3] - boxes[k + 1] + offset);
}

/** IoU of box `i` of `a` with box `j` of `b`, both flat corner-form arrays. */
export function iouAt(a: ArrayLike<number>, i: number, b: ArrayLike<number>, j: number, offset = 0): number {
  const p = 4 * i;
  const q = 4 * j;
  const inter = intersectionArea(a[p], a[p + 1], a[p + 2], a[p + 3], b[q], b[q + 1], b[q + 2], b[q + 3], offset);
  if (inter === 0) return 0;
  return iouFromAreas(inter, areaAt(a, i, offset), areaAt(b, j, offset));
}

const f32 = Math.fround;

/**
 * IoU of two corner-form boxes computed with PyTorch's float32 operation order (ssd.pytorch `jaccard`:
 * each difference, product, sum and the quotient rounded to float32). Same formula as {@link iouAt};
 * used where bit-parity with PyTorch references matters, e.g. SSD matching, whose argmax ties depend on the
 * last float32 bit. Returns 0 where the union is 0.
 */
export function iouFloat32(
  ax1: number,
  ay1: number,
  ax2: number,
  ay2: number,
  bx1: number,
  by1: number,
  bx2: number,
  by2: number,
): number {
  const iw = f32((ax2 < bx2 ? ax2 : bx2) - (ax1 > bx1 ? ax1 : bx1));
  if (iw <= 0) return 0;
  const ih = f32((ay2 < by2 ? ay2 : by2) - (ay1 > by1 ? ay1 : by1));
  if (ih <= 0) return 0;
  const inter = f32(iw * ih);
  const areaA = f32(f32(ax2 - ax1) * f32(ay2 - ay1));
  const areaB = f32(f32(bx2 - bx1) * f32(by2 - by1));
  const union = f32(f32(areaA + areaB) - inter);
  return union > 0 ? f32(inter / union) : 0;
}
