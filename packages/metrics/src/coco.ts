import { intersectionArea, iouFromAreas } from '@det/boxes';
import { type ClassNames, InvalidConfigError } from '@det/core';

/** A named area range in pixels², inclusive at both ends (pycocotools `areaRng`). */
export interface AreaRange {
  label: string;
  min: number;
  max: number;
}

/** pycocotools' default ranges: all, small (< 32²), medium (32²–96²), large (> 96²). */
export const COCO_AREA_RANGES: readonly AreaRange[] = [
  { label: 'all', min: 0, max: 1e10 },
  { label: 'small', min: 0, max: 32 ** 2 },
  { label: 'medium', min: 32 ** 2, max: 96 ** 2 },
  { label: 'large', min: 96 ** 2, max: 1e10 },
];

/** np.linspace(start, stop, num) as numpy computes it (so thresholds compare equal to pycocotools'). */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  if (num > 1) out[num - 1] = stop;
  return out;
}

/** IoU thresholds .50:.05:.95 and the 101 recall points, as pycocotools' Params. */
export const COCO_IOU_THRESHOLDS: Float64Array = linspace(0.5, 0.95, 10);
export const COCO_RECALL_THRESHOLDS: Float64Array = linspace(0, 1, 101);

export interface CocoEvalOptions {
  /** Default .50:.05:.95. */
  iouThresholds?: ArrayLike<number>;
  /** Default 0:.01:1 (101 points). */
  recallThresholds?: ArrayLike<number>;
  /** Detections kept per image and category, ascending (default [1, 10, 100]). */
  maxDets?: readonly number[];
  /** Default {@link COCO_AREA_RANGES}; the first range should cover all areas (it is used for per-class AP). */
  areaRanges?: readonly AreaRange[];
}

/** One ground-truth object (continuous coordinates; `bbox` is COCO's [x, y, w, h]). */
export interface CocoGtObject {
  bbox: readonly [number, number, number, number] | number[];
  /** Area used for area ranges (COCO: the annotation's `area`, the segment area; default w·h). */
  area?: number;
  iscrowd?: boolean | number;
}

/** One detection: COCO [x, y, w, h] box and score. Its area for area ranges is w·h. */
export interface CocoDetection {
  bbox: readonly [number, number, number, number] | number[];
  score: number;
}

/** Objects and detections of one (image, category) pair. */
export interface CocoCell {
  gt: CocoGtObject[];
  dt: CocoDetection[];
}

/** COCO's evaluation input: per image (in id order) and category (in category order), the cell. */
export interface CocoEvalInput {
  imageIds: readonly (string | number)[];
  categoryNames: ClassNames;
  /** `cells[image][category]`, either may be absent for no objects and no detections. */
  cells: (CocoCell | undefined)[][];
}

export interface CocoSummaryEntry {
  name: string;
  ap: boolean;
  iouThreshold: number | null;
  areaRange: string;
  maxDets: number;
  /** −1 where nothing could be scored, as pycocotools. */
  value: number;
}

export interface CocoResult {
  /** The 12 standard numbers (AP, AP50, AP75, APs, APm, APl, AR1, AR10, AR100, ARs, ARm, ARl). */
  stats: number[];
  summary: CocoSummaryEntry[];
  /** AP over IoU .50:.95, first area range, the largest maxDets, per category; −1 without ground truth. */
  perClass: { className: string; ap: number }[];
  /** precision[t][r][k][a][m] flattened (t IoU, r recall point, k category, a area, m maxDets); −1 = undefined. */
  precision: Float64Array;
  /** recall[t][k][a][m] flattened. */
  recall: Float64Array;
  dims: { T: number; R: number; K: number; A: number; M: number };
  params: { iouThresholds: Float64Array; recallThresholds: Float64Array; maxDets: number[]; areaRanges: AreaRange[] };
}

/** Per (image, category, area range) matching result, pycocotools' `evaluateImg` output. */
interface CellEval {
  /** Scores of the detections in decreasing order (at most maxDets[-1]). */
  scores: Float64Array;
  /** [T*D]: 1 when the detection matched a ground truth at threshold t. */
  matched: Uint8Array;
  /** [T*D]: 1 when the detection is ignored (matched an ignored gt, or unmatched and outside the range). */
  ignored: Uint8Array;
  /** Ground truths that are not ignored. */
  numGt: number;
}

