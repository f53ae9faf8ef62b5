import { iouAt } from '@det/boxes';
import {
  type ClassNames,
  DatasetError,
  InvalidBoxError,
  InvalidConfigError,
  InvalidLabelError,
  NotFiniteError,
  ShapeMismatchError,
  validateBoxes,
  validateDetections,
  validateLabels,
} from '@det/core';
import { numpyArgsort } from './numpy-argsort';
import type { DetectionRecord, EvalImage, ImageDetections, ImageGroundTruth, PrCurve } from './types';
import { type VocMetric, vocAp } from './voc-ap';

export type { VocMetric } from './voc-ap';
export { vocAp } from './voc-ap';

/**
 * How detections with equal scores are ordered:
 * - `'numpy'` (default): as voc_eval.py's `np.argsort(-confidence)` (numpy's introsort, not stable) over
 *   the class's detections in input order — bit-for-bit the reference's tie order (see {@link numpyArgsort}).
 * - `'stable'`: input order.
 */
export type VocTieOrder = 'numpy' | 'stable';

export interface VocEvalOptions {
  /** Default `'voc12'` (voc_eval.py's default, `use_07_metric=False`). */
  metric?: VocMetric;
  /** A detection is a true positive when its best IoU is strictly greater than this (default 0.5). */
  iouThreshold?: number;
  /** Class names for the report (default `class0`, `class1`, …; their number is the class count). */
  classNames?: ClassNames;
  /** Number of classes when `classNames` is not given (default: 1 + the largest label seen). */
  numClasses?: number;
  /** Default `'numpy'`. */
  tieOrder?: VocTieOrder;
}

export interface VocClassResult extends PrCurve {
  className: string;
  /** Average precision; `null` for a class without non-difficult ground truth, where AP is undefined. */
  ap: number | null;
  /** Non-difficult ground-truth objects (the recall denominator). */
  npos: number;
  /** True and false positives over all detections of the class. */
  tp: number;
  fp: number;
  /** Detections of the class; `detections − tp − fp` of them hit difficult objects (neither TP nor FP). */
  detections: number;
  /** The detections' scores in evaluation order (decreasing); `precision[r]`/`recall[r]` are after the r-th. */
  scores: Float64Array;
}

export interface VocResult {
  metric: VocMetric;
  iouThreshold: number;
  /** Mean of the per-class APs that are defined (classes with `ap: null` are left out). */
  mAP: number;
  perClass: VocClassResult[];
}

/** Detections of one class in input order: image index, score, box (xyxy, float64). */
interface ClassDetections {
  image: Int32Array;
  score: Float64Array;
  boxes: Float64Array;
}

/** Ground truth of one class grouped by image: objects of image i are offsets[i] … offsets[i+1]−1. */
interface ClassGroundTruth {
  offsets: Int32Array;
  boxes: Float64Array;
  difficult: Uint8Array;
  npos: number;
}

/**
 * PASCAL VOC detection AP with the devkit's rules, as py-faster-rcnn's `voc_eval.py`, per class:
 * - detections sorted by decreasing score (ties: see {@link VocTieOrder});
 * - each takes the ground truth of its image and class with the largest IoU, in inclusive pixels
 *   (`w = x2 − x1 + 1`; the first object on equal IoU), difficult objects included;
 * - IoU strictly greater than `iouThreshold`: on an unclaimed object a TP (it claims it), on a claimed
 *   one a FP (duplicate), on a difficult one neither; otherwise a FP;
 * - npos counts non-difficult objects; recall = TP/npos, precision = TP/max(TP + FP, ε);
 * - AP by {@link vocAp}; `mAP` is the mean over classes whose AP is defined.
 *
 * Two input forms, boxes `xyxy` in VOC pixels (1-based, inclusive), labels 0-based into `classNames`:
 * - `evaluateVoc(images, options)`: `{ id, groundTruth, detections }` per image. A class's detections are
 *   taken in image order, then each image's order — the order py-faster-rcnn writes its result files in.
 * - `evaluateVoc(groundTruth, detections, options)`: `{ id, groundTruth }` per image, and detections
 *   either per image (`{ id, detections }`, same order rule) or one {@link DetectionRecord} per detection
 *   in result-file order (float64 scores and boxes: exactly voc_eval.py's input, ties included).
 *
 * Differences from voc_eval.py, on purpose: a class without non-difficult objects has `ap: null` and is
 * left out of `mAP` (voc_eval.py returns 0 for voc07 and NaN for voc12, as recall divides by zero); a
 * class without detections has AP 0 (voc_eval.py raises IndexError). Throws a {@link DatasetError} when
 * no class has ground truth (mAP undefined), and typed errors naming the image and index for bad input.
 */
