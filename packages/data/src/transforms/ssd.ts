import { composeTransforms, type Transform } from '../sample';
import { expand, randomHorizontalFlip, randomIouCrop, removeSmallBoxes, resize, toPercentCoords } from './geometric';
import { photometricDistort } from './photometric';

export interface SsdAugmentOptions {
  /** Model input side (300 for SSD300). */
  size: number;
  /** Canvas fill for the zoom-out, RGB 0–255 (default ImageNet mean). */
  fill?: readonly [number, number, number];
}

/**
 * The SSD training augmentation (ssd.pytorch `SSDAugmentation`): photometric distortion, zoom-out
 * (expand ×1–4), random IoU crop, horizontal flip, boxes to [0, 1], resize to size × size.
 * Boxes in: pixels xyxy; out: normalised xyxy. Normalisation to mean/std happens at collation.
 */
export function ssdTrainTransform(options: SsdAugmentOptions): Transform {
  return composeTransforms(
    photometricDistort(),
    expand({ fill: options.fill }),
    randomIouCrop(),
    removeSmallBoxes(1),
    randomHorizontalFlip(),
    toPercentCoords(),
    resize(options.size),
  );
}

/** Evaluation transform (ssd.pytorch `BaseTransform`): boxes to [0, 1] and resize to size × size. */
export function ssdEvalTransform(options: SsdAugmentOptions): Transform {
  return composeTransforms(toPercentCoords(), resize(options.size));
}