function stableOrderByScore(dt: CocoDetection[]): number[] {
  return Array.from(dt.keys()).sort((a, b) => dt[b].score - dt[a].score || a - b);
}

/** The IoU matrix [D*G] of sorted detections vs ground truth (pycocotools `bbIou`, crowd → / det area). */
function cellIous(dt: CocoDetection[], gt: CocoGtObject[]): Float64Array {
  const out = new Float64Array(dt.length * gt.length);
  for (let d = 0; d < dt.length; d++) {
    const [dx, dy, dw, dh] = dt[d].bbox;
    const da = dw * dh;
    for (let g = 0; g < gt.length; g++) {
      const [gx, gy, gw, gh] = gt[g].bbox;
      const inter = intersectionArea(dx, dy, dx + dw, dy + dh, gx, gy, gx + gw, gy + gh);
      if (inter <= 0) continue;
      out[d * gt.length + g] = gt[g].iscrowd ? inter / da : iouFromAreas(inter, da, gw * gh);
    }
  }
  return out;
}

/** A cell's detections sorted by score (at most maxDets[-1]) and their IoUs with its ground truth. */
interface PreparedCell {
  cell: CocoCell;
  dt: CocoDetection[];
  /** [D*G] with G in the cell's original ground-truth order. */
  ious: Float64Array;
}

function prepareCell(cell: CocoCell, maxDet: number): PreparedCell {
  const dt = stableOrderByScore(cell.dt)
    .slice(0, maxDet)
    .map((i) => cell.dt[i]);
  const ious = cell.gt.length > 0 && dt.length > 0 ? cellIous(dt, cell.gt) : new Float64Array(0);
  return { cell, dt, ious };
}

function evaluateCell(prepared: PreparedCell, iouThrs: Float64Array, range: AreaRange): CellEval {
  const { cell, dt, ious } = prepared;
  const T = iouThrs.length;
  const gtArea = (g: CocoGtObject) => g.area ?? g.bbox[2] * g.bbox[3];
  const gtIgnoreRaw = cell.gt.map((g) => (g.iscrowd || gtArea(g) < range.min || gtArea(g) > range.max ? 1 : 0));
  // Ground truth sorted with ignored last (stable).
  const gtOrder = Array.from(cell.gt.keys()).sort((a, b) => gtIgnoreRaw[a] - gtIgnoreRaw[b] || a - b);
  const gtIg = gtOrder.map((i) => gtIgnoreRaw[i]);
  const crowd = gtOrder.map((i) => (cell.gt[i].iscrowd ? 1 : 0));
  const G = gtOrder.length;
  const D = dt.length;
  const matched = new Uint8Array(T * D);
  const ignored = new Uint8Array(T * D);
  const gtMatched = new Uint8Array(T * G);
  if (ious.length > 0) {
    for (let t = 0; t < T; t++) {
      for (let d = 0; d < D; d++) {
        let iou = Math.min(iouThrs[t], 1 - 1e-10);
        let m = -1;
        for (let g = 0; g < G; g++) {
          if (gtMatched[t * G + g] && !crowd[g]) continue;
          if (m > -1 && gtIg[m] === 0 && gtIg[g] === 1) break;
          const v = ious[d * G + gtOrder[g]];
          if (v < iou) continue;
          iou = v;
          m = g;
        }
        if (m === -1) continue;
        ignored[t * D + d] = gtIg[m];
        matched[t * D + d] = 1;
        gtMatched[t * G + m] = 1;
      }
    }
  }
  for (let d = 0; d < D; d++) {
    const area = dt[d].bbox[2] * dt[d].bbox[3];
    if (area < range.min || area > range.max) for (let t = 0; t < T; t++) if (!matched[t * D + d]) ignored[t * D + d] = 1;
  }
  let numGt = 0;
  for (const v of gtIg) if (v === 0) numGt++;
  return { scores: Float64Array.from(dt, (d) => d.score), matched, ignored, numGt };
}

