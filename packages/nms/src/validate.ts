import { assertBoxArray, InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';

/** Checks an IoU threshold is a number in [0, 1]. */
export function checkIouThreshold(iouThreshold: number, field = 'iouThreshold'): void {
  if (typeof iouThreshold !== 'number' || !(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new InvalidConfigError('IoU threshold must lie in [0, 1]', { field, expected: 'a number in [0, 1]', received: iouThreshold });
  }
}

/** Checks boxes [N*4] and scores [N] agree and scores are not NaN. */
export function checkBoxesAndScores(boxes: ArrayLike<number>, scores: ArrayLike<number>): number {
  assertBoxArray(boxes, 'boxes');
  const n = boxes.length >> 2;
  if (scores.length !== n) {
    throw new ShapeMismatchError(`${scores.length} scores for ${n} boxes`, { field: 'scores', expected: `${n} scores, one per box` });
  }
  for (let i = 0; i < n; i++) {
    if (Number.isNaN(scores[i])) throw new NotFiniteError('score is NaN', { field: 'scores', index: i });
  }
  return n;
}
