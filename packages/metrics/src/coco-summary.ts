import { InvalidConfigError } from '@det/core';
import { allRangeIndex, type CocoParams } from './coco-params';

/** One summary number: AP or AR at an IoU threshold (or the mean over all), an area range and a maxDets. */
export interface CocoSummaryEntry {
  /** `AP`, `AP50`, `AP75`, `APs`, `APm`, `APl`, `AR<m0>`, `AR<m1>`, `AR<mLast>`, `ARs`, `ARm`, `ARl`. */
  name: string;
  ap: boolean;
  /** `null`: mean over all IoU thresholds. */
  iouThreshold: number | null;
  areaRange: string;
  maxDets: number;
  /** `null` where nothing could be scored (pycocotools prints −1). */
  value: number | null;
}

export interface CocoClassResult {
  className: string;
  /** AP over all IoU thresholds, area range 'all' (else the first), the largest maxDets; `null` without ground truth. */
  ap: number | null;
  /** Objects that count for recall in that area range (not crowd, not ignored). */
  npos: number;
}

export interface CocoResult {
  /** The 12 standard numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl); −1 where undefined, as pycocotools. */
  stats: number[];
  /** The same 12 with their parameters; `value: null` where undefined. */
  summary: CocoSummaryEntry[];
  perClass: CocoClassResult[];
  /** pycocotools `eval['precision']` [T, R, K, A, M] flattened in C order; −1 where undefined. */
  precision: Float64Array;
  /** pycocotools `eval['recall']` [T, K, A, M] flattened in C order; −1 where undefined. */
  recall: Float64Array;
  dims: { T: number; R: number; K: number; A: number; M: number };
  params: CocoParams;
}

/** Which numbers to average for {@link cocoMetric}. */
export interface CocoMetricQuery {
  /** true: precision averaged over recall points (AP); false: recall (AR). */
  ap: boolean;
  /** One IoU threshold (must be one of the evaluation's, to 1e-12); default: mean over all of them. */
  iouThreshold?: number | null;
  /** Area range label (default the first range). */
  areaRange?: string;
  /** One of the evaluation's maxDets (default the largest). */
  maxDets?: number;
  /** Category indices to average over (default all). */
  categories?: readonly number[];
}

/**
 * Mean of the defined entries (> −1) of precision (AP) or recall (AR) at the given IoU threshold(s),
 * area range, maxDets and categories — pycocotools' `_summarize` for any parameters. Returns `null`
 * where no entry is defined, and also where the threshold, area label or maxDets is not part of the
 * evaluation (pycocotools returns −1 there too, silently).
 */
export function cocoMetric(result: Pick<CocoResult, 'precision' | 'recall' | 'params'>, query: CocoMetricQuery): number | null {
  const { iouThresholds, recallThresholds, maxDets, areaRanges } = result.params;
  const T = iouThresholds.length;
  const R = recallThresholds.length;
  const A = areaRanges.length;
  const M = maxDets.length;
  const K = result.recall.length / (T * A * M);
  const thr = query.iouThreshold ?? null;
  const ts = thr === null ? Array.from(iouThresholds.keys()) : Array.from(iouThresholds.keys()).filter((t) => Math.abs(iouThresholds[t] - thr) < 1e-12);
  const a = query.areaRange === undefined ? 0 : areaRanges.findIndex((r) => r.label === query.areaRange);
  const m = query.maxDets === undefined ? M - 1 : maxDets.indexOf(query.maxDets);
  if (ts.length === 0 || a < 0 || m < 0) return null;
  const ks = query.categories ?? Array.from({ length: K }, (_, k) => k);
  for (const k of ks) {
    if (!(Number.isInteger(k) && k >= 0 && k < K)) throw new InvalidConfigError('category index out of range', { field: 'categories', expected: `[0, ${K - 1}]`, received: k });
  }
  let sum = 0;
  let count = 0;
  for (const t of ts) {
    for (const k of ks) {
      if (query.ap) {
        for (let r = 0; r < R; r++) {
          const v = result.precision[(((t * R + r) * K + k) * A + a) * M + m];
          if (v > -1) {
            sum += v;
            count++;
          }
        }
      } else {
        const v = result.recall[((t * K + k) * A + a) * M + m];
        if (v > -1) {
          sum += v;
          count++;
        }
      }
    }
  }
  return count > 0 ? sum / count : null;
}

/**
 * The 12 standard numbers, per-class AP and the result object from accumulated precision/recall.
 * Where pycocotools' `summarize()` differs: it reads AP at maxDets = 100 whatever `maxDets` holds (−1 when
 * 100 is missing) and the other entries at `maxDets[2]` (an IndexError with fewer than 3 values); @det
 * reads AP, ARs/ARm/ARl and the third AR at the largest maxDets and the first two AR at `maxDets[0]` and
 * `maxDets[1]`, and names the AR entries after the values. With the default [1, 10, 100] both agree.
 * Area entries look up the labels 'all' (else the first range), 'small', 'medium', 'large'.
 */
export function summarizeCoco(input: {
  precision: Float64Array;
  recall: Float64Array;
  params: CocoParams;
  categoryNames: string[];
  npos: Int32Array;
}): CocoResult {
  const { precision, recall, params } = input;
  const { maxDets, areaRanges } = params;
  const M = maxDets.length;
  const all = areaRanges[allRangeIndex(areaRanges)].label;
  const last = maxDets[M - 1];
  const m1 = maxDets[Math.min(1, M - 1)];
  const specs: [string, boolean, number | null, string, number][] = [
    ['AP', true, null, all, last],
    ['AP50', true, 0.5, all, last],
    ['AP75', true, 0.75, all, last],
    ['APs', true, null, 'small', last],
    ['APm', true, null, 'medium', last],
    ['APl', true, null, 'large', last],
    [`AR${maxDets[0]}`, false, null, all, maxDets[0]],
    [`AR${m1}`, false, null, all, m1],
    [`AR${last}`, false, null, all, last],
    ['ARs', false, null, 'small', last],
    ['ARm', false, null, 'medium', last],
    ['ARl', false, null, 'large', last],
  ];
  const summary: CocoSummaryEntry[] = specs.map(([name, ap, iouThreshold, areaRange, md]) => ({
    name,
    ap,
    iouThreshold,
    areaRange,
    maxDets: md,
    value: cocoMetric(input, { ap, iouThreshold, areaRange, maxDets: md }),
  }));
  const perClass = input.categoryNames.map((className, k) => ({
    className,
    ap: cocoMetric(input, { ap: true, areaRange: all, maxDets: last, categories: [k] }),
    npos: input.npos[k],
  }));
  const T = params.iouThresholds.length;
  const A = areaRanges.length;
  return {
    stats: summary.map((s) => s.value ?? -1),
    summary,
    perClass,
    precision,
    recall,
    dims: { T, R: params.recallThresholds.length, K: input.categoryNames.length, A, M },
    params,
  };
}
