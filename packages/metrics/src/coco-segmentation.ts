import { ParseError } from '@det/core';
import { type Origin, type Rle, rleMerge } from './rle';
import { polygonToRle } from './rle-polygon';
import { type CocoRleJson, parseRleJson } from './rle-string';

/**
 * A COCO annotation's `segmentation`: polygons `[[x0, y0, x1, y1, …], …]` (pixels; one object may have
 * several parts), or an RLE object `{ size: [height, width], counts }` with compressed (string) or
 * uncompressed (number[]) counts.
 */
export type CocoSegmentation = number[][] | CocoRleJson;

/** {@link rleFromSegmentation} with errors naming `at`. */
export function segmentationToRle(segmentation: CocoSegmentation, height: number | undefined, width: number | undefined, at: Origin): Rle {
  if (Array.isArray(segmentation)) {
    const first = segmentation[0];
    if (!Array.isArray(first) || first.length <= 4) {
      // pycocotools' frPyObjects reads a first item of 4 numbers as a box list and fails; fewer: unsupported input
      throw new ParseError('polygon segmentation must be a list of polygons whose first has at least 3 points', { ...at, expected: '[[x0, y0, x1, y1, x2, y2, …], …]', received: first });
    }
    if (height === undefined || width === undefined) {
      throw new ParseError("rasterising a polygon needs the image's height and width", { ...at, expected: 'images[].height and images[].width' });
    }
    const parts = segmentation.map((p) => {
      if (!Array.isArray(p)) throw new ParseError('each polygon must be an array of numbers', { ...at, expected: '[x0, y0, x1, y1, …]', received: p });
      return polygonToRle(p, height, width, at);
    });
    return parts.length === 1 ? parts[0] : rleMerge(parts);
  }
  return parseRleJson(segmentation, at);
}

/**
 * pycocotools `COCO.annToRLE`: the RLE of a COCO `segmentation`. Polygons are rasterised at
 * `height` × `width` (the image size; see {@link rleFromPolygon}) and several parts merged (union);
 * an RLE object is read as it is, its own `size` kept (compressed counts parsed, uncompressed taken
 * as they are). A polygon list whose first polygon has fewer than 3 points (≤ 4 numbers) throws a
 * `ParseError` (pycocotools fails on it too); malformed counts throw a `ParseError`.
 */
export function rleFromSegmentation(segmentation: CocoSegmentation, height: number, width: number): Rle {
  return segmentationToRle(segmentation, height, width, { field: 'segmentation' });
}
