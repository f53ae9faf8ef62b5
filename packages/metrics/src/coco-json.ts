import { type ClassNames, DatasetError, InvalidConfigError, ParseError, ShapeMismatchError, validateDetections, validateGroundTruth } from '@det/core';
import { type CocoArrays, evaluateCocoArrays } from './coco';
import { type CocoEvalOptions, cocoParams } from './coco-params';
import { type CocoSegmentation, segmentationToRle } from './coco-segmentation';
import type { CocoResult } from './coco-summary';
import { type Rle, rleArea } from './rle';
import type { EvalImage } from './types';

/** COCO ground-truth JSON (the fields evaluation reads). */
export interface CocoGtJson {
  /** `height` and `width` (pixels) are needed to rasterise polygon segmentations (iouType 'segm'), and mask sizes are checked against them. */
  images: { id: number | string; height?: number; width?: number }[];
  annotations: {
    id?: number;
    image_id: number | string;
    category_id: number;
    /** `[x, y, w, h]`, pixels (needed for iouType 'bbox'). */
    bbox?: number[];
    /** Polygons or an RLE (needed for iouType 'segm'). */
    segmentation?: CocoSegmentation;
    /** Area for the area ranges (the segment's area in COCO); default w·h of the bbox ('bbox') or the mask's pixel count ('segm'). */
    area?: number;
    /** 1 = crowd region; default 0. */
    iscrowd?: number | boolean;
  }[];
  categories: { id: number; name: string }[];
}

/**
 * COCO results JSON: one entry per detection, `bbox` `[x, y, w, h]` (iouType 'bbox') or `segmentation`
 * (iouType 'segm': an RLE `{ size: [height, width], counts }`, compressed counts string as
 * pycocotools' `mask.encode` and {@link rleToJson} write them; uncompressed counts and polygons are
 * read too).
 */
export type CocoResultsJson = { image_id: number | string; category_id: number; bbox?: number[]; segmentation?: CocoSegmentation; score: number }[];

function checkBbox(bbox: unknown, where: string, index: number, why = ''): number[] {
  if (!Array.isArray(bbox) || bbox.length !== 4 || !bbox.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new ParseError(`bbox must be 4 finite numbers [x, y, w, h]${why}`, { field: `${where}.bbox`, index, received: bbox });
  }
  return bbox;
}

