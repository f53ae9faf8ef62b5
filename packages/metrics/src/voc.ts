import { intersectionArea, iouFromAreas } from '@det/boxes';
import { type ClassNames, DatasetError, InvalidConfigError, validateDetections, validateGroundTruth } from '@det/core';
import type { EvalImage, PrCurve } from './types';

/** `'voc07'`: 11-point interpolated AP (VOC2007 test); `'voc12'`: area under the precision envelope (VOC2010+). */
export type VocMetric = 'voc07' | 'voc12';

export interface VocEvalOptions {
  metric?: VocMetric;
  /** A detection is a true positive when its best IoU is strictly greater than this (default 0.5). */
  iouThreshold?: number;
  /** Class names for the report (default `class0`, `class1`, …; their number is the class count). */
  classNames?: ClassNames;
  /** Number of classes when `classNames` is not given (default: 1 + the largest label seen). */
  numClasses?: number;
}

export interface VocClassResult extends PrCurve {
  className: string;
  /** Average precision; `null` for a class without (non-difficult) ground truth, where AP is undefined. */
  ap: number | null;
  /** Non-difficult ground-truth objects. */
  npos: number;
  /** True and false positives over all detections of the class. */
  tp: number;
  fp: number;
  /** Detections of the class, and how many hit difficult objects (neither TP nor FP). */
  detections: number;
}

export interface VocResult {
  metric: VocMetric;
  iouThreshold: number;
  /** Mean of the per-class APs that are defined. */
  mAP: number;
  perClass: VocClassResult[];
}

/** voc_eval.py `voc_ap`: 11-point (t = 0, 0.1, …, 1) or area under the monotone precision envelope. */
export function vocAp(recall: ArrayLike<number>, precision: ArrayLike<number>, metric: VocMetric): number {
  const n = recall.length;
  if (metric === 'voc07') {
    let ap = 0;
    for (let k = 0; k < 11; k++) {
      const t = k * 0.1; // np.arange(0., 1.1, 0.1)
      let p = 0;
      for (let i = 0; i < n; i++) if (recall[i] >= t && precision[i] > p) p = precision[i];
      ap += p / 11;
    }
    return ap;
  }
  const mrec = new Float64Array(n + 2);
  const mpre = new Float64Array(n + 2);
  mrec[n + 1] = 1;
  for (let i = 0; i < n; i++) {
    mrec[i + 1] = recall[i];
    mpre[i + 1] = precision[i];
  }
  for (let i = n + 1; i > 0; i--) if (mpre[i] > mpre[i - 1]) mpre[i - 1] = mpre[i];
  let ap = 0;
  for (let i = 0; i < n + 1; i++) if (mrec[i + 1] !== mrec[i]) ap += (mrec[i + 1] - mrec[i]) * mpre[i + 1];
  return ap;
}

/**
 * PASCAL VOC detection AP with the devkit's rules, as py-faster-rcnn's `voc_eval.py`: per class,
 * detections sorted by decreasing score (stable); each takes the ground truth of its image and class
 * with the largest IoU (inclusive pixels: widths + 1); IoU > threshold on an unclaimed object is a TP,
 * on a claimed one a FP (duplicate); hits on difficult objects count as neither; below the threshold,
 * FP. Difficult objects are not counted in npos. Results equal voc_eval.py's to 1e-6 (tested).
 */
