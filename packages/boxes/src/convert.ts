import { assertBoxArray, type BoxFormat, InvalidConfigError, isBoxFormat } from '@det/core';

function checkFormat(format: unknown, field: string): asserts format is BoxFormat {
  if (!isBoxFormat(format)) {
    throw new InvalidConfigError('unknown box format', { field, expected: "'xyxy', 'xywh' or 'cxcywh'", received: format });
  }
}

/**
 * Converts flat boxes between layouts (torchvision `box_convert`): `xyxy` corners, `xywh`
 * (COCO), `cxcywh` centroids. Any coordinate space; returns a new Float32Array [N*4]
 * (or fills `out`, which may be `boxes` itself for an in-place conversion).
 */
export function boxConvert(boxes: ArrayLike<number>, from: BoxFormat, to: BoxFormat, out?: Float32Array): Float32Array {
  assertBoxArray(boxes);
  checkFormat(from, 'from');
  checkFormat(to, 'to');
  const n = boxes.length >> 2;
  const result = out ?? new Float32Array(boxes.length);
  for (let i = 0; i < n; i++) {
    const k = 4 * i;
    let x1: number;
    let y1: number;
    let x2: number;
    let y2: number;
    const a = boxes[k];
    const b = boxes[k + 1];
    const c = boxes[k + 2];
    const d = boxes[k + 3];
    if (from === 'xyxy') {
      x1 = a;
      y1 = b;
      x2 = c;
      y2 = d;
    } else if (from === 'xywh') {
      x1 = a;
      y1 = b;
      x2 = a + c;
      y2 = b + d;
    } else {
      x1 = a - 0.5 * c;
      y1 = b - 0.5 * d;
      x2 = a + 0.5 * c;
      y2 = b + 0.5 * d;
    }
    if (to === 'xyxy') {
      result[k] = x1;
      result[k + 1] = y1;
      result[k + 2] = x2;
      result[k + 3] = y2;
    } else if (to === 'xywh') {
      result[k] = x1;
      result[k + 1] = y1;
      result[k + 2] = x2 - x1;
      result[k + 3] = y2 - y1;
    } else {
      result[k] = (x1 + x2) / 2;
      result[k + 1] = (y1 + y2) / 2;
      result[k + 2] = x2 - x1;
      result[k + 3] = y2 - y1;
    }
  }
  return result;
}

/** Corner (`xyxy`) → centroid (`cxcywh`); the seeds' "convert to centroids". */
export function toCentroids(boxes: ArrayLike<number>, out?: Float32Array): Float32Array {
  return boxConvert(boxes, 'xyxy', 'cxcywh', out);
}

/** Centroid (`cxcywh`) → corner (`xyxy`); the seeds' "convert to corners" (ssd.pytorch `point_form`). */
export function toCorners(boxes: ArrayLike<number>, out?: Float32Array): Float32Array {
  return boxConvert(boxes, 'cxcywh', 'xyxy', out);
}
