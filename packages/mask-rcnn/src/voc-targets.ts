import { InvalidLabelError, ShapeMismatchError } from '@det/core';
import type { RcnnTarget } from './transform';

/** A decoded VOC `SegmentationObject` map (@det/voc's `IndexMask`): 0 background, k = the k-th `<object>`, 255 boundary. */
export interface InstanceIndexMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** A VOC record's objects in `<object>` order (@det/core `GroundTruth`, e.g. from @det/voc's detection index). */
export interface VocObjects {
  /** [G*4] `xyxy`, VOC's 1-based inclusive pixel coordinates (as @det/voc returns them). */
  boxes: ArrayLike<number>;
  /** [G] class index into the dataset's class list, 0-based without background (@det/core's convention). */
  labels: ArrayLike<number>;
}

export interface InstanceTargetsOptions {
  /** Added to each label to make room for background (torchvision: 0 = background). Default 1. */
  labelOffset?: number;
  /**
   * `true` (default): boxes are VOC's 1-based inclusive pixels and become pixel edges, x1 − 1, y1 − 1, x2, y2 (so a
   * box covers exactly the pixels of its mask); `false`: boxes are taken as they are.
   */
  oneBased?: boolean;
  /** The `SegmentationObject` file the map came from, named in errors. */
  file?: string;
}

/** The value of boundary / "void" pixels in VOC masks. */
const VOC_BOUNDARY = 255;

/**
 * Mask R-CNN training targets ({@link RcnnTarget}, for `model.loss`) from a VOC record: object k (the k-th `<object>`
 * of `Annotations/<id>.xml`, box `objects.boxes[k]`, class `objects.labels[k]`) gets the mask of the pixels whose
 * `SegmentationObject` value is k + 1 (boundary pixels, 255, belong to no object, as in torchvision's references).
 * Labels are shifted by `labelOffset` (1: background = 0). Throws ShapeMismatchError for a map whose data does not
 * match its size or boxes/labels of different counts, InvalidLabelError (with the pixel index) for an instance value
 * above the number of objects.
 */
export function instanceTargetsFromVoc(objectMask: InstanceIndexMask, objects: VocObjects, { labelOffset = 1, oneBased = true, file }: InstanceTargetsOptions = {}): RcnnTarget {
  const { width, height, data } = objectMask;
  if (data.length !== width * height) {
    throw new ShapeMismatchError('instance map does not match its size', { file, field: 'objectMask.data', expected: `${width}×${height} values`, received: data.length });
  }
  const g = objects.labels.length;
  if (objects.boxes.length !== 4 * g) {
    throw new ShapeMismatchError('one box per object is required', { file, field: 'objects.boxes', expected: `${4 * g} numbers`, received: objects.boxes.length });
  }
  const masks = Array.from({ length: g }, () => new Uint8Array(width * height));
  for (let p = 0; p < data.length; p++) {
    const v = data[p];
    if (v === 0 || v === VOC_BOUNDARY) continue;
    if (v > g) {
      throw new InvalidLabelError(`instance value ${v} has no <object>`, { file, field: 'objectMask', index: p, expected: `0, 1–${g} or ${VOC_BOUNDARY}`, received: v });
    }
    masks[v - 1][p] = 1;
  }
  const boxes = Float32Array.from(objects.boxes);
  if (oneBased) {
    for (let k = 0; k < boxes.length; k += 4) {
      boxes[k] -= 1;
      boxes[k + 1] -= 1;
    }
  }
  return { boxes, labels: Int32Array.from(objects.labels, (l) => l + labelOffset), masks };
}
