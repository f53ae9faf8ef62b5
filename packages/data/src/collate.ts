import { ShapeMismatchError } from '@det/core';
import type { DetectionSample } from './sample';
import { IMAGENET_MEAN, IMAGENET_STD, normalizeImage } from './transforms/normalize';

/**
 * A batch ready for a detector: `images` Float32Array [B*H*W*3] NHWC, normalised; per image its boxes
 * (Float32Array [M*4] xyxy, normalised [0, 1] when the samples were) and 0-based labels.
 */
export interface DetectionBatch {
  images: Float32Array;
  batchSize: number;
  height: number;
  width: number;
  boxes: Float32Array[];
  labels: Int32Array[];
  difficult: (Uint8Array | undefined)[];
}

export interface CollateOptions {
  mean?: readonly [number, number, number];
  std?: readonly [number, number, number];
}

/** Stacks same-size samples into a {@link DetectionBatch}; a sample of another size throws, naming its index. */
export function collateDetection(samples: readonly DetectionSample[], options: CollateOptions = {}): DetectionBatch {
  const { mean = IMAGENET_MEAN, std = IMAGENET_STD } = options;
  if (samples.length === 0) throw new ShapeMismatchError('cannot collate an empty batch', { field: 'samples', expected: 'at least one sample' });
  const { width, height } = samples[0].image;
  const pixels = width * height * 3;
  const images = new Float32Array(samples.length * pixels);
  samples.forEach((s, i) => {
    if (s.image.width !== width || s.image.height !== height) {
      throw new ShapeMismatchError('samples in a batch must share one size (resize first)', {
        field: 'samples',
        index: i,
        expected: `${width}×${height}`,
        received: `${s.image.width}×${s.image.height}`,
      });
    }
    images.set(normalizeImage(s.image, mean, std), i * pixels);
  });
  return {
    images,
    batchSize: samples.length,
    height,
    width,
    boxes: samples.map((s) => s.boxes),
    labels: samples.map((s) => s.labels),
    difficult: samples.map((s) => s.difficult),
  };
}