export function evaluateVoc(images: readonly EvalImage[], options?: VocEvalOptions): VocResult;
export function evaluateVoc(
  groundTruth: readonly ImageGroundTruth[],
  detections: readonly DetectionRecord[] | readonly ImageDetections[],
  options?: VocEvalOptions,
): VocResult;
export function evaluateVoc(
  first: readonly ImageGroundTruth[] | readonly EvalImage[],
  second?: readonly DetectionRecord[] | readonly ImageDetections[] | VocEvalOptions,
  third?: VocEvalOptions,
): VocResult {
  if (!Array.isArray(first)) throw new InvalidConfigError('ground truth must be an array of images', { field: 'groundTruth', expected: '{ id, groundTruth }[]' });
  const split = Array.isArray(second);
  const options: VocEvalOptions = (split ? third : (second as VocEvalOptions | undefined)) ?? {};
  const { metric = 'voc12', iouThreshold = 0.5, tieOrder = 'numpy' } = options;
  if (metric !== 'voc07' && metric !== 'voc12') {
    throw new InvalidConfigError('unknown VOC metric', { field: 'metric', expected: "'voc07' or 'voc12'", received: metric });
  }
  if (tieOrder !== 'numpy' && tieOrder !== 'stable') {
    throw new InvalidConfigError('unknown tie order', { field: 'tieOrder', expected: "'numpy' or 'stable'", received: tieOrder });
  }
  if (typeof iouThreshold !== 'number' || !(iouThreshold >= 0 && iouThreshold <= 1)) {
    throw new InvalidConfigError('IoU threshold must lie in [0, 1]', { field: 'iouThreshold', received: iouThreshold });
  }
  const gtImages: readonly ImageGroundTruth[] = first;
  const imageIndex = new Map<string, number>();
  gtImages.forEach((image, i) => {
    if (imageIndex.has(image.id)) throw new DatasetError('image id appears twice', { field: 'images', index: i, received: image.id });
    imageIndex.set(image.id, i);
  });
  const detections = split ? (second as readonly DetectionRecord[] | readonly ImageDetections[]) : undefined;
  const records = detections !== undefined && detections.length > 0 && 'imageId' in detections[0] ? (detections as readonly DetectionRecord[]) : undefined;
  const perImage: readonly (ImageDetections | undefined)[] =
    records !== undefined ? [] : detections === undefined ? (gtImages as readonly EvalImage[]) : alignDetections(detections as readonly ImageDetections[], imageIndex, gtImages.length);

  let maxLabel = -1;
  gtImages.forEach((image, i) => {
    maxLabel = Math.max(maxLabel, checkGroundTruth(image, i));
  });
  perImage.forEach((image, i) => {
    if (image === undefined) return;
    validateDetections(image.detections, { name: `images[${i}].detections` });
    for (const l of image.detections.labels) maxLabel = Math.max(maxLabel, l);
  });
  const recordImage = records !== undefined ? new Int32Array(records.length) : undefined;
  if (records !== undefined) maxLabel = Math.max(maxLabel, checkRecords(records, imageIndex, recordImage as Int32Array));
  const numClasses = options.classNames?.length ?? options.numClasses ?? maxLabel + 1;
  if (!Number.isInteger(numClasses) || numClasses < 0) {
    throw new InvalidConfigError('numClasses must be a non-negative integer', { field: 'numClasses', received: numClasses });
  }
  const classNames = options.classNames ?? Array.from({ length: numClasses }, (_, k) => `class${k}`);
  gtImages.forEach((image, i) => validateLabels(image.groundTruth.labels, numClasses, { name: `images[${i}].groundTruth.labels` }));
  perImage.forEach((image, i) => image && validateLabels(image.detections.labels, numClasses, { name: `images[${i}].detections.labels` }));
  records?.forEach((r, k) => {
    if (r.label >= numClasses) throw new InvalidLabelError('label out of range', { field: 'detections.label', index: k, expected: `an integer in [0, ${numClasses - 1}]`, received: r.label });
  });

  const classDets = records !== undefined ? groupRecords(records, recordImage as Int32Array, numClasses) : groupImageDetections(perImage, numClasses);
  const classGts = groupGroundTruth(gtImages, numClasses);
  const perClass = classGts.map((gt, c) => scoreClass(classNames[c], gt, classDets[c], metric, iouThreshold, tieOrder));
  const defined = perClass.filter((r) => r.ap !== null);
  if (defined.length === 0) {
    throw new DatasetError('no class has non-difficult ground truth: mAP is undefined', { field: 'groundTruth', expected: 'at least one non-difficult object' });
  }
  const mAP = defined.reduce((s, r) => s + (r.ap as number), 0) / defined.length;
  return { metric, iouThreshold, mAP, perClass };
}

