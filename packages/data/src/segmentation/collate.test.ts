import { ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { createImage } from '../image';
import { IMAGENET_MEAN, IMAGENET_STD } from '../transforms/normalize';
import { collateSegmentation } from './collate';
import type { SegmentationSample } from './sample';

function sample(width: number, height: number, colour: [number, number, number], labels: number[]): SegmentationSample {
  return { image: createImage(width, height, colour), mask: { width, height, data: Uint8Array.from({ length: width * height }, (_, i) => labels[i % labels.length]) } };
}

describe('collateSegmentation', () => {
  it('stacks normalised NHWC images and Int32 masks with 255 kept', () => {
    const a = sample(3, 2, [IMAGENET_MEAN[0], IMAGENET_MEAN[1], IMAGENET_MEAN[2]], [0, 1, 255]);
    const b = sample(3, 2, [255, 0, 10], [2]);
    const batch = collateSegmentation([a, b]);
    expect([batch.batchSize, batch.height, batch.width]).toEqual([2, 2, 3]);
    expect(batch.images).toBeInstanceOf(Float32Array);
    expect(batch.images.length).toBe(2 * 2 * 3 * 3);
    expect(batch.masks).toBeInstanceOf(Int32Array);
    expect(Array.from(batch.masks)).toEqual([0, 1, 255, 0, 1, 255, 2, 2, 2, 2, 2, 2]);
    for (let i = 0; i < 18; i++) expect(batch.images[i]).toBeCloseTo(0, 5);
    const px = 18 + 3 * 5; // last pixel of the second image
    expect(batch.images[px]).toBeCloseTo((255 - IMAGENET_MEAN[0]) / IMAGENET_STD[0], 5);
    expect(batch.images[px + 1]).toBeCloseTo((0 - IMAGENET_MEAN[1]) / IMAGENET_STD[1], 5);
    expect(batch.images[px + 2]).toBeCloseTo((10 - IMAGENET_MEAN[2]) / IMAGENET_STD[2], 5);
  });

  it('takes mean and std', () => {
    const batch = collateSegmentation([sample(1, 1, [10, 20, 30], [1])], { mean: [10, 10, 10], std: [2, 4, 5] });
    expect(Array.from(batch.images)).toEqual([0, 2.5, 4]);
  });

  it('throws on an empty batch, a sample of another size, or a mask that does not fit its image', () => {
    expect(() => collateSegmentation([])).toThrow(ShapeMismatchError);
    const ok = sample(4, 4, [0, 0, 0], [0]);
    expect(() => collateSegmentation([ok, ok, sample(4, 5, [0, 0, 0], [0])])).toThrow(/index 2.*4×4.*4×5/);
    const bad = { image: ok.image, mask: { width: 4, height: 4, data: new Uint8Array(15) } };
    const error = (() => {
      try {
        collateSegmentation([ok, bad]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ShapeMismatchError);
    expect((error as ShapeMismatchError).index).toBe(1);
  });
});
