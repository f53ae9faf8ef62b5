import { join } from 'node:path';
import { readImage } from '@det/data';
import { instanceTargetsFromVoc, type MaskRCNN, type MaskRcnnConfig, type RcnnDetections, type RcnnPixels, type RcnnTarget } from '@det/mask-rcnn';
import { type CocoArrays, type CocoResult, evaluateCocoArrays, rleArea, rleEncode } from '@det/metrics';
import { loadVocDataset, loadVocSegmentation } from '@det/voc';

/** One image of an instance-segmentation split: RGB pixels in [0, 1] and its Mask R-CNN target. */
export interface InstanceSample {
  id: string;
  /** `JPEGImages/<id>.jpg`. */
  path: string;
  image: RcnnPixels & { data: Float32Array };
  /** Boxes `xyxy` in pixel edges, labels 1 … C (0 = background), one mask [H·W] per object. */
  target: RcnnTarget & { masks: Uint8Array[] };
  /** [G] VOC's difficult flags (ignored by {@link evaluateInstances}). */
  difficult: Uint8Array;
}

/** An image file decoded as the R-CNN models take it: RGB floats in [0, 1] (8-bit values / 255), HWC. */
export async function readUnitImage(path: string): Promise<RcnnPixels & { data: Float32Array }> {
  const pixels = await readImage(path);
  return { data: Float32Array.from(pixels.data, (v) => v / 255), width: pixels.width, height: pixels.height };
}

/** A Mask R-CNN folder's class names, background first (`class0`, `class1`, … where the config has none). */
export function maskRcnnClassNames(config: MaskRcnnConfig): string[] {
  return config.classes ?? ['background', ...Array.from({ length: config.numClasses - 1 }, (_, i) => `class${i}`)];
}

/** The detections of `det` scoring above `minScore`, in order (boxes, labels, scores and masks kept together). */
export function detectionsAbove(det: RcnnDetections, minScore: number): RcnnDetections & { masks: Uint8Array[] } {
  const keep = Array.from(det.scores.keys()).filter((k) => det.scores[k] > minScore);
  return {
    boxes: Float32Array.from(keep.flatMap((k) => Array.from(det.boxes.subarray(4 * k, 4 * k + 4)))),
    labels: Int32Array.from(keep, (k) => det.labels[k]),
    scores: Float32Array.from(keep, (k) => det.scores[k]),
    masks: keep.map((k) => det.masks![k]),
    height: det.height,
    width: det.width,
  };
}

/**
 * Loads a VOC-layout instance split — `ImageSets/Segmentation/<set>.txt`, `Annotations/<id>.xml` (boxes, classes)
 * and `SegmentationObject/<id>.png` (the k-th `<object>` = value k; 255 boundary, no object) — decoded into memory
 * (4 bytes per pixel and channel). Errors name the file (see @det/voc).
 */
export async function loadVocInstances(root: string, { set, classNames }: { set: string; classNames: readonly string[] }): Promise<InstanceSample[]> {
  const [segmentation, detection] = await Promise.all([
    loadVocSegmentation(root, { set, classNames, masks: 'object' }),
    loadVocDataset(root, { imageSetFile: join(root, 'ImageSets', 'Segmentation', `${set}.txt`), classNames }),
  ]);
  const objectMasks = new Map(segmentation.records.map((r) => [r.id, r]));
  return Promise.all(
    detection.records.map(async (record) => {
      const image = await readUnitImage(record.path);
      const seg = objectMasks.get(record.id)!;
      // An instance value without its <object> is reported with the SegmentationObject file and the pixel index.
      const target = instanceTargetsFromVoc(seg.objectMask!, record.groundTruth, { file: seg.objectMaskPath }) as InstanceSample['target'];
      return { id: record.id, path: record.path, image, target, difficult: record.groundTruth.difficult };
    }),
  );
}

/** {@link evaluateInstances}'s result: COCO mask AP ('segm') and box AP ('bbox'), and the detections of the first `keep` images. */
export interface InstanceScores {
  segm: CocoResult;
  bbox: CocoResult;
  detections: (RcnnDetections & { id: string })[];
}

/**
 * COCO evaluation (pycocotools' rules, @det/metrics) of a Mask R-CNN (run in eval mode, one image at a time) on
 * `samples`: masks as RLEs of the binary pasted masks, boxes `xywh`; difficult objects are "ignore" (matched without
 * counting, as VOC). `classNames` are the foreground classes (label l ↔ classNames[l − 1]).
 */
export function evaluateInstances(model: MaskRCNN, samples: readonly InstanceSample[], { classNames, keep = 0 }: { classNames: readonly string[]; keep?: number }): InstanceScores {
  const gt = { image: [] as number[], category: [] as number[], boxes: [] as number[], masks: [] as ReturnType<typeof rleEncode>[], area: [] as number[], ignore: [] as number[] };
  const dt = { image: [] as number[], category: [] as number[], boxes: [] as number[], masks: [] as ReturnType<typeof rleEncode>[], scores: [] as number[] };
  const detections: InstanceScores['detections'] = [];
  const xywh = (b: ArrayLike<number>, k: number) => [b[4 * k], b[4 * k + 1], b[4 * k + 2] - b[4 * k], b[4 * k + 3] - b[4 * k + 1]];
  const wasTraining = model.training;
  model.eval();
  try {
    samples.forEach((sample, n) => {
      const { width: w, height: h } = sample.image;
      const { boxes, labels, masks } = sample.target;
      labels.forEach((label, g) => {
        const rle = rleEncode(masks[g], h, w);
        gt.image.push(n);
        gt.category.push(label - 1);
        gt.boxes.push(...xywh(boxes, g));
        gt.masks.push(rle);
        gt.area.push(rleArea(rle));
        gt.ignore.push(sample.difficult[g] ? 1 : 0);
      });
      const [det] = model.forward([sample.image]);
      det.labels.forEach((label, k) => {
        dt.image.push(n);
        dt.category.push(label - 1);
        dt.boxes.push(...xywh(det.boxes, k));
        dt.masks.push(rleEncode(det.masks![k], h, w));
        dt.scores.push(det.scores[k]);
      });
      if (n < keep) detections.push({ id: sample.id, ...det });
    });
  } finally {
    model.train(wasTraining);
  }
  const arrays = (iouType: 'segm' | 'bbox'): CocoArrays => ({
    numImages: samples.length,
    categoryNames: classNames,
    gt: {
      image: Int32Array.from(gt.image),
      category: Int32Array.from(gt.category),
      ...(iouType === 'bbox' ? { boxes: Float64Array.from(gt.boxes) } : { masks: gt.masks }),
      area: Float64Array.from(gt.area),
      iscrowd: new Uint8Array(gt.image.length),
      ignore: Uint8Array.from(gt.ignore),
    },
    dt: {
      image: Int32Array.from(dt.image),
      category: Int32Array.from(dt.category),
      ...(iouType === 'bbox' ? { boxes: Float64Array.from(dt.boxes) } : { masks: dt.masks }),
      scores: Float64Array.from(dt.scores),
    },
  });
  return { segm: evaluateCocoArrays(arrays('segm'), { iouType: 'segm' }), bbox: evaluateCocoArrays(arrays('bbox'), { iouType: 'bbox' }), detections };
}
