import { ShapeMismatchError } from '@det/core';
import type { CollateOptions } from '../collate';
import { IMAGENET_MEAN, IMAGENET_STD, normalizeImage } from '../transforms/normalize';
import type { SegmentationSample } from './sample';

/**
 * A batch ready for a segmentation model: `images` Float32Array [B*H*W*3] NHWC, normalised;
 * `masks` Int32Array [B*H*W] class indices with the ignore label (255) kept as it is.
 */
export interface SegmentationBatch {
  images: Float32Array;
  masks: Int32Array;
  batchSize: number;
  height: number;
  width: number;
}

/**
 * Stacks same-size samples into a {@link SegmentationBatch}, images normalised as (x − mean) / std
 * (default ImageNet). A sample of another size, or whose mask differs from its image, throws a
 * ShapeMismatchError naming its index.
 */
export function collateSegmentation(samples: readonly SegmentationSample[], options: CollateOptions = {}): SegmentationBatch {
  const { mean = IMAGENET_MEAN, std = IMAGENET_STD } = options;
  if (samples.length === 0) throw new ShapeMismatchError('cannot collate an empty batch', { field: 'samples', expected: 'at least one sample' });
  const { width, height } = samples[0].image;
  const pixels = width * height;
  const images = new Float32Array(samples.length * pixels * 3);
  const masks = new Int32Array(samples.length * pixels);
  samples.forEach((s, i) => {
    const { image, mask } = s;
    if (image.width !== width || image.height !== height) {
      throw new ShapeMismatchError('samples in a batch must share one size (resize or crop first)', {
        field: 'samples',
        index: i,
        expected: `${width}×${height}`,
        received: `${image.width}×${image.height}`,
      });
    }
    if (mask.width !== width || mask.height !== height || mask.data.length !== pixels || image.data.length !== pixels * 3) {
      throw new ShapeMismatchError('mask and image of a sample differ in size', {
        field: 'samples.mask',
        index: i,
        expected: `${width}×${height} (${pixels} labels, ${pixels * 3} image values)`,
        received: `mask ${mask.width}×${mask.height} (${mask.data.length} labels, ${image.data.length} image values)`,
      });
    }
    images.set(normalizeImage(image, mean, std), i * pixels * 3);
    masks.set(mask.data, i * pixels);
  });
  return { images, masks, batchSize: samples.length, height, width };
}