function scoreClass(
  className: string,
  gt: ClassGroundTruth,
  dets: ClassDetections,
  metric: VocMetric,
  iouThreshold: number,
  tieOrder: VocTieOrder,
): VocClassResult {
  const nd = dets.score.length;
  const order = sortByScore(dets.score, tieOrder);
  const claimed = new Uint8Array(gt.difficult.length);
  const precision = new Float64Array(nd);
  const recall = new Float64Array(nd);
  const scores = new Float64Array(nd);
  let tp = 0;
  let fp = 0;
  for (let r = 0; r < nd; r++) {
    const d = order[r];
    scores[r] = dets.score[d];
    const start = gt.offsets[dets.image[d]];
    const end = gt.offsets[dets.image[d] + 1];
    let ovmax = Number.NEGATIVE_INFINITY;
    let jmax = -1;
    for (let j = start; j < end; j++) {
      const ov = iouAt(dets.boxes, d, gt.boxes, j, 1);
      if (ov > ovmax) {
        ovmax = ov;
        jmax = j;
      }
    }
    if (ovmax > iouThreshold) {
      if (!gt.difficult[jmax]) {
        if (claimed[jmax]) fp++;
        else {
          tp++;
          claimed[jmax] = 1;
        }
      }
    } else {
      fp++;
    }
    recall[r] = gt.npos > 0 ? tp / gt.npos : 0;
    precision[r] = tp / Math.max(tp + fp, Number.EPSILON);
  }
  return {
    className,
    ap: gt.npos > 0 ? vocAp(recall, precision, metric) : null,
    npos: gt.npos,
    tp,
    fp,
    detections: nd,
    scores,
    precision,
    recall,
  };
}

function sortByScore(score: Float64Array, tieOrder: VocTieOrder): Int32Array {
  if (tieOrder === 'numpy') {
    const negated = new Float64Array(score.length);
    for (let i = 0; i < score.length; i++) negated[i] = -score[i];
    return numpyArgsort(negated);
  }
  const order = Int32Array.from(score.keys());
  return order.sort((a, b) => score[b] - score[a] || a - b);
}

/** Checks one image's ground truth boxes and lengths (labels are checked later); returns its largest label. Single-pixel boxes (x1 = x2) are valid VOC boxes. */
function checkGroundTruth(image: ImageGroundTruth, i: number): number {
  const name = `images[${i}].groundTruth`;
  const g = image.groundTruth;
  validateBoxes(g.boxes, { name: `${name}.boxes`, allowDegenerate: true });
  const n = g.boxes.length >> 2;
  for (let j = 0; j < n; j++) {
    if (g.boxes[4 * j + 2] < g.boxes[4 * j] || g.boxes[4 * j + 3] < g.boxes[4 * j + 1]) {
      throw new InvalidBoxError('box has xmax < xmin or ymax < ymin', {
        field: `${name}.boxes`,
        index: j,
        expected: 'xmax >= xmin and ymax >= ymin (inclusive pixels)',
        received: Array.from(g.boxes.subarray(4 * j, 4 * j + 4)),
      });
    }
  }
  for (const [field, arr] of [['labels', g.labels], ['difficult', g.difficult]] as const) {
    if (arr.length !== n) throw new ShapeMismatchError(`${field} has ${arr.length} entries for ${n} boxes`, { field: `${name}.${field}`, expected: `${n} entries` });
  }
  let max = -1;
  for (let j = 0; j < n; j++) if (g.labels[j] > max) max = g.labels[j];
  return max;
}

