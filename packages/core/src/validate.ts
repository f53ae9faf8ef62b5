import type { Detections, GroundTruth } from './annotations';
import type { BoxFormat } from './box-format';
import { InvalidBoxError, InvalidLabelError, NotFiniteError, ShapeMismatchError } from './errors';

/** What is wrong with one box. */
export type BoxProblemKind = 'not-finite' | 'degenerate';

/** One problem found by {@link findBoxProblems}: the box index and what is wrong. */
export interface BoxProblem {
  index: number;
  kind: BoxProblemKind;
  box: [number, number, number, number];
}

export interface BoxCheckOptions {
  /** Layout of the boxes (default `'xyxy'`). */
  format?: BoxFormat;
  /** Name used in error messages (default `'boxes'`). */
  name?: string;
  /** Accept zero-area boxes (default false). NaN/Infinity are always rejected. */
  allowDegenerate?: boolean;
}

/** Throws {@link ShapeMismatchError} unless `boxes` holds a whole number of 4-number boxes. */
export function assertBoxArray(boxes: ArrayLike<number>, name = 'boxes'): void {
  if (boxes == null || typeof boxes.length !== 'number') {
    throw new ShapeMismatchError('not an array of boxes', { field: name, expected: 'a flat array with 4 numbers per box' });
  }
  if (boxes.length % 4 !== 0) {
    throw new ShapeMismatchError('length is not a multiple of 4', {
      field: name,
      expected: 'a flat array with 4 numbers per box',
      received: `length ${boxes.length}`,
    });
  }
}

/**
 * Every box that is not finite or is degenerate (corner form: xmax <= xmin or ymax <= ymin;
 * xywh/cxcywh: width or height <= 0). Returns an empty list for valid input.
 */
export function findBoxProblems(boxes: ArrayLike<number>, options: BoxCheckOptions = {}): BoxProblem[] {
  const { format = 'xyxy', allowDegenerate = false } = options;
  assertBoxArray(boxes, options.name);
  const problems: BoxProblem[] = [];
  const n = boxes.length >> 2;
  for (let i = 0; i < n; i++) {
    const a = boxes[4 * i];
    const b = boxes[4 * i + 1];
    const c = boxes[4 * i + 2];
    const d = boxes[4 * i + 3];
    const box: [number, number, number, number] = [a, b, c, d];
    if (!(Number.isFinite(a) && Number.isFinite(b) && Number.isFinite(c) && Number.isFinite(d))) {
      problems.push({ index: i, kind: 'not-finite', box });
      continue;
    }
    if (allowDegenerate) continue;
    const degenerate = format === 'xyxy' ? c <= a || d <= b : c <= 0 || d <= 0;
    if (degenerate) problems.push({ index: i, kind: 'degenerate', box });
  }
  return problems;
}

/** Throws an {@link InvalidBoxError} naming the first bad box (see {@link findBoxProblems}). */
export function validateBoxes(boxes: ArrayLike<number>, options: BoxCheckOptions = {}): void {
  const { format = 'xyxy', name = 'boxes' } = options;
  const [first] = findBoxProblems(boxes, options);
  if (first === undefined) return;
  const expected =
    format === 'xyxy' ? 'finite numbers with xmax > xmin and ymax > ymin' : 'finite numbers with width > 0 and height > 0';
  const message = first.kind === 'not-finite' ? `box is not finite` : `box is degenerate`;
  throw new InvalidBoxError(message, { field: name, index: first.index, expected, received: first.box });
}

export interface LabelCheckOptions {
  /** Name used in error messages (default `'labels'`). */
  name?: string;
  /** Smallest valid label (default 0). */
  min?: number;
}

/** Throws an {@link InvalidLabelError} naming the first label that is not an integer in [min, numClasses). */
export function validateLabels(labels: ArrayLike<number>, numClasses: number, options: LabelCheckOptions = {}): void {
  const { name = 'labels', min = 0 } = options;
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!Number.isInteger(label) || label < min || label >= numClasses) {
      throw new InvalidLabelError('label out of range', {
        field: name,
        index: i,
        expected: `an integer in [${min}, ${numClasses - 1}]`,
        received: label,
      });
    }
  }
}

function assertSameCount(what: string, count: number, boxes: number, field: string): void {
  if (count !== boxes) {
    throw new ShapeMismatchError(`${what} has ${count} entries for ${boxes} boxes`, {
      field,
      expected: `${boxes} entries, one per box`,
    });
  }
}

/**
 * Checks one image's {@link GroundTruth}: array lengths agree, boxes finite and non-degenerate
 * (corner form), labels in [0, numClasses) when `numClasses` is given.
 */
export function validateGroundTruth(gt: GroundTruth, options: { numClasses?: number; name?: string } = {}): void {
  const name = options.name ?? 'groundTruth';
  validateBoxes(gt.boxes, { name: `${name}.boxes` });
  const n = gt.boxes.length >> 2;
  assertSameCount(`${name}.labels`, gt.labels.length, n, `${name}.labels`);
  assertSameCount(`${name}.difficult`, gt.difficult.length, n, `${name}.difficult`);
  if (gt.iscrowd !== undefined) assertSameCount(`${name}.iscrowd`, gt.iscrowd.length, n, `${name}.iscrowd`);
  if (options.numClasses !== undefined) validateLabels(gt.labels, options.numClasses, { name: `${name}.labels` });
}

/**
 * Checks one image's {@link Detections}: lengths agree, boxes finite (zero-area boxes are allowed:
 * detectors emit them and metrics score them), scores finite, labels in range when `numClasses` is given.
 */
export function validateDetections(d: Detections, options: { numClasses?: number; name?: string } = {}): void {
  const name = options.name ?? 'detections';
  validateBoxes(d.boxes, { name: `${name}.boxes`, allowDegenerate: true });
  const n = d.boxes.length >> 2;
  assertSameCount(`${name}.scores`, d.scores.length, n, `${name}.scores`);
  assertSameCount(`${name}.labels`, d.labels.length, n, `${name}.labels`);
  for (let i = 0; i < n; i++) {
    if (!Number.isFinite(d.scores[i])) {
      throw new NotFiniteError('score is not finite', { field: `${name}.scores`, index: i, received: d.scores[i] });
    }
  }
  if (options.numClasses !== undefined) validateLabels(d.labels, options.numClasses, { name: `${name}.labels` });
}
