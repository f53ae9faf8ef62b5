import { validateBoxes } from '@det/core';

/**
 * `validateBoxes` from @det/core with an allocation-free scan first (it runs on every call, over thousands
 * of priors): finite numbers, and xmax > xmin, ymax > ymin (`xyxy`) or width, height > 0 (`cxcywh`).
 * On any problem, or an array whose length is not a multiple of 4, `validateBoxes` throws the error:
 * InvalidBoxError naming `name` and the box index, or ShapeMismatchError.
 */
export function checkBoxes(boxes: ArrayLike<number>, format: 'xyxy' | 'cxcywh', name: string): void {
  let ok = boxes != null && typeof boxes.length === 'number' && boxes.length % 4 === 0;
  const corners = format === 'xyxy';
  for (let k = 0; ok && k < boxes.length; k += 4) {
    const a = boxes[k];
    const b = boxes[k + 1];
    const c = boxes[k + 2];
    const d = boxes[k + 3];
    ok =
      Number.isFinite(a) &&
      Number.isFinite(b) &&
      Number.isFinite(c) &&
      Number.isFinite(d) &&
      (corners ? c > a && d > b : c > 0 && d > 0);
  }
  if (!ok) validateBoxes(boxes, { format, name });
}