/** Per-image detections lined up with the ground-truth images (missing images have none). */
function alignDetections(detections: readonly ImageDetections[], imageIndex: Map<string, number>, count: number): (ImageDetections | undefined)[] {
  const out: (ImageDetections | undefined)[] = new Array(count).fill(undefined);
  detections.forEach((d, k) => {
    const i = imageIndex.get(d.id);
    if (i === undefined) throw new DatasetError('detections for an image that has no ground truth entry', { field: 'detections', index: k, received: d.id });
    if (out[i] !== undefined) throw new DatasetError('image id appears twice', { field: 'detections', index: k, received: d.id });
    out[i] = d;
  });
  return out;
}

/** Checks detection records and writes each one's image index into `imageOf`; returns the largest label. */
function checkRecords(records: readonly DetectionRecord[], imageIndex: Map<string, number>, imageOf: Int32Array): number {
  let max = -1;
  records.forEach((r, k) => {
    const i = imageIndex.get(r.imageId);
    if (i === undefined) throw new DatasetError('detection for an image that has no ground truth entry', { field: 'detections', index: k, received: r.imageId });
    if (!Number.isInteger(r.label) || r.label < 0) throw new InvalidLabelError('label out of range', { field: 'detections.label', index: k, expected: 'an integer >= 0', received: r.label });
    if (typeof r.score !== 'number' || !Number.isFinite(r.score)) throw new NotFiniteError('score is not finite', { field: 'detections.score', index: k, received: r.score });
    const b = r.box;
    if (b == null || b.length !== 4 || !(Number.isFinite(b[0]) && Number.isFinite(b[1]) && Number.isFinite(b[2]) && Number.isFinite(b[3]))) {
      throw new InvalidBoxError('box must be 4 finite numbers', { field: 'detections.box', index: k, expected: '[xmin, ymin, xmax, ymax]', received: b });
    }
    imageOf[k] = i;
    if (r.label > max) max = r.label;
  });
  return max;
}

function allocate(counts: Int32Array): ClassDetections[] {
  return Array.from(counts, (n) => ({ image: new Int32Array(n), score: new Float64Array(n), boxes: new Float64Array(4 * n) }));
}

function groupRecords(records: readonly DetectionRecord[], imageOf: Int32Array, numClasses: number): ClassDetections[] {
  const counts = new Int32Array(numClasses);
  for (const r of records) counts[r.label]++;
  const out = allocate(counts);
  const fill = new Int32Array(numClasses);
  records.forEach((r, n) => {
    const c = out[r.label];
    const k = fill[r.label]++;
    c.image[k] = imageOf[n];
    c.score[k] = r.score;
    for (let q = 0; q < 4; q++) c.boxes[4 * k + q] = r.box[q];
  });
  return out;
}

function groupImageDetections(images: readonly (ImageDetections | undefined)[], numClasses: number): ClassDetections[] {
  const counts = new Int32Array(numClasses);
  for (const im of images) if (im !== undefined) for (const l of im.detections.labels) counts[l]++;
  const out = allocate(counts);
  const fill = new Int32Array(numClasses);
  images.forEach((im, i) => {
    if (im === undefined) return;
    const { labels, scores, boxes } = im.detections;
    for (let j = 0; j < labels.length; j++) {
      const c = out[labels[j]];
      const k = fill[labels[j]]++;
      c.image[k] = i;
      c.score[k] = scores[j];
      for (let q = 0; q < 4; q++) c.boxes[4 * k + q] = boxes[4 * j + q];
    }
  });
  return out;
}

function groupGroundTruth(images: readonly ImageGroundTruth[], numClasses: number): ClassGroundTruth[] {
  const n = images.length;
  const counts = new Int32Array(numClasses);
  for (const im of images) for (const l of im.groundTruth.labels) counts[l]++;
  const out: ClassGroundTruth[] = Array.from(counts, (m) => ({ offsets: new Int32Array(n + 1), boxes: new Float64Array(4 * m), difficult: new Uint8Array(m), npos: 0 }));
  const fill = new Int32Array(numClasses);
  images.forEach((im, i) => {
    const { labels, boxes, difficult } = im.groundTruth;
    for (let j = 0; j < labels.length; j++) {
      const c = out[labels[j]];
      const k = fill[labels[j]]++;
      for (let q = 0; q < 4; q++) c.boxes[4 * k + q] = boxes[4 * j + q];
      c.difficult[k] = difficult[j] ? 1 : 0;
      if (!difficult[j]) c.npos++;
    }
    for (let c = 0; c < numClasses; c++) out[c].offsets[i + 1] = fill[c];
  });
  return out;
}
