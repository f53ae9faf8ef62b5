import { intersectionArea, iouFromAreas } from '@det/boxes';
import { type ClassNames, InvalidBoxError, InvalidLabelError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { allRangeIndex, type CocoEvalOptions, type CocoIouType, type CocoParams, cocoParams } from './coco-params';
import { type CocoResult, summarizeCoco } from './coco-summary';
import { extentsOverlap, type RleExtents, rleExtents, rlePairIou } from './mask-iou';
import { checkRle, type Rle, rleArea } from './rle';

/**
 * COCO evaluation input as flat typed arrays: every ground-truth object and every detection with its
 * image and category index. Boxes are COCO's `[x, y, w, h]`, pixels, continuous coordinates; masks are
 * {@link Rle}s (pycocotools' run-length encoding), all masks of one image of one size.
 * `boxes` are what `iouType: 'bbox'` (the default) compares and `masks` what `iouType: 'segm'`
 * compares; only those of the chosen type are needed (and read).
 * Order matters as in pycocotools: within an (image, category) pair, objects and detections keep
 * their order here (detections with equal scores keep it); images are evaluated in index order.
 */
export interface CocoArrays {
  numImages: number;
  /** Category names; their number is the category count. */
  categoryNames: ClassNames;
  gt: {
    /** [G] image index in [0, numImages). */
    image: Int32Array;
    /** [G] category index in [0, categoryNames.length). */
    category: Int32Array;
    /** [G*4] `[x, y, w, h]` (iouType 'bbox'). */
    boxes?: Float64Array | Float32Array;
    /** [G] masks (iouType 'segm'). */
    masks?: readonly Rle[];
    /** [G] area used for the area ranges (COCO: the annotation's `area`, the segment's area). */
    area: Float64Array | Float32Array;
    /** [G] 1 = crowd region: IoU = intersection / detection area (boxes or pixels), matched any number of times, ignored. */
    iscrowd: Uint8Array;
    /** [G] optional: 1 = ignored (matches are neither TP nor FP, not counted in recall), matched once. */
    ignore?: Uint8Array;
  };
  dt: {
    image: Int32Array;
    category: Int32Array;
    /** [D*4] `[x, y, w, h]` (iouType 'bbox'). */
    boxes?: Float64Array | Float32Array;
    /** [D] masks (iouType 'segm'). */
    masks?: readonly Rle[];
    scores: Float64Array | Float32Array;
    /** [D] optional: the detection's area for the area ranges. Default: w·h of its box ('bbox'), its mask's pixel count ('segm'). */
    area?: Float64Array | Float32Array;
  };
}

/** Stable counting sort of items by key in [0, numKeys): returns CSR offsets [numKeys + 1] and the order. */
function groupByKey(keys: Int32Array, numKeys: number): { offsets: Int32Array; order: Int32Array } {
  const offsets = new Int32Array(numKeys + 1);
  for (let i = 0; i < keys.length; i++) offsets[keys[i] + 1]++;
  for (let k = 0; k < numKeys; k++) offsets[k + 1] += offsets[k];
  const fill = offsets.slice(0, numKeys);
  const order = new Int32Array(keys.length);
  for (let i = 0; i < keys.length; i++) order[fill[keys[i]]++] = i;
  return { offsets, order };
}

function checkArrays(input: CocoArrays, iouType: CocoIouType): void {
  const K = input.categoryNames.length;
  const N = input.numImages;
  for (const [part, p] of [['gt', input.gt], ['dt', input.dt]] as const) {
    const n = p.image.length;
    const lengths: [string, number | undefined, number][] = [['category', p.category.length, n]];
    if (iouType === 'bbox') lengths.push(['boxes', p.boxes?.length, 4 * n]);
    else lengths.push(['masks', p.masks?.length, n]);
    if (part === 'gt') {
      lengths.push(['area', input.gt.area.length, n], ['iscrowd', input.gt.iscrowd.length, n]);
      if (input.gt.ignore) lengths.push(['ignore', input.gt.ignore.length, n]);
    } else {
      lengths.push(['scores', input.dt.scores.length, n]);
      if (input.dt.area) lengths.push(['area', input.dt.area.length, n]);
    }
    for (const [field, got, want] of lengths) {
      if (got === undefined) throw new ShapeMismatchError(`${part}.${field} is needed for iouType '${iouType}'`, { field: `${part}.${field}`, expected: `${want} entries` });
      if (got !== want) throw new ShapeMismatchError(`${part}.${field} has ${got} entries`, { field: `${part}.${field}`, expected: `${want} entries` });
    }
    for (let i = 0; i < n; i++) {
      if (!(p.image[i] >= 0 && p.image[i] < N)) throw new InvalidLabelError('image index out of range', { field: `${part}.image`, index: i, expected: `[0, ${N - 1}]`, received: p.image[i] });
      if (!(p.category[i] >= 0 && p.category[i] < K)) throw new InvalidLabelError('category index out of range', { field: `${part}.category`, index: i, expected: `[0, ${K - 1}]`, received: p.category[i] });
      const b = p.boxes;
      if (iouType === 'bbox' && b && !(Number.isFinite(b[4 * i]) && Number.isFinite(b[4 * i + 1]) && Number.isFinite(b[4 * i + 2]) && Number.isFinite(b[4 * i + 3]))) {
        throw new InvalidBoxError('box is not finite', { field: `${part}.boxes`, index: i, received: Array.from(b.subarray(4 * i, 4 * i + 4)) });
      }
    }
  }
  for (let i = 0; i < input.dt.scores.length; i++) {
    if (!Number.isFinite(input.dt.scores[i])) throw new NotFiniteError('score is not finite', { field: 'dt.scores', index: i, received: input.dt.scores[i] });
  }
  for (const [part, area] of [['gt', input.gt.area], ['dt', input.dt.area]] as const) {
    for (let i = 0; area && i < area.length; i++) {
      if (Number.isNaN(area[i])) throw new NotFiniteError('area is NaN', { field: `${part}.area`, index: i });
    }
  }
  if (iouType === 'segm') checkMaskSizes(input);
}

/** Every mask is a valid RLE, and all masks of an image (ground truth and detections) have one size. */
function checkMaskSizes(input: CocoArrays): void {
  const size = new Int32Array(2 * input.numImages).fill(-1);
  const first: string[] = [];
  for (const part of ['gt', 'dt'] as const) {
    const { image, masks } = input[part];
    (masks as readonly Rle[]).forEach((r, i) => {
      checkRle(r, { field: `${part}.masks`, index: i });
      const im = image[i];
      if (size[2 * im] === -1) {
        size[2 * im] = r.height;
        size[2 * im + 1] = r.width;
        first[im] = `${part}.masks[${i}]`;
      } else if (size[2 * im] !== r.height || size[2 * im + 1] !== r.width) {
        throw new ShapeMismatchError(`mask size differs from the other masks of image ${im}`, { field: `${part}.masks`, index: i, expected: `[${size[2 * im]}, ${size[2 * im + 1]}] as ${first[im]}`, received: [r.height, r.width] });
      }
    });
  }
}

/** The detections' areas for the area ranges: given, or w·h of the box ('bbox'), or the mask's pixel count ('segm'). */
function detectionAreas(dt: CocoArrays['dt'], iouType: CocoIouType): Float64Array {
  if (dt.area) return Float64Array.from(dt.area);
  const D = dt.scores.length;
  const area = new Float64Array(D);
  if (iouType === 'segm') for (let d = 0; d < D; d++) area[d] = rleArea((dt.masks as readonly Rle[])[d]);
  else for (let d = 0; d < D; d++) area[d] = (dt.boxes as Float64Array)[4 * d + 2] * (dt.boxes as Float64Array)[4 * d + 3];
  return area;
}

/**
 * COCO box or mask AP/AR with pycocotools `COCOeval` semantics (`iouType='bbox'` or `'segm'`: evaluate,
 * accumulate, summarize) on {@link CocoArrays}. Per image and category:
 * - detections by decreasing score (stable), at most the largest maxDets;
 * - IoU: 'bbox' from @det/boxes' intersection, 'segm' from the RLEs' pixel counts as pycocotools'
 *   `maskUtils.iou` (crowd objects: intersection / detection area);
 * - per area range, objects that are crowd, flagged `ignore`, or whose `area` lies outside the range are
 *   ignored and sorted last (stable); per IoU threshold, each detection in score order takes the
 *   unmatched object (crowd: any) with the largest IoU ≥ threshold, preferring non-ignored ones;
 *   detections matched to ignored objects, and unmatched ones whose area (`dt.area`, default w·h of the
 *   box for 'bbox', pixel count of the mask for 'segm') lies outside the range, are ignored.
 * Per category, area range and maxDets: detections of all images by decreasing score (stable, image
 * order), precision/recall accumulated, precision made non-increasing from the right and read at the
 * recall points with `searchsorted(side='left')` (0 past the last recall); −1 where a category has no
 * non-ignored object. Summary: see {@link summarizeCoco} (custom maxDets work, unlike pycocotools).
 */
export function evaluateCocoArrays(input: CocoArrays, options: CocoEvalOptions = {}): CocoResult {
  const params = cocoParams(options);
  const segm = params.iouType === 'segm';
  checkArrays(input, params.iouType);
  const { iouThresholds: iouThrs, recallThresholds: recThrs, maxDets, areaRanges } = params;
  const T = iouThrs.length;
  const R = recThrs.length;
  const K = input.categoryNames.length;
  const A = areaRanges.length;
  const M = maxDets.length;
  const N = input.numImages;
  const maxDet = maxDets[M - 1];
  const precision = new Float64Array(T * R * K * A * M).fill(-1);
  const recall = new Float64Array(T * K * A * M).fill(-1);
  const nposAll = new Int32Array(K);
  const allIndex = allRangeIndex(areaRanges);

  const { gt, dt } = input;
  const dtArea = detectionAreas(dt, params.iouType);
  const gtBoxes = gt.boxes as Float64Array;
  const dtBoxes = dt.boxes as Float64Array;
  const gtMasks = gt.masks as readonly Rle[];
  const dtMasks = dt.masks as readonly Rle[];
  const gtExtents: RleExtents | undefined = segm ? rleExtents(gtMasks) : undefined;
  const dtExtents: RleExtents | undefined = segm ? rleExtents(dtMasks) : undefined;
  const gtKey = new Int32Array(gt.image.length);
  for (let g = 0; g < gtKey.length; g++) gtKey[g] = gt.category[g] * N + gt.image[g];
  const dtKey = new Int32Array(dt.image.length);
  for (let d = 0; d < dtKey.length; d++) dtKey[d] = dt.category[d] * N + dt.image[d];
  const gtCells = groupByKey(gtKey, K * N);
  const dtCells = groupByKey(dtKey, K * N);
  const dtCount = new Int32Array(K);
  for (let d = 0; d < dtKey.length; d++) dtCount[dt.category[d]]++;
  // Thresholds as pycocotools compares them: iou = min(t, 1 − 1e-10).
  const thr = Float64Array.from(iouThrs, (t) => Math.min(t, 1 - 1e-10));

  // Scratch buffers, grown as needed.
  let ious = new Float64Array(64);
  let cellDt = new Int32Array(64);
  let gtOrder = new Int32Array(16);
  let gtIg = new Uint8Array(16);
  let gtTaken = new Uint8Array(16);

  for (let k = 0; k < K; k++) {
    const cap = Math.min(dtCount[k], N * maxDet);
    const entryScore = new Float64Array(cap);
    const entryRank = new Int32Array(cap);
    // status[(a * T + t) * cap + e]: 0 ignored, 1 TP, 2 FP.
    const status = new Uint8Array(A * T * cap);
    const npig = new Int32Array(A);
    let n = 0;
    for (let i = 0; i < N; i++) {
      const cell = k * N + i;
      const g0 = gtCells.offsets[cell];
      const G = gtCells.offsets[cell + 1] - g0;
      const d0 = dtCells.offsets[cell];
      const Dall = dtCells.offsets[cell + 1] - d0;
      if (G === 0 && Dall === 0) continue;
      // The cell's detections by decreasing score, stable, cut at maxDet.
      if (cellDt.length < Dall) cellDt = new Int32Array(2 * Dall);
      for (let j = 0; j < Dall; j++) cellDt[j] = dtCells.order[d0 + j];
      stableSortByScoreDesc(cellDt, Dall, dt.scores);
      const D = Math.min(Dall, maxDet);
      for (let j = 0; j < D; j++) {
        entryScore[n + j] = dt.scores[cellDt[j]];
        entryRank[n + j] = j;
      }
      if (G === 0) {
        // No objects: every kept detection is a FP unless its area is outside the range.
        for (let a = 0; a < A; a++) {
          const { min, max } = areaRanges[a];
          for (let j = 0; j < D; j++) {
            const area = dtArea[cellDt[j]];
            const st = area < min || area > max ? 0 : 2;
            for (let t = 0; t < T; t++) status[(a * T + t) * cap + n + j] = st;
          }
        }
        n += D;
        continue;
      }
      if (ious.length < D * G) ious = new Float64Array(2 * D * G);
      if (segm) {
        const de = dtExtents as RleExtents;
        const ge = gtExtents as RleExtents;
        for (let j = 0; j < D; j++) {
          const d = cellDt[j];
          for (let q = 0; q < G; q++) {
            const g = gtCells.order[g0 + q];
            ious[j * G + q] = extentsOverlap(de.boxes, d, ge.boxes, g) ? rlePairIou(dtMasks[d].counts, gtMasks[g].counts, gt.iscrowd[g] !== 0, de.areas[d]) : 0;
          }
        }
      } else {
        for (let j = 0; j < D; j++) {
          const d = cellDt[j];
          const dx = dtBoxes[4 * d];
          const dy = dtBoxes[4 * d + 1];
          const dw = dtBoxes[4 * d + 2];
          const dh = dtBoxes[4 * d + 3];
          const da = dw * dh;
          for (let q = 0; q < G; q++) {
            const g = gtCells.order[g0 + q];
            const gx = gtBoxes[4 * g];
            const gy = gtBoxes[4 * g + 1];
            const gw = gtBoxes[4 * g + 2];
            const gh = gtBoxes[4 * g + 3];
            const inter = intersectionArea(dx, dy, dx + dw, dy + dh, gx, gy, gx + gw, gy + gh);
            ious[j * G + q] = inter <= 0 ? 0 : gt.iscrowd[g] ? inter / da : iouFromAreas(inter, da, gw * gh);
          }
        }
      }
      if (gtOrder.length < G) {
        gtOrder = new Int32Array(2 * G);
        gtIg = new Uint8Array(2 * G);
        gtTaken = new Uint8Array(2 * G);
      }
      for (let a = 0; a < A; a++) {
        const { min, max } = areaRanges[a];
        // Objects with ignored ones last (stable): gtOrder holds cell positions q.
        let front = 0;
        for (let q = 0; q < G; q++) {
          const g = gtCells.order[g0 + q];
          const ignored = gt.iscrowd[g] || gt.ignore?.[g] || gt.area[g] < min || gt.area[g] > max;
          if (!ignored) {
            gtOrder[front] = q;
            gtIg[front++] = 0;
          }
        }
        npig[a] += front;
        if (a === allIndex) nposAll[k] += front;
        let back = front;
        for (let q = 0; q < G; q++) {
          const g = gtCells.order[g0 + q];
          const ignored = gt.iscrowd[g] || gt.ignore?.[g] || gt.area[g] < min || gt.area[g] > max;
          if (ignored) {
            gtOrder[back] = q;
            gtIg[back++] = 1;
          }
        }
        for (let t = 0; t < T; t++) {
          gtTaken.fill(0, 0, G);
          const row = (a * T + t) * cap + n;
          for (let j = 0; j < D; j++) {
            let best = thr[t];
            let m = -1;
            for (let s = 0; s < G; s++) {
              const q = gtOrder[s];
              if (gtTaken[s] && !gt.iscrowd[gtCells.order[g0 + q]]) continue;
              if (m > -1 && gtIg[m] === 0 && gtIg[s] === 1) break;
              const v = ious[j * G + q];
              if (v < best) continue;
              best = v;
              m = s;
            }
            if (m === -1) {
              const area = dtArea[cellDt[j]];
              status[row + j] = area < min || area > max ? 0 : 2;
            } else {
              gtTaken[m] = 1;
              status[row + j] = gtIg[m] ? 0 : 1;
            }
          }
        }
      }
      n += D;
    }
    accumulateCategory(k, n, cap, entryScore, entryRank, status, npig, params, K, precision, recall);
  }
  return summarizeCoco({ precision, recall, params, categoryNames: [...input.categoryNames], npos: nposAll });
}

/** Insertion/merge hybrid: sorts `idx[0 … n)` by decreasing `scores[idx]`, equal scores keeping their order. */
function stableSortByScoreDesc(idx: Int32Array, n: number, scores: ArrayLike<number>): void {
  if (n < 2) return;
  if (n <= 32) {
    for (let i = 1; i < n; i++) {
      const item = idx[i];
      const s = scores[item];
      let j = i;
      while (j > 0 && scores[idx[j - 1]] < s) {
        idx[j] = idx[j - 1];
        j--;
      }
      idx[j] = item;
    }
    return;
  }
  const sorted = Array.from(idx.subarray(0, n)).map((item, pos) => ({ item, pos }));
  sorted.sort((x, y) => scores[y.item] - scores[x.item] || x.pos - y.pos);
  for (let i = 0; i < n; i++) idx[i] = sorted[i].item;
}

function accumulateCategory(
  k: number,
  n: number,
  cap: number,
  entryScore: Float64Array,
  entryRank: Int32Array,
  status: Uint8Array,
  npig: Int32Array,
  params: CocoParams,
  K: number,
  precision: Float64Array,
  recall: Float64Array,
): void {
  const { iouThresholds, recallThresholds: recThrs, maxDets, areaRanges } = params;
  const T = iouThresholds.length;
  const R = recThrs.length;
  const A = areaRanges.length;
  const M = maxDets.length;
  // All of the category's detections by decreasing score; ties keep image order, then rank (mergesort).
  const order = new Int32Array(n);
  for (let e = 0; e < n; e++) order[e] = e;
  order.sort((x, y) => entryScore[y] - entryScore[x] || x - y);
  const rank = new Int32Array(n);
  for (let r = 0; r < n; r++) rank[r] = entryRank[order[r]];
  const sorted = new Uint8Array(n);
  const rc = new Float64Array(n);
  const pr = new Float64Array(n);
  for (let a = 0; a < A; a++) {
    if (npig[a] === 0) continue;
    for (let t = 0; t < T; t++) {
      const row = (a * T + t) * cap;
      for (let r = 0; r < n; r++) sorted[r] = status[row + order[r]];
      for (let m = 0; m < M; m++) {
        const limit = maxDets[m];
        let tpSum = 0;
        let fpSum = 0;
        let nd = 0;
        for (let r = 0; r < n; r++) {
          const st = sorted[r];
          // ignored detections (0) change neither sum: pycocotools keeps a repeated point, same result
          if (st === 0 || rank[r] >= limit) continue;
          if (st === 1) tpSum++;
          else fpSum++;
          rc[nd] = tpSum / npig[a];
          pr[nd] = tpSum / (fpSum + tpSum + Number.EPSILON);
          nd++;
        }
        recall[((t * K + k) * A + a) * M + m] = nd > 0 ? rc[nd - 1] : 0;
        // precision[r] = max(pr[pos…]) with pos = np.searchsorted(rc, recThrs[r], side='left'); 0 past the end.
        let pos = nd;
        let best = 0;
        for (let ri = R - 1; ri >= 0; ri--) {
          while (pos > 0 && rc[pos - 1] >= recThrs[ri]) {
            pos--;
            if (pr[pos] > best) best = pr[pos];
          }
          precision[(((t * R + ri) * K + k) * A + a) * M + m] = pos < nd ? best : 0;
        }
      }
    }
  }
}
