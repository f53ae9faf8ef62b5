import { ShapeMismatchError } from '@det/core';
import { assertImage, type RgbImage } from '../image';
import type { Random } from '../random';

/** The ignore / boundary label of segmentation masks (VOC's 255; torchvision's `ignore_index=255`). */
export const SEGMENTATION_IGNORE_INDEX = 255;

/**
 * A class-index map: `data` Uint8Array [H*W] row-major; 0 background, c the classes, 255 ignore.
 * Structurally the same as @det/voc's `IndexMask`, so its decoded masks can be used directly.
 */
export interface SegmentationMask {
  width: number;
  height: number;
  data: Uint8Array;
}

/** One semantic-segmentation example: an image and its mask of the same size, pixel for pixel. */
export interface SegmentationSample {
  image: RgbImage;
  mask: SegmentationMask;
}

/** A joint image/mask transform. Random transforms draw only from `random`, so a seed reproduces them. */
export type SegmentationTransform = (sample: SegmentationSample, random: Random) => SegmentationSample;

/** Applies segmentation transforms left to right. */
export function composeSegmentationTransforms(...transforms: SegmentationTransform[]): SegmentationTransform {
  return (sample, random) => transforms.reduce((s, t) => t(s, random), sample);
}

/** Checks that `mask.data` holds width·height values. */
export function assertMask(mask: SegmentationMask, name = 'mask'): void {
  if (!Number.isInteger(mask.width) || !Number.isInteger(mask.height) || mask.width <= 0 || mask.height <= 0) {
    throw new ShapeMismatchError('mask size must be positive integers', { field: name, received: `${mask.width}×${mask.height}` });
  }
  if (mask.data.length !== mask.width * mask.height) {
    throw new ShapeMismatchError('mask data does not hold width·height values', {
      field: `${name}.data`,
      expected: `${mask.width * mask.height} values`,
      received: `${mask.data.length}`,
    });
  }
}

/** Checks image and mask data lengths and that both have one size; a mismatch → ShapeMismatchError. */
export function assertSegmentationSample(sample: SegmentationSample): void {
  assertImage(sample.image);
  assertMask(sample.mask);
  const { image, mask } = sample;
  if (image.width !== mask.width || image.height !== mask.height) {
    throw new ShapeMismatchError('mask and image differ in size', {
      field: 'mask',
      expected: `${image.width}×${image.height} (the image)`,
      received: `${mask.width}×${mask.height}`,
    });
  }
}
