import { ShapeMismatchError } from '@det/core';
import { flipImageHorizontal, type RgbImage } from './image';
import { flipMaskHorizontal } from './segmentation/mask';
import { flipBoxesHorizontal } from './transforms/geometric';

/** Instance targets as Mask R-CNN takes them: boxes `xyxy` in the image's pixels [G*4], optional masks G × [H·W]. */
export interface InstanceTargets {
  boxes: Float32Array;
  masks?: readonly Uint8Array[];
}

/**
 * Left–right flip of an image (any value range: 0–255 or [0, 1]) and its instance targets — torchvision references'
 * `RandomHorizontalFlip` applied: pixels, boxes (x1, x2 → W − x2, W − x1) and masks mirrored, other fields kept.
 * Returns new arrays. Throws ShapeMismatchError naming the mask whose size is not the image's.
 */
export function flipInstancesHorizontal<T extends InstanceTargets>(image: RgbImage, target: T): { image: RgbImage; target: T } {
  const { width, height } = image;
  const masks = target.masks?.map((data, k) => {
    if (data.length !== width * height) throw new ShapeMismatchError('mask does not match the image', { field: 'target.masks', index: k, expected: `${width}×${height} values`, received: data.length });
    return flipMaskHorizontal({ width, height, data }).data;
  });
  const flipped = { ...target, boxes: flipBoxesHorizontal(target.boxes, width), ...(masks ? { masks } : {}) };
  return { image: flipImageHorizontal(image), target: flipped };
}