function checkOptions(o: Required<CocoEvalOptions>): void {
  if (o.maxDets.length === 0 || o.maxDets.some((m, i) => !Number.isInteger(m) || m <= 0 || (i > 0 && m < o.maxDets[i - 1]))) {
    throw new InvalidConfigError('maxDets must be ascending positive integers', { field: 'maxDets', received: o.maxDets });
  }
  if (o.areaRanges.length === 0 || o.areaRanges.some((a) => !(a.min <= a.max))) {
    throw new InvalidConfigError('area ranges need min <= max', { field: 'areaRanges', received: o.areaRanges });
  }
  if (Array.from(o.iouThresholds).some((t) => !(t >= 0 && t <= 1)) || o.iouThresholds.length === 0) {
    throw new InvalidConfigError('IoU thresholds must lie in [0, 1]', { field: 'iouThresholds' });
  }
}

/**
 * COCO box AP/AR with pycocotools COCOeval semantics (evaluate + accumulate + summarize, `iouType='bbox'`):
 * per image and category, detections by decreasing score (at most the largest maxDets), greedy matching
 * per IoU threshold with crowd and area-range ignores, precision at 101 recall points made monotone,
 * −1 where undefined. Custom maxDets, area ranges and IoU thresholds work in the summary too
 * (pycocotools' summarize hard-codes maxDets = 100 for AP and looks thresholds up by value).
 */
