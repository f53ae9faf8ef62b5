import { assertBoxArray, InvalidBoxError, NotFiniteError, ShapeMismatchError } from '@det/core';
import type { tf } from '@det/tfjs';

/**
 * Checks boxes [N*4] corner form `xyxy` for the training targets: a whole number of boxes, finite, and x2 ≥ x1,
 * y2 ≥ y1. Zero-area boxes are accepted (they match nothing: their IoU with every box is 0). Throws
 * ShapeMismatchError for a length that is not a multiple of 4, InvalidBoxError naming `field` and the box index for
 * a box that is not finite or has x2 < x1 or y2 < y1.
 */
export function checkTrainingBoxes(boxes: ArrayLike<number>, field: string): void {
  assertBoxArray(boxes, field);
  for (let i = 0; i < boxes.length; i += 4) {
    const x1 = boxes[i];
    const y1 = boxes[i + 1];
    const x2 = boxes[i + 2];
    const y2 = boxes[i + 3];
    const finite = Number.isFinite(x1) && Number.isFinite(y1) && Number.isFinite(x2) && Number.isFinite(y2);
    if (!finite || x2 < x1 || y2 < y1) {
      throw new InvalidBoxError(finite ? 'box has x2 < x1 or y2 < y1' : 'box is not finite', {
        field,
        index: i >> 2,
        expected: 'finite xyxy numbers with x2 ≥ x1 and y2 ≥ y1',
        received: [x1, y1, x2, y2],
      });
    }
  }
}

/** Throws ShapeMismatchError naming `field` unless `values` holds `expected` numbers. */
export function checkLength(values: ArrayLike<number>, expected: number, field: string, what: string): void {
  if (values == null || values.length !== expected) {
    throw new ShapeMismatchError(`${field} does not match ${what}`, { field, expected: `${expected} numbers`, received: values == null ? values : `${values.length} numbers` });
  }
}

/** Throws ShapeMismatchError naming `field` unless `t` has exactly `shape` (−1 = any size on that axis). */
export function checkShape(t: tf.Tensor, shape: readonly number[], field: string): void {
  const ok = t.rank === shape.length && shape.every((d, i) => d < 0 || t.shape[i] === d);
  if (!ok) {
    throw new ShapeMismatchError(`${field} has the wrong shape`, { field, expected: `[${shape.map((d) => (d < 0 ? '*' : d)).join(', ')}]`, received: t.shape });
  }
}

/** Throws NotFiniteError naming `field` and the row (`width` numbers per row) of the first NaN or infinite value. */
export function checkFinite(values: ArrayLike<number>, field: string, width = 1): void {
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      throw new NotFiniteError('value is not finite', { field, index: Math.floor(i / width), expected: 'finite numbers (zeros where unused)', received: values[i] });
    }
  }
}
