import { clipBoxes } from '@det/boxes';
import type { HW } from './anchor-generator';

/** torchvision `clip_boxes_to_image`: boxes [N*4] `xyxy` pixels clamped to [0, width] × [0, height]; `size` is (H, W). */
export function clipBoxesToImage(boxes: ArrayLike<number>, [height, width]: HW, out?: Float32Array): Float32Array {
  return clipBoxes(boxes, { width, height }, out);
}

/**
 * torchvision `remove_small_boxes`: indices (increasing) of the boxes [N*4] `xyxy` whose width and height are both
 * ≥ `minSize` (sides and threshold in float32, as torchvision compares them).
 */
export function removeSmallBoxes(boxes: ArrayLike<number>, minSize: number): Int32Array {
  const n = boxes.length >> 2;
  const min = Math.fround(minSize);
  const keep = new Int32Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const w = Math.fround(boxes[4 * i + 2] - boxes[4 * i]);
    const h = Math.fround(boxes[4 * i + 3] - boxes[4 * i + 1]);
    if (w >= min && h >= min) keep[k++] = i;
  }
  return keep.slice(0, k);
}

/** Rows `index` of a flat array with `width` numbers per row. */
export function takeRows<T extends Float32Array | Int32Array>(values: T, index: ArrayLike<number>, width: number): T {
  const out = new (values.constructor as new (n: number) => T)(index.length * width);
  for (let k = 0; k < index.length; k++) {
    const i = index[k];
    for (let j = 0; j < width; j++) out[k * width + j] = values[i * width + j];
  }
  return out;
}
