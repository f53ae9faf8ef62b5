import { assertBoxArray } from '@det/core';
import { areaAt } from './overlap';

export interface AreaOptions {
  /** 1 for the VOC devkit's inclusive pixel coordinates ((x2 - x1 + 1) * (y2 - y1 + 1)), else 0 (default). */
  offset?: 0 | 1;
}

/** Areas of corner-form boxes (`xyxy`, any coordinate space): Float32Array [N]. */
export function boxArea(boxes: ArrayLike<number>, options: AreaOptions = {}): Float32Array {
  assertBoxArray(boxes);
  const offset = options.offset ?? 0;
  const n = boxes.length >> 2;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = areaAt(boxes, i, offset);
  return out;
}
