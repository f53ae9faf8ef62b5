import { InvalidConfigError } from '@det/core';

/** A named area range in pixels², inclusive at both ends (pycocotools `areaRng` with its `areaRngLbl`). */
export interface AreaRange {
  label: string;
  min: number;
  max: number;
}

/** pycocotools' default ranges: all [0, 1e10], small [0, 32²], medium [32², 96²], large [96², 1e10]. */
export const COCO_AREA_RANGES: readonly AreaRange[] = [
  { label: 'all', min: 0, max: 1e10 },
  { label: 'small', min: 0, max: 32 ** 2 },
  { label: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { label: 'large', min: 96 ** 2, max: 1e10 },
];

/** `np.linspace(start, stop, num)` as numpy computes it (so thresholds equal pycocotools' bit for bit). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** IoU thresholds .50:.05:.95 (10), as pycocotools' Params. */
export const COCO_IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, 10);
/** Recall points 0:.01:1 (101), as pycocotools' Params. */
export const COCO_RECALL_THRESHOLDS: Float64Array = linspace(0, 1, 101);
/** Detections kept per image and category: 1, 10, 100. */
export const COCO_MAX_DETS: readonly number[] = [1, 10, 100];
/** Value of precision/recall entries (and of `stats`) that are undefined: no ground truth to score. */
export const COCO_UNDEFINED = -1;

/** What is compared: boxes (`'bbox'`, the default) or masks (`'segm'`), as pycocotools' `iouType`. */
export type CocoIouType = 'bbox' | 'segm';

export interface CocoEvalOptions {
  /** `'bbox'` (default): IoU of boxes; `'segm'`: IoU of masks (RLEs), pycocotools' `iouType='segm'`. */
  iouType?: CocoIouType;
  /** IoU thresholds, each in [0, 1] (default .50:.05:.95). A match needs IoU ≥ threshold. */
  iouThresholds?: ArrayLike<number>;
  /** Recall points where precision is read, ascending in [0, 1] (default 0:.01:1, 101 points). */
  recallThresholds?: ArrayLike<number>;
  /** Detections kept per image and category, ascending positive integers (default [1, 10, 100]). */
  maxDets?: readonly number[];
  /** Area ranges (default {@link COCO_AREA_RANGES}); per-class AP uses the one labelled 'all', else the first. */
  areaRanges?: readonly AreaRange[];
}

/** Index of the range labelled 'all', else 0: the range of per-class AP and npos. */
export function allRangeIndex(areaRanges: readonly AreaRange[]): number {
  return Math.max(0, areaRanges.findIndex((r) => r.label === 'all'));
}

/** Checked, normalised parameters of one evaluation. */
export interface CocoParams {
  iouType: CocoIouType;
  iouThresholds: Float64Array;
  recallThresholds: Float64Array;
  maxDets: number[];
  areaRanges: AreaRange[];
}

export function cocoParams(options: CocoEvalOptions = {}): CocoParams {
  const iouType = options.iouType ?? 'bbox';
  if (iouType !== 'bbox' && iouType !== 'segm') throw new InvalidConfigError("iouType must be 'bbox' or 'segm'", { field: 'iouType', received: iouType });
  const iouThresholds = Float64Array.from(options.iouThresholds ?? COCO_IOU_THRESHOLDS);
  const recallThresholds = Float64Array.from(options.recallThresholds ?? COCO_RECALL_THRESHOLDS);
  const maxDets = [...(options.maxDets ?? COCO_MAX_DETS)];
  const areaRanges = (options.areaRanges ?? COCO_AREA_RANGES).map((a) => ({ ...a }));
  if (iouThresholds.length === 0 || iouThresholds.some((t) => !(t >= 0 && t <= 1))) {
    throw new InvalidConfigError('IoU thresholds must be a non-empty list of numbers in [0, 1]', { field: 'iouThresholds', received: Array.from(iouThresholds) });
  }
  if (recallThresholds.length === 0 || recallThresholds.some((r, i) => !(r >= 0 && r <= 1) || (i > 0 && r < recallThresholds[i - 1]))) {
    throw new InvalidConfigError('recall thresholds must be ascending numbers in [0, 1]', { field: 'recallThresholds' });
  }
  if (maxDets.length === 0 || maxDets.some((m, i) => !Number.isInteger(m) || m <= 0 || (i > 0 && m < maxDets[i - 1]))) {
    throw new InvalidConfigError('maxDets must be ascending positive integers', { field: 'maxDets', received: maxDets });
  }
  areaRanges.forEach((a, i) => {
    if (typeof a.label !== 'string' || !(a.min <= a.max)) {
      throw new InvalidConfigError('an area range needs a label and min <= max', { field: 'areaRanges', index: i, received: a });
    }
  });
  if (areaRanges.length === 0) throw new InvalidConfigError('at least one area range is needed', { field: 'areaRanges' });
  return { iouType, iouThresholds, recallThresholds, maxDets, areaRanges };
}
