import { ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { createImage } from '../image';
import { createRandom } from '../random';
import { assertMask, assertSegmentationSample, composeSegmentationTransforms, type SegmentationTransform } from './sample';

describe('segmentation samples', () => {
  it('composes transforms left to right with one Random', () => {
    const seen: number[] = [];
    const tag =
      (n: number): SegmentationTransform =>
      (s, random) => {
        seen.push(n, random());
        return s;
      };
    const sample = { image: createImage(2, 2), mask: { width: 2, height: 2, data: new Uint8Array(4) } };
    expect(composeSegmentationTransforms(tag(1), tag(2))(sample, createRandom(5))).toBe(sample);
    const r = createRandom(5);
    expect(seen).toEqual([1, r(), 2, r()]);
  });

  it('checks mask data and image/mask sizes', () => {
    const image = createImage(4, 3);
    expect(() => assertSegmentationSample({ image, mask: { width: 4, height: 3, data: new Uint8Array(12) } })).not.toThrow();
    expect(() => assertMask({ width: 4, height: 3, data: new Uint8Array(11) })).toThrow(ShapeMismatchError);
    expect(() => assertSegmentationSample({ image, mask: { width: 3, height: 4, data: new Uint8Array(12) } })).toThrow(/differ in size.*4×3.*3×4/);
  });
});