export function evaluateVoc(images: readonly EvalImage[], options: VocEvalOptions = {}): VocResult {
  const { metric = 'voc12', iouThreshold = 0.5 } = options;
  if (metric !== 'voc07' && metric !== 'voc12') {
    throw new InvalidConfigError('unknown VOC metric', { field: 'metric', expected: "'voc07' or 'voc12'", received: metric });
  }
  const seen = new Set<string>();
  let maxLabel = -1;
  images.forEach((image, i) => {
    if (seen.has(image.id)) throw new DatasetError('image id appears twice', { field: 'images', index: i, received: image.id });
    seen.add(image.id);
    validateGroundTruth(image.groundTruth, { name: `images[${i}].groundTruth` });
    validateDetections(image.detections, { name: `images[${i}].detections` });
    for (const l of image.groundTruth.labels) maxLabel = Math.max(maxLabel, l);
    for (const l of image.detections.labels) maxLabel = Math.max(maxLabel, l);
  });
  const numClasses = options.classNames?.length ?? options.numClasses ?? maxLabel + 1;
  const classNames = options.classNames ?? Array.from({ length: numClasses }, (_, k) => `class${k}`);
  if (maxLabel >= numClasses) {
    throw new InvalidConfigError(`label ${maxLabel} is outside the ${numClasses} classes`, { field: 'classNames', expected: `${maxLabel + 1} classes` });
  }

  // Group detections by class: (image, box) references with scores.
  const perClass = Array.from({ length: numClasses }, () => ({ image: [] as number[], box: [] as number[], score: [] as number[] }));
  images.forEach((image, i) => {
    const d = image.detections;
    for (let k = 0; k < d.labels.length; k++) {
      const c = perClass[d.labels[k]];
      c.image.push(i);
      c.box.push(k);
      c.score.push(d.scores[k]);
    }
  });

  const results: VocClassResult[] = [];
  for (let cls = 0; cls < numClasses; cls++) {
    // Ground truth of this class per image: indices into the image's boxes, npos, claimed flags.
    const gtIndex: Int32Array[] = images.map((image) => {
      const labels = image.groundTruth.labels;
      const idx: number[] = [];
      for (let g = 0; g < labels.length; g++) if (labels[g] === cls) idx.push(g);
      return Int32Array.from(idx);
    });
    let npos = 0;
    images.forEach((image, i) => {
      for (const g of gtIndex[i]) if (!image.groundTruth.difficult[g]) npos++;
    });
    const claimed = gtIndex.map((g) => new Uint8Array(g.length));
    const c = perClass[cls];
    const order = Array.from(c.score.keys()).sort((a, b) => c.score[b] - c.score[a] || a - b);
    const nd = order.length;
    const tpFlags = new Uint8Array(nd);
    const fpFlags = new Uint8Array(nd);
    order.forEach((d, rank) => {
      const i = c.image[d];
      const det = images[i].detections.boxes;
      const q = 4 * c.box[d];
      const gt = images[i].groundTruth;
      const idx = gtIndex[i];
      let ovmax = Number.NEGATIVE_INFINITY;
      let jmax = -1;
      const areaD = (det[q + 2] - det[q] + 1) * (det[q + 3] - det[q + 1] + 1);
      for (let j = 0; j < idx.length; j++) {
        const g = 4 * idx[j];
        const b = gt.boxes;
        const inter = intersectionArea(det[q], det[q + 1], det[q + 2], det[q + 3], b[g], b[g + 1], b[g + 2], b[g + 3], 1);
        const ov = iouFromAreas(inter, areaD, (b[g + 2] - b[g] + 1) * (b[g + 3] - b[g + 1] + 1));
        if (ov > ovmax) {
          ovmax = ov;
          jmax = j;
        }
      }
      if (ovmax > iouThreshold) {
        if (!gt.difficult[idx[jmax]]) {
          if (!claimed[i][jmax]) {
            tpFlags[rank] = 1;
            claimed[i][jmax] = 1;
          } else {
            fpFlags[rank] = 1;
          }
        }
      } else {
        fpFlags[rank] = 1;
      }
    });
    const precision = new Float64Array(nd);
    const recall = new Float64Array(nd);
    let tp = 0;
    let fp = 0;
    for (let r = 0; r < nd; r++) {
      tp += tpFlags[r];
      fp += fpFlags[r];
      recall[r] = tp / npos;
      precision[r] = tp / Math.max(tp + fp, Number.EPSILON);
    }
    results.push({
      className: classNames[cls],
      ap: npos > 0 ? vocAp(recall, precision, metric) : null,
      npos,
      tp,
      fp,
      detections: nd,
      precision,
      recall: npos > 0 ? recall : new Float64Array(nd),
    });
  }
  const defined = results.filter((r) => r.ap !== null);
  const mAP = defined.length > 0 ? defined.reduce((s, r) => s + (r.ap as number), 0) / defined.length : 0;
  return { metric, iouThreshold, mAP, perClass: results };
}
