import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createImage } from '../image';
import { createRandom } from '../random';
import { IMAGENET_MEAN } from '../transforms/normalize';
import type { SegmentationSample, SegmentationTransform } from './sample';
import {
  centerCrop,
  flipSample,
  photometric,
  randomCrop,
  randomFlip,
  randomScale,
  resizeSample,
  segmentationEvalTransform,
  segmentationTrainTransform,
} from './transforms';

const BLUE = 7; // constant blue channel: never equal to a fill value, so padding is recognisable

/**
 * A sample whose mask is a function of the image: 4×4-pixel blocks with red and green each 0 or 255,
 * label = (red > 127) + 2·(green > 127), blue constant.
 */
function blockSample(width = 40, height = 28, seed = 1): SegmentationSample {
  const random = createRandom(seed);
  const image = createImage(width, height);
  const mask = { width, height, data: new Uint8Array(width * height) };
  const bw = Math.ceil(width / 4);
  const blocks = Array.from({ length: bw * Math.ceil(height / 4) }, () => Math.floor(random() * 4));
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const label = blocks[(y >> 2) * bw + (x >> 2)];
      const p = y * width + x;
      image.data[3 * p] = label & 1 ? 255 : 0;
      image.data[3 * p + 1] = label & 2 ? 255 : 0;
      image.data[3 * p + 2] = BLUE;
      mask.data[p] = label;
    }
  return { image, mask };
}

/**
 * Checks that the mask still follows the image: padded pixels (blue = fill) are 255 and only they are;
 * elsewhere a decisive channel (< 63 or > 192, which bilinear resampling guarantees for the nearest
 * neighbour's value) gives the label's bit. Returns the number of pixels checked.
 */
function expectAligned(s: SegmentationSample, fillBlue = Math.fround(IMAGENET_MEAN[2])): number {
  const { image, mask } = s;
  expect([mask.width, mask.height]).toEqual([image.width, image.height]);
  let checked = 0;
  const bad: string[] = [];
  for (let p = 0; p < mask.data.length && bad.length < 5; p++) {
    const label = mask.data[p];
    const [r, g, b] = [image.data[3 * p], image.data[3 * p + 1], image.data[3 * p + 2]];
    if (b === fillBlue || label === 255) {
      if (b !== fillBlue || label !== 255) bad.push(`pixel ${p}: label ${label}, blue ${b} (padding must be 255 with the fill colour)`);
      continue;
    }
    if (label > 3) bad.push(`pixel ${p}: label ${label}`);
    for (const [v, bit] of [
      [r, 1],
      [g, 2],
    ] as const) {
      if (v > 192 || v < 63) {
        checked++;
        if ((label & bit) !== (v > 192 ? bit : 0)) bad.push(`pixel ${p}: label ${label}, channel value ${v}`);
      }
    }
  }
  expect(bad).toEqual([]);
  return checked;
}

const labelsOf = (s: SegmentationSample) => new Set(s.mask.data);

