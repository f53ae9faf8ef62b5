import { assertBoxArray, InvalidConfigError, InvalidLabelError, NotFiniteError, ShapeMismatchError } from '@det/core';

/** Checks an IoU threshold is a number in [0, 1]. */
export function checkIouThreshold(iouThreshold: number, field = 'iouThreshold'): void {
  if (typeof iouThreshold !== 'number' || !(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new InvalidConfigError('IoU threshold must lie in [0, 1]', { field, expected: 'a number in [0, 1]', received: iouThreshold });
  }
}

/** Checks that every box coordinate is finite (degenerate boxes are allowed: they overlap nothing). */
export function checkFiniteBoxes(boxes: ArrayLike<number>, field = 'boxes'): number {
  assertBoxArray(boxes, field);
  const n = boxes.length >> 2;
  for (let i = 0; i < n; i++) {
    const b = 4 * i;
    if (!(Number.isFinite(boxes[b]) && Number.isFinite(boxes[b + 1]) && Number.isFinite(boxes[b + 2]) && Number.isFinite(boxes[b + 3]))) {
      throw new NotFiniteError('box coordinate is not finite', {
        field,
        index: i,
        expected: 'finite xyxy coordinates',
        received: Float64Array.of(boxes[b], boxes[b + 1], boxes[b + 2], boxes[b + 3]),
      });
    }
  }
  return n;
}

/** Checks that no score is NaN (±Infinity sort like any other score). */
export function checkScores(scores: ArrayLike<number>, field = 'scores'): void {
  for (let i = 0; i < scores.length; i++) {
    if (Number.isNaN(scores[i])) throw new NotFiniteError('score is NaN', { field, index: i, expected: 'a number' });
  }
}

/** Checks boxes [N*4] (finite) and scores [N] (not NaN) agree; returns N. */
export function checkBoxesAndScores(boxes: ArrayLike<number>, scores: ArrayLike<number>): number {
  const n = checkFiniteBoxes(boxes);
  if (scores == null || scores.length !== n) {
    throw new ShapeMismatchError(`${scores?.length} scores for ${n} boxes`, {
      field: 'scores',
      expected: `${n} scores, one per box`,
      received: scores?.length,
    });
  }
  checkScores(scores);
  return n;
}

/** Checks category ids [N] are integers. */
export function checkCategoryIds(idxs: ArrayLike<number>, n: number, field = 'idxs'): void {
  if (idxs == null || idxs.length !== n) {
    throw new ShapeMismatchError(`${idxs?.length} category ids for ${n} boxes`, { field, expected: `${n} ids, one per box`, received: idxs?.length });
  }
  for (let i = 0; i < n; i++) {
    if (!Number.isInteger(idxs[i])) throw new InvalidLabelError('category id is not an integer', { field, index: i, expected: 'an integer', received: idxs[i] });
  }
}

/** Checks a count option is a positive integer, or Infinity for no limit. */
export function checkCount(value: number, field: string): number {
  if (typeof value !== 'number' || !(value > 0) || !(Number.isInteger(value) || value === Number.POSITIVE_INFINITY)) {
    throw new InvalidConfigError(`${field} must be a positive integer`, { field, expected: 'an integer ≥ 1, or Infinity for no limit', received: value });
  }
  return value;
}
