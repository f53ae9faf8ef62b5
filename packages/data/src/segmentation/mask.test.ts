import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createRandom } from '../random';
import { cropMask, flipMaskHorizontal, padMask, resizeMaskNearest } from './mask';
import type { SegmentationMask } from './sample';

function randomMask(width: number, height: number, values: readonly number[], seed: number): SegmentationMask {
  const random = createRandom(seed);
  return { width, height, data: Uint8Array.from({ length: width * height }, () => values[Math.floor(random() * values.length)]) };
}

describe('mask helpers', () => {
  it('nearest resize never invents labels', () => {
    const values = [0, 3, 7, 255];
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 24 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 1, max: 48 }),
        fc.integer({ min: 0, max: 1e9 }),
        (w0, h0, w, h, seed) => {
          const out = resizeMaskNearest(randomMask(w0, h0, values, seed), w, h);
          expect(out.width).toBe(w);
          expect(out.height).toBe(h);
          expect(out.data.length).toBe(w * h);
          expect(out.data.every((v) => values.includes(v))).toBe(true);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('nearest resize by an integer factor repeats / subsamples pixels exactly', () => {
    const mask = { width: 2, height: 2, data: new Uint8Array([1, 2, 3, 4]) };
    const up = resizeMaskNearest(mask, 4, 4);
    expect(Array.from(up.data)).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    const down = resizeMaskNearest(up, 2, 2);
    expect(down.data).toEqual(mask.data);
    const same = resizeMaskNearest(mask, 2, 2);
    expect(same.data).toEqual(mask.data);
    expect(same.data).not.toBe(mask.data);
  });

  it('crops, flips and pads', () => {
    const mask = { width: 3, height: 2, data: new Uint8Array([1, 2, 3, 4, 5, 6]) };
    expect(Array.from(cropMask(mask, 1, 0, 2, 2).data)).toEqual([2, 3, 5, 6]);
    expect(Array.from(flipMaskHorizontal(mask).data)).toEqual([3, 2, 1, 6, 5, 4]);
    const padded = padMask(mask, { left: 1, top: 0, right: 0, bottom: 1 });
    expect(padded.width).toBe(4);
    expect(padded.height).toBe(3);
    expect(Array.from(padded.data)).toEqual([255, 1, 2, 3, 255, 4, 5, 6, 255, 255, 255, 255]);
    expect(Array.from(padMask(mask, { left: 0, top: 0, right: 1, bottom: 0 }, 9).data)).toEqual([1, 2, 3, 9, 4, 5, 6, 9]);
  });
});