describe('segmentation transforms keep image and mask aligned', () => {
  it('flip mirrors both, and twice is the identity', () => {
    const s = blockSample();
    const f = flipSample(s);
    expect(f.mask.data[0]).toBe(s.mask.data[s.mask.width - 1]);
    expect(expectAligned(f)).toBeGreaterThan(0);
    const back = flipSample(f);
    expect(back.image.data).toEqual(s.image.data);
    expect(back.mask.data).toEqual(s.mask.data);
    const r = createRandom(0);
    expect(randomFlip(0)(s, r)).toBe(s);
    expect(randomFlip(1)(s, r).mask.data).toEqual(f.mask.data);
  });

  it('random scale resizes image bilinearly and mask by nearest neighbour, aligned, without new labels', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const s = blockSample(37, 23, seed);
        const out = randomScale({ min: 0.3, max: 2.5 })(s, createRandom(seed));
        const scale = 0.3 + 2.2 * createRandom(seed)();
        expect([out.image.width, out.image.height]).toEqual([Math.max(1, Math.round(37 * scale)), Math.max(1, Math.round(23 * scale))]);
        for (const v of labelsOf(out)) expect(labelsOf(s).has(v)).toBe(true);
        expect(expectAligned(out)).toBeGreaterThan(0);
      }),
      { numRuns: 40 },
    );
  });

  it('random crop picks one window for both', () => {
    const s = blockSample(40, 28);
    for (let seed = 0; seed < 20; seed++) {
      const out = randomCrop({ width: 16, height: 12 })(s, createRandom(seed));
      expect([out.image.width, out.image.height, out.mask.width, out.mask.height]).toEqual([16, 12, 16, 12]);
      expect(expectAligned(out)).toBe(16 * 12 * 2);
    }
  });

  it('random crop pads a small sample on the right and bottom: image with the mean, mask with 255', () => {
    const s = blockSample(10, 8);
    const out = randomCrop(16)(s, createRandom(3));
    expect([out.image.width, out.image.height]).toEqual([16, 16]);
    for (let y = 0; y < 16; y++)
      for (let x = 0; x < 16; x++) {
        const p = y * 16 + x;
        if (x < 10 && y < 8) {
          expect(out.mask.data[p]).toBe(s.mask.data[y * 10 + x]);
          expect(out.image.data[3 * p]).toBe(s.image.data[3 * (y * 10 + x)]);
        } else {
          expect(out.mask.data[p]).toBe(255);
          expect(Array.from(out.image.data.subarray(3 * p, 3 * p + 3))).toEqual(IMAGENET_MEAN.map(Math.fround));
        }
      }
    // Custom fill and ignore label; a side that is large enough is cropped, not padded.
    const wide = randomCrop({ width: 6, height: 12 }, { fill: [1, 2, 3], ignoreIndex: 9 })(s, createRandom(4));
    expect([wide.image.width, wide.image.height]).toEqual([6, 12]);
    expect(wide.mask.data[11 * 6]).toBe(9);
    expect(Array.from(wide.image.data.subarray(3 * 11 * 6, 3 * 11 * 6 + 3))).toEqual([1, 2, 3]);
  });

  it('center crop takes the middle, padding evenly when smaller', () => {
    const s = blockSample(40, 28);
    const c = centerCrop(20)(s, createRandom(0));
    expect(c.mask.data[0]).toBe(s.mask.data[4 * 40 + 10]);
    expect(expectAligned(c)).toBe(20 * 20 * 2);
    const small = blockSample(10, 8);
    const p = centerCrop({ width: 14, height: 10 })(small, createRandom(0));
    expect([p.mask.width, p.mask.height]).toEqual([14, 10]);
    expect(p.mask.data[0]).toBe(255); // top row padded (1 px), left 2 px padded
    expect(p.mask.data[14 + 2]).toBe(small.mask.data[0]);
    expect(p.mask.data[14 + 1]).toBe(255);
    expect(p.mask.data[9 * 14 + 13]).toBe(255);
    expectAligned(p);
  });

  it('resize and the eval preset: image bilinear, mask nearest', () => {
    const s = blockSample(40, 28);
    const r = resizeSample({ width: 30, height: 50 })(s, createRandom(0));
    expect([r.image.width, r.image.height, r.mask.width, r.mask.height]).toEqual([30, 50, 30, 50]);
    expect(expectAligned(r)).toBeGreaterThan(0);
    const e = segmentationEvalTransform({ size: 24 })(s, createRandom(0));
    expect([e.image.width, e.image.height, e.mask.width, e.mask.height]).toEqual([24, 24, 24, 24]);
    for (const v of labelsOf(e)) expect(labelsOf(s).has(v)).toBe(true);
  });

  it('the train preset without colour jitter: fixed size, aligned, labels ⊆ input ∪ {255}', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const s = blockSample(36, 24, seed);
        const out = segmentationTrainTransform({ size: 32, photometric: false })(s, createRandom(seed));
        expect([out.image.width, out.image.height, out.mask.width, out.mask.height]).toEqual([32, 32, 32, 32]);
        for (const v of labelsOf(out)) expect(v === 255 || labelsOf(s).has(v)).toBe(true);
        expectAligned(out);
      }),
      { numRuns: 40 },
    );
  });
});

describe('photometric and determinism', () => {
  it('photometric changes the image only', () => {
    const s = blockSample();
    s.image.data.forEach((v, i) => {
      s.image.data[i] = 60 + (v / 255) * 120 + (i % 5);
    });
    const t = photometric();
    let changed = false;
    for (let seed = 0; seed < 8; seed++) {
      const out = t(s, createRandom(seed));
      expect(out.mask).toBe(s.mask);
      expect(out.image.width).toBe(s.image.width);
      for (const v of out.image.data) expect(v >= 0 && v <= 255).toBe(true);
      changed ||= out.image.data.some((v, i) => v !== s.image.data[i]);
    }
    expect(changed).toBe(true);
  });

  it('a seed reproduces the train preset exactly; other seeds differ', () => {
    const s = blockSample(48, 40);
    const t: SegmentationTransform = segmentationTrainTransform({ size: 24, scale: [0.5, 2] });
    const a = t(s, createRandom(42));
    const b = t(s, createRandom(42));
    expect(b.image.data).toEqual(a.image.data);
    expect(b.mask.data).toEqual(a.mask.data);
    const others = [1, 2, 3].map((seed) => t(s, createRandom(seed)));
    expect(others.some((o) => o.mask.data.some((v, i) => v !== a.mask.data[i]) || o.image.data.some((v, i) => v !== a.image.data[i]))).toBe(true);
    // The input is never modified.
    expect(s).toEqual(blockSample(48, 40));
  });
});

describe('errors', () => {
  it('rejects bad options', () => {
    expect(() => randomScale({ min: 2, max: 1 })).toThrow(InvalidConfigError);
    expect(() => randomScale({ min: 0 })).toThrow(InvalidConfigError);
    expect(() => randomCrop(0)).toThrow(InvalidConfigError);
    expect(() => randomCrop({ width: 4, height: 2.5 })).toThrow(InvalidConfigError);
    expect(() => randomCrop(4, { ignoreIndex: 256 })).toThrow(InvalidConfigError);
    expect(() => centerCrop(4, { fill: [1, 2] as unknown as [number, number, number] })).toThrow(InvalidConfigError);
    expect(() => randomFlip(1.5)).toThrow(InvalidConfigError);
    expect(() => resizeSample(-1)).toThrow(InvalidConfigError);
    expect(() => segmentationTrainTransform({ size: 8, scale: [1, 0.5] })).toThrow(InvalidConfigError);
  });

  it('a mask of another size than its image → ShapeMismatchError', () => {
    const s = blockSample(8, 8);
    const bad = { image: s.image, mask: { width: 4, height: 4, data: new Uint8Array(16) } };
    for (const t of [randomScale(), randomCrop(4), centerCrop(4), randomFlip(1), resizeSample(4)]) {
      expect(() => t(bad, createRandom(0))).toThrow(ShapeMismatchError);
    }
  });
});