export function evaluateCocoCells(input: CocoEvalInput, options: CocoEvalOptions = {}): CocoResult {
  const o: Required<CocoEvalOptions> = {
    iouThresholds: options.iouThresholds ?? COCO_IOU_THRESHOLDS,
    recallThresholds: options.recallThresholds ?? COCO_RECALL_THRESHOLDS,
    maxDets: options.maxDets ?? [1, 10, 100],
    areaRanges: options.areaRanges ?? COCO_AREA_RANGES,
  };
  checkOptions(o);
  const iouThrs = Float64Array.from(o.iouThresholds);
  const recThrs = Float64Array.from(o.recallThresholds);
  const maxDets = [...o.maxDets];
  const areaRanges = [...o.areaRanges];
  const T = iouThrs.length;
  const R = recThrs.length;
  const K = input.categoryNames.length;
  const A = areaRanges.length;
  const M = maxDets.length;
  const maxDet = maxDets[M - 1];
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const pIndex = (t: number, r: number, k: number, a: number, m: number) => (((t * R + r) * K + k) * A + a) * M + m;
  const rIndex = (t: number, k: number, a: number, m: number) => ((t * K + k) * A + a) * M + m;

  for (let k = 0; k < K; k++) {
    const prepared: PreparedCell[] = [];
    for (let i = 0; i < input.imageIds.length; i++) {
      const cell = input.cells[i]?.[k];
      if (cell === undefined || (cell.gt.length === 0 && cell.dt.length === 0)) continue;
      prepared.push(prepareCell(cell, maxDet));
    }
    // One stable order by decreasing score over all of the category's detections (image order, then
    // each image's score order, as pycocotools concatenates them); each maxDets[m] keeps a subset of it.
    const entryCell: number[] = [];
    const entryDet: number[] = [];
    const entryScore: number[] = [];
    prepared.forEach((p, ci) => {
      p.dt.forEach((d, di) => {
        entryCell.push(ci);
        entryDet.push(di);
        entryScore.push(d.score);
      });
    });
    const order = Int32Array.from(entryScore.keys()).sort((x, y) => entryScore[y] - entryScore[x] || x - y);
    const n = order.length;
    const rankInImage = Int32Array.from(order, (entry) => entryDet[entry]);
    // Per area range: status[t * n + r] of the r-th detection in score order: 0 ignored, 1 TP, 2 FP.
    const status = new Uint8Array(T * n);
    const tp = new Float64Array(order.length);
    const fp = new Float64Array(order.length);
    const pr = new Float64Array(order.length);
    const rc = new Float64Array(order.length);
    for (let a = 0; a < A; a++) {
      const evals = prepared.map((p) => evaluateCell(p, iouThrs, areaRanges[a]));
      const npig = evals.reduce((s, e) => s + e.numGt, 0);
      if (npig === 0) continue;
      for (let r = 0; r < n; r++) {
        const entry = order[r];
        const d = entryDet[entry];
        const e = evals[entryCell[entry]];
        const D = e.scores.length;
        for (let t = 0; t < T; t++) status[t * n + r] = e.ignored[t * D + d] ? 0 : e.matched[t * D + d] ? 1 : 2;
      }
      for (let m = 0; m < M; m++) {
        const limit = maxDets[m];
        for (let t = 0; t < T; t++) {
          let tpSum = 0;
          let fpSum = 0;
          let nd = 0;
          const base = t * n;
          for (let r = 0; r < n; r++) {
            if (rankInImage[r] >= limit) continue;
            const st = status[base + r];
            if (st === 1) tpSum++;
            else if (st === 2) fpSum++;
            tp[nd] = tpSum;
            fp[nd] = fpSum;
            nd++;
          }
          for (let r = 0; r < nd; r++) {
            rc[r] = tp[r] / npig;
            pr[r] = tp[r] / (fp[r] + tp[r] + Number.EPSILON);
          }
          recall[rIndex(t, k, a, m)] = nd > 0 ? rc[nd - 1] : 0;
          for (let r = nd - 1; r > 0; r--) if (pr[r] > pr[r - 1]) pr[r - 1] = pr[r];
          // np.searchsorted(rc, recThrs, side='left'); points beyond the last recall stay 0.
          let pos = 0;
          for (let ri = 0; ri < R; ri++) {
            while (pos < nd && rc[pos] < recThrs[ri]) pos++;
            precision[pIndex(t, ri, k, a, m)] = pos < nd ? pr[pos] : 0;
          }
        }
      }
    }
  }

  const mean = (values: number[]) => {
    const valid = values.filter((v) => v > -1);
    return valid.length === 0 ? -1 : valid.reduce((s, v) => s + v, 0) / valid.length;
  };
  const tIndex = (thr: number | null) => (thr === null ? Array.from(iouThrs.keys()) : Array.from(iouThrs.keys()).filter((t) => Math.abs(iouThrs[t] - thr) < 1e-12));
  const summarize = (ap: boolean, thr: number | null, areaLabel: string, maxDetsValue: number): number => {
    const ts = tIndex(thr);
    const a = areaRanges.findIndex((r) => r.label === areaLabel);
    const m = maxDets.indexOf(maxDetsValue);
    if (ts.length === 0 || a < 0 || m < 0) return -1;
    const values: number[] = [];
    for (const t of ts)
      for (let k = 0; k < K; k++) {
        if (ap) for (let r = 0; r < R; r++) values.push(precision[pIndex(t, r, k, a, m)]);
        else values.push(recall[rIndex(t, k, a, m)]);
      }
    return mean(values);
  };
  const allLabel = areaRanges[0].label;
  const last = maxDets[M - 1];
  const specs: [string, boolean, number | null, string, number][] = [
    ['AP', true, null, allLabel, last],
    ['AP50', true, 0.5, allLabel, last],
    ['AP75', true, 0.75, allLabel, last],
    ['APs', true, null, 'small', last],
    ['APm', true, null, 'medium', last],
    ['APl', true, null, 'large', last],
    [`AR${maxDets[0]}`, false, null, allLabel, maxDets[0]],
    [`AR${maxDets[Math.min(1, M - 1)]}`, false, null, allLabel, maxDets[Math.min(1, M - 1)]],
    [`AR${last}`, false, null, allLabel, last],
    ['ARs', false, null, 'small', last],
    ['ARm', false, null, 'medium', last],
    ['ARl', false, null, 'large', last],
  ];
  const summary = specs.map(([name, ap, thr, area, md]) => ({ name, ap, iouThreshold: thr, areaRange: area, maxDets: md, value: summarize(ap, thr, area, md) }));
  const perClass = Array.from(input.categoryNames, (className, k) => {
    const values: number[] = [];
    for (let t = 0; t < T; t++) for (let r = 0; r < R; r++) values.push(precision[pIndex(t, r, k, 0, M - 1)]);
    return { className, ap: mean(values) };
  });
  return {
    stats: summary.map((s) => s.value),
    summary,
    perClass,
    precision,
    recall,
    dims: { T, R, K, A, M },
    params: { iouThresholds: iouThrs, recallThresholds: recThrs, maxDets, areaRanges },
  };
}
