import { DatasetError, ParseError } from '@det/core';
import { type CocoCell, type CocoEvalOptions, type CocoResult, evaluateCocoCells } from './coco';
import type { EvalImage } from './types';

/** COCO ground-truth JSON (the fields evaluation reads). */
export interface CocoGtJson {
  images: { id: number | string }[];
  annotations: { id?: number; image_id: number | string; category_id: number; bbox: number[]; area?: number; iscrowd?: number }[];
  categories: { id: number; name: string }[];
}

/** COCO results JSON: one entry per detection. */
export type CocoResultsJson = { image_id: number | string; category_id: number; bbox: number[]; score: number }[];

function checkBbox(bbox: unknown, where: string, index: number): number[] {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ParseError('bbox must be 4 finite numbers [x, y, w, h]', { field: `${where}[${index}].bbox`, received: bbox });
  }
  return bbox;
}

/**
 * pycocotools COCOeval (bbox) from COCO JSON objects: images and categories in ascending id order,
 * ground-truth `area` and `iscrowd` from the annotations, detection area = w·h (as `loadRes`).
 * Results on images that are not in the ground truth throw a DatasetError, as pycocotools refuses them.
 */
export function evaluateCocoJson(gt: CocoGtJson, results: CocoResultsJson, options: CocoEvalOptions = {}): CocoResult {
  if (!gt || !Array.isArray(gt.images) || !Array.isArray(gt.annotations) || !Array.isArray(gt.categories)) {
    throw new ParseError('ground truth must have images, annotations and categories arrays', { expected: 'COCO ground-truth JSON' });
  }
  if (!Array.isArray(results)) throw new ParseError('results must be an array', { expected: 'COCO results JSON' });
  const sortIds = <T extends number | string>(ids: T[]) => [...ids].sort((a, b) => (typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b))));
  const imageIds = sortIds(gt.images.map((i) => i.id));
  const categories = [...gt.categories].sort((a, b) => a.id - b.id);
  const imageIndex = new Map(imageIds.map((id, i) => [id, i]));
  const catIndex = new Map(categories.map((c, k) => [c.id, k]));
  const cells: (CocoCell | undefined)[][] = imageIds.map(() => []);
  const cellOf = (i: number, k: number) => {
    let c = cells[i][k];
    if (c === undefined) {
      c = { gt: [], dt: [] };
      cells[i][k] = c;
    }
    return c;
  };
  gt.annotations.forEach((a, n) => {
    const i = imageIndex.get(a.image_id);
    const k = catIndex.get(a.category_id);
    if (i === undefined || k === undefined) return; // pycocotools evaluates only listed images and categories
    const bbox = checkBbox(a.bbox, 'annotations', n);
    cellOf(i, k).gt.push({ bbox, area: a.area ?? bbox[2] * bbox[3], iscrowd: a.iscrowd ?? 0 });
  });
  results.forEach((r, n) => {
    const i = imageIndex.get(r.image_id);
    if (i === undefined) {
      throw new DatasetError('result refers to an image that is not in the ground truth', { field: `results[${n}].image_id`, received: r.image_id });
    }
    const k = catIndex.get(r.category_id);
    if (k === undefined) return;
    if (typeof r.score !== 'number' || Number.isNaN(r.score)) throw new ParseError('score must be a number', { field: `results[${n}].score`, received: r.score });
    cellOf(i, k).dt.push({ bbox: checkBbox(r.bbox, 'results', n), score: r.score });
  });
  return evaluateCocoCells({ imageIds, categoryNames: categories.map((c) => c.name), cells }, options);
}

/**
 * COCO AP/AR for {@link EvalImage}s (boxes `xyxy` pixels, labels index `classNames`). Ground-truth
 * areas are box areas; `groundTruth.iscrowd` marks crowd regions (VOC "difficult" is not crowd).
 */
export function evaluateCoco(images: readonly EvalImage[], options: CocoEvalOptions & { classNames: readonly string[] }): CocoResult {
  const K = options.classNames.length;
  const xywh = (b: Float32Array, j: number) => [b[4 * j], b[4 * j + 1], b[4 * j + 2] - b[4 * j], b[4 * j + 3] - b[4 * j + 1]];
  const cells = images.map((image) => {
    const row: (CocoCell | undefined)[] = Array.from({ length: K }, () => ({ gt: [], dt: [] }));
    const g = image.groundTruth;
    for (let j = 0; j < g.labels.length; j++) row[g.labels[j]]!.gt.push({ bbox: xywh(g.boxes, j), iscrowd: g.iscrowd?.[j] ?? 0 });
    const d = image.detections;
    for (let j = 0; j < d.labels.length; j++) row[d.labels[j]]!.dt.push({ bbox: xywh(d.boxes, j), score: d.scores[j] });
    return row;
  });
  return evaluateCocoCells({ imageIds: images.map((i) => i.id), categoryNames: options.classNames, cells }, options);
}