/** Image ids sorted as Python's `sorted()` does (numbers numerically, strings by code unit); unique. */
function sortedIds(ids: (number | string)[]): (number | string)[] {
  const unique = [...new Set(ids)];
  const numbers = unique.filter((id) => typeof id === 'number');
  if (numbers.length > 0 && numbers.length < unique.length) {
    throw new DatasetError('image ids mix numbers and strings', { field: 'images.id', expected: 'all numbers or all strings' });
  }
  return numbers.length === unique.length ? (unique as number[]).sort((a, b) => a - b) : unique.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

type ImageJson = CocoGtJson['images'][number];

/** The RLE of an annotation's or result's segmentation, checked against its image's size when the image has one. */
function maskOf(segmentation: CocoSegmentation | undefined, image: ImageJson, where: string, index: number): Rle {
  const field = `${where}.segmentation`;
  if (segmentation === undefined || segmentation === null) throw new ParseError("segmentation is needed for iouType 'segm'", { field, index, expected: 'polygons or an RLE { size, counts }' });
  const known = typeof image.height === 'number' && typeof image.width === 'number';
  const rle = segmentationToRle(segmentation, known ? image.height : undefined, known ? image.width : undefined, { field, index });
  if (known && (rle.height !== image.height || rle.width !== image.width)) {
    throw new ShapeMismatchError(`mask size differs from the size of image ${JSON.stringify(image.id)}`, { field: `${field}.size`, index, expected: `[${image.height}, ${image.width}] (images[].height, width)`, received: [rle.height, rle.width] });
  }
  return rle;
}

/**
 * pycocotools `COCOeval(cocoGt, cocoGt.loadRes(results), iouType)` + evaluate + accumulate + summarize on
 * COCO JSON objects; `options.iouType` 'bbox' (default) compares `bbox`es, 'segm' `segmentation`s.
 * Images and categories are evaluated in ascending id order; objects and detections keep their JSON
 * order within an (image, category) pair. Ground truth: `area` for the area ranges (default: w·h of the
 * bbox, or the mask's pixel count for 'segm'), `iscrowd` (default 0); like pycocotools, an annotation's
 * own `ignore` field is not used (pycocotools overwrites it with `iscrowd`). Detections' area: w·h of
 * the bbox ('bbox'); for 'segm' the mask's pixel count — unless the first result has a `bbox`: then, as
 * pycocotools' `loadRes` does, every result's area is its bbox's w·h (so give segm results without
 * `bbox`, as Detectron2 does, to range them by mask area).
 * Segmentations (see {@link rleFromSegmentation}): polygons are rasterised at the image's `height` ×
 * `width`; RLE sizes must equal the image's size when the image has one (pycocotools scores a mismatch
 * as IoU −1 silently; here it is a `ShapeMismatchError`).
 * Annotations and results of categories or (annotations) images outside the ground-truth lists are
 * skipped, as pycocotools does; a result on an image that is not in the ground truth throws a
 * {@link DatasetError}, as pycocotools refuses it. An empty results list is valid (pycocotools' loadRes
 * fails on it).
 */
export function evaluateCocoJson(gt: CocoGtJson, results: CocoResultsJson, options: CocoEvalOptions = {}): CocoResult {
  if (!gt || !Array.isArray(gt.images) || !Array.isArray(gt.annotations) || !Array.isArray(gt.categories)) {
    throw new ParseError('ground truth must have images, annotations and categories arrays', { expected: 'COCO ground-truth JSON' });
  }
  if (!Array.isArray(results)) throw new ParseError('results must be an array', { expected: 'COCO results JSON' });
  const segm = cocoParams(options).iouType === 'segm'; // options checked before the data
  const imageIds = sortedIds(gt.images.map((im) => im.id));
  const imageById = new Map(gt.images.map((im) => [im.id, im]));
  const categoryById = new Map(gt.categories.map((c) => [c.id, c.name]));
  const categoryIds = [...categoryById.keys()].sort((a, b) => a - b);
  const imageIndex = new Map(imageIds.map((id, i) => [id, i]));
  const catIndex = new Map(categoryIds.map((id, k) => [id, k]));

  const gtImage: number[] = [];
  const gtCategory: number[] = [];
  const gtBoxes: number[] = [];
  const gtMasks: Rle[] = [];
  const gtArea: number[] = [];
  const gtCrowd: number[] = [];
  gt.annotations.forEach((a, n) => {
    const i = imageIndex.get(a.image_id);
    const k = catIndex.get(a.category_id);
    if (i === undefined || k === undefined) return;
    let area = a.area;
    if (segm) {
      const rle = maskOf(a.segmentation, imageById.get(a.image_id) as ImageJson, 'annotations', n);
      gtMasks.push(rle);
      area ??= rleArea(rle);
    } else {
      const bbox = checkBbox(a.bbox, 'annotations', n);
      gtBoxes.push(bbox[0], bbox[1], bbox[2], bbox[3]);
      area ??= bbox[2] * bbox[3];
    }
    if (typeof area !== 'number' || Number.isNaN(area)) throw new ParseError('area must be a number', { field: 'annotations.area', index: n, received: a.area });
    gtImage.push(i);
    gtCategory.push(k);
    gtArea.push(area);
    gtCrowd.push(a.iscrowd ? 1 : 0);
  });
  // pycocotools' loadRes takes the branch of the first result: with a bbox, every area is the bbox's w·h
  const first = results[0] as CocoResultsJson[number] | undefined;
  const areaFromBbox = segm && first !== undefined && Array.isArray(first.bbox) && first.bbox.length > 0;
  const dtImage: number[] = [];
  const dtCategory: number[] = [];
  const dtBoxes: number[] = [];
  const dtMasks: Rle[] = [];
  const dtArea: number[] = [];
  const dtScores: number[] = [];
  results.forEach((r, n) => {
    const i = imageIndex.get(r.image_id);
    if (i === undefined) {
      throw new DatasetError('result refers to an image that is not in the ground truth', { field: 'results.image_id', index: n, received: r.image_id });
    }
    const k = catIndex.get(r.category_id);
    if (k === undefined) return;
    if (typeof r.score !== 'number' || !Number.isFinite(r.score)) throw new ParseError('score must be a finite number', { field: 'results.score', index: n, received: r.score });
    if (segm) {
      const rle = maskOf(r.segmentation, imageById.get(r.image_id) as ImageJson, 'results', n);
      dtMasks.push(rle);
      if (areaFromBbox) {
        const bbox = checkBbox(r.bbox, 'results', n, " (results[0] has a bbox, so, as pycocotools' loadRes, every result's area is its bbox's w·h)");
        dtArea.push(bbox[2] * bbox[3]);
      } else dtArea.push(rleArea(rle));
    } else {
      const bbox = checkBbox(r.bbox, 'results', n);
      dtBoxes.push(bbox[0], bbox[1], bbox[2], bbox[3]);
    }
    dtImage.push(i);
    dtCategory.push(k);
    dtScores.push(r.score);
  });
  return evaluateCocoArrays(
    {
      numImages: imageIds.length,
      categoryNames: categoryIds.map((id) => categoryById.get(id) as string),
      gt: {
        image: Int32Array.from(gtImage),
        category: Int32Array.from(gtCategory),
        ...(segm ? { masks: gtMasks } : { boxes: Float64Array.from(gtBoxes) }),
        area: Float64Array.from(gtArea),
        iscrowd: Uint8Array.from(gtCrowd),
      },
      dt: {
        image: Int32Array.from(dtImage),
        category: Int32Array.from(dtCategory),
        ...(segm ? { masks: dtMasks, area: Float64Array.from(dtArea) } : { boxes: Float64Array.from(dtBoxes) }),
        scores: Float64Array.from(dtScores),
      },
    },
    options,
  );
}

export interface CocoImagesOptions extends CocoEvalOptions {
  /** Category names; labels index them. */
  classNames: ClassNames;
  /** Treat VOC `difficult` objects as ignored regions (matched once, neither TP nor FP, not in recall). Default false. */
  ignoreDifficult?: boolean;
}

/**
 * COCO AP/AR (pycocotools semantics, see {@link evaluateCocoArrays}) for {@link EvalImage}s: boxes
 * `xyxy` pixels (continuous: w = x2 − x1), labels 0-based into `classNames`. Images are evaluated in
 * the given order; ground-truth area for the area ranges is the box area; `groundTruth.iscrowd` marks
 * crowd regions.
 */
export function evaluateCoco(images: readonly EvalImage[], options: CocoImagesOptions): CocoResult {
  const classNames = options?.classNames;
  if ((options?.iouType ?? 'bbox') !== 'bbox') {
    throw new InvalidConfigError('evaluateCoco scores boxes; score masks with evaluateCocoJson or evaluateCocoArrays', { field: 'iouType', expected: "'bbox'", received: options.iouType });
  }
  if (!Array.isArray(classNames)) throw new InvalidConfigError('classNames is required', { field: 'classNames', expected: 'an array of category names' });
  const K = classNames.length;
  let G = 0;
  let D = 0;
  const seen = new Set<string>();
  images.forEach((im, i) => {
    if (seen.has(im.id)) throw new DatasetError('image id appears twice', { field: 'images', index: i, received: im.id });
    seen.add(im.id);
    validateGroundTruth(im.groundTruth, { numClasses: K, name: `images[${i}].groundTruth` });
    validateDetections(im.detections, { numClasses: K, name: `images[${i}].detections` });
    G += im.groundTruth.labels.length;
    D += im.detections.labels.length;
  });
  const input: CocoArrays & { gt: { boxes: Float64Array }; dt: { boxes: Float64Array } } = {
    numImages: images.length,
    categoryNames: classNames,
    gt: { image: new Int32Array(G), category: new Int32Array(G), boxes: new Float64Array(4 * G), area: new Float64Array(G), iscrowd: new Uint8Array(G), ignore: new Uint8Array(G) },
    dt: { image: new Int32Array(D), category: new Int32Array(D), boxes: new Float64Array(4 * D), scores: new Float64Array(D) },
  };
  let g = 0;
  let d = 0;
  images.forEach((im, i) => {
    const { boxes, labels, iscrowd, difficult } = im.groundTruth;
    for (let j = 0; j < labels.length; j++, g++) {
      const w = boxes[4 * j + 2] - boxes[4 * j];
      const h = boxes[4 * j + 3] - boxes[4 * j + 1];
      input.gt.image[g] = i;
      input.gt.category[g] = labels[j];
      input.gt.boxes.set([boxes[4 * j], boxes[4 * j + 1], w, h], 4 * g);
      input.gt.area[g] = w * h;
      input.gt.iscrowd[g] = iscrowd?.[j] ? 1 : 0;
      (input.gt.ignore as Uint8Array)[g] = options.ignoreDifficult && difficult[j] ? 1 : 0;
    }
    const det = im.detections;
    for (let j = 0; j < det.labels.length; j++, d++) {
      input.dt.image[d] = i;
      input.dt.category[d] = det.labels[j];
      input.dt.boxes.set([det.boxes[4 * j], det.boxes[4 * j + 1], det.boxes[4 * j + 2] - det.boxes[4 * j], det.boxes[4 * j + 3] - det.boxes[4 * j + 1]], 4 * d);
      input.dt.scores[d] = det.scores[j];
    }
  });
  return evaluateCocoArrays(input, options);
}
