import { assertBoxArray } from '@det/core';

export interface ImageSize {
  width: number;
  height: number;
}

/**
 * Clips corner-form boxes to [0, width] × [0, height] (torchvision `clip_boxes_to_image`).
 * `size` defaults to the unit square, for normalised coordinates. Returns a new Float32Array
 * (or fills `out`, which may be `boxes`).
 */
export function clipBoxes(boxes: ArrayLike<number>, size: ImageSize = { width: 1, height: 1 }, out?: Float32Array): Float32Array {
  assertBoxArray(boxes);
  const result = out ?? new Float32Array(boxes.length);
  const { width, height } = size;
  for (let k = 0; k < boxes.length; k += 4) {
    result[k] = Math.min(Math.max(boxes[k], 0), width);
    result[k + 1] = Math.min(Math.max(boxes[k + 1], 0), height);
    result[k + 2] = Math.min(Math.max(boxes[k + 2], 0), width);
    result[k + 3] = Math.min(Math.max(boxes[k + 3], 0), height);
  }
  return result;
}
