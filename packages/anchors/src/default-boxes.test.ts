import { readFileSync } from 'node:fs';
import { InvalidConfigError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DefaultBoxConfig } from './config';
import { boxesPerLocation, defaultBoxes, defaultBoxLayers } from './default-boxes';
import { SSD7, SSD300_COCO, SSD300_VOC } from './presets';

interface PriorFixture {
  config: {
    feature_maps: number[];
    min_dim: number;
    steps: number[];
    min_sizes: number[];
    max_sizes: number[];
    aspect_ratios: number[][];
    clip: boolean;
  };
  count: number;
  cxcywh: number[];
}
const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
const shared = read('../../../fixtures/shared/geometry.json') as { priors: Record<string, PriorFixture> };
const own = read('../../../fixtures/anchors/reference.json') as { ssd7: PriorFixture };

const fromSsdPytorch = (c: PriorFixture['config']): DefaultBoxConfig => ({
  imageSize: c.min_dim,
  featureMaps: c.feature_maps,
  steps: c.steps,
  minSizes: c.min_sizes,
  maxSizes: c.max_sizes,
  aspectRatios: c.aspect_ratios,
  clip: c.clip,
});

/**
 * Equality with ssd.pytorch's PriorBox output: exact float32 for our own fixture, and within the
 * 7 decimals that the shared fixture was written with (`tolerance` 1e-7).
 */
function expectSamePriors(got: Float32Array, want: number[], tolerance = 0) {
  expect(got.length).toBe(want.length);
  const wanted = Float32Array.from(want);
  let worst = 0;
  for (let k = 0; k < got.length; k++) worst = Math.max(worst, Math.abs(got[k] - wanted[k]));
  expect(worst).toBeLessThanOrEqual(tolerance);
}

describe('defaultBoxes vs ssd.pytorch PriorBox', () => {
  it('SSD300_VOC: 8732 boxes, identical values and order', () => {
    const f = shared.priors.ssd300_voc;
    expect(fromSsdPytorch(f.config)).toEqual(SSD300_VOC);
    const got = defaultBoxes(SSD300_VOC);
    expect(got.length / 4).toBe(8732);
    expectSamePriors(got, f.cxcywh, 1e-7);
  });

  it('SSD300_COCO: 8732 boxes, identical', () => {
    const f = shared.priors.ssd300_coco;
    expect(fromSsdPytorch(f.config)).toEqual(SSD300_COCO);
    expectSamePriors(defaultBoxes(SSD300_COCO), f.cxcywh, 1e-7);
  });

  it('custom 128 px config without clipping', () => {
    const f = shared.priors.custom_128;
    const got = defaultBoxes(fromSsdPytorch(f.config));
    expect(got.length / 4).toBe(f.count);
    expectSamePriors(got, f.cxcywh, 1e-7);
  });

  it('SSD7 (pytorch-ssd7 voc_ssd7): 7160 boxes, 4 per location like the seed head (16 loc channels)', () => {
    expect(fromSsdPytorch(own.ssd7.config)).toEqual(SSD7);
    expect(boxesPerLocation(SSD7)).toEqual([4, 4, 4, 4]);
    expectSamePriors(defaultBoxes(SSD7), own.ssd7.cxcywh);
    expect(own.ssd7.count).toBe(7160);
  });
});

describe('layers and counts', () => {
  it('SSD300: [4, 6, 6, 6, 4, 4] boxes per location, layer offsets add up', () => {
    expect(boxesPerLocation(SSD300_VOC)).toEqual([4, 6, 6, 6, 4, 4]);
    const layers = defaultBoxLayers(SSD300_VOC);
    expect(layers.map((l) => l.count)).toEqual([5776, 2166, 600, 150, 36, 4]);
    expect(layers.map((l) => l.offset)).toEqual([0, 5776, 7942, 8542, 8692, 8728]);
  });

  it('without maxSizes there is no √(s·s′) box', () => {
    const config = { ...SSD300_VOC, maxSizes: undefined };
    expect(boxesPerLocation(config)).toEqual([3, 5, 5, 5, 3, 3]);
    const boxes = defaultBoxes(config);
    expect(boxes.length / 4).toBe(38 * 38 * 3 + 19 * 19 * 5 + 100 * 5 + 25 * 5 + 9 * 3 + 3);
  });

  it('clipped boxes stay in [0, 1] and centres lie inside the image for any valid config', () => {
    const config = fc.record({
      imageSize: fc.integer({ min: 32, max: 512 }),
      maps: fc.array(
        fc.record({
          f: fc.integer({ min: 1, max: 12 }),
          min: fc.integer({ min: 4, max: 200 }),
          extra: fc.integer({ min: 1, max: 100 }),
          ratios: fc.array(fc.double({ min: 0.2, max: 5, noNaN: true }), { maxLength: 3 }),
        }),
        { minLength: 1, maxLength: 4 },
      ),
    });
    fc.assert(
      fc.property(config, ({ imageSize, maps }) => {
        const c: DefaultBoxConfig = {
          imageSize,
          featureMaps: maps.map((m) => m.f),
          steps: maps.map((m) => imageSize / m.f),
          minSizes: maps.map((m) => m.min),
          maxSizes: maps.map((m) => m.min + m.extra),
          aspectRatios: maps.map((m) => m.ratios),
          clip: true,
        };
        const boxes = defaultBoxes(c);
        const expected = defaultBoxLayers(c).reduce((s, l) => s + l.count, 0);
        expect(boxes.length).toBe(expected * 4);
        for (const v of boxes) expect(v >= 0 && v <= 1).toBe(true);
      }),
      { numRuns: 50 },
    );
  });
});

describe('invalid configs name the field', () => {
  const cases: [string, Partial<DefaultBoxConfig> | Record<string, unknown>, RegExp][] = [
    ['lengths disagree', { steps: [8, 16] }, /field 'steps'.*6 entries/],
    ['non-positive min size', { minSizes: [30, 0, 111, 162, 213, 264] }, /field 'minSizes\[1\]'/],
    ['negative max size', { maxSizes: [60, 111, -1, 213, 264, 315] }, /field 'maxSizes\[2\]'/],
    ['non-integer feature map', { featureMaps: [38, 19.5, 10, 5, 3, 1] }, /field 'featureMaps\[1\]'/],
    ['bad aspect ratio', { aspectRatios: [[2], [2, 0], [2, 3], [2, 3], [2], [2]] }, /field 'aspectRatios\[1\]\[1\]'/],
    ['zero image size', { imageSize: 0 }, /field 'imageSize'/],
    ['clip not boolean', { clip: 'yes' }, /field 'clip'/],
    ['empty', { featureMaps: [], steps: [], minSizes: [], maxSizes: [], aspectRatios: [] }, /featureMaps is empty/],
  ];
  for (const [name, patch, message] of cases) {
    it(name, () => {
      const config = { ...SSD300_VOC, ...patch } as DefaultBoxConfig;
      expect(() => defaultBoxes(config)).toThrow(InvalidConfigError);
      expect(() => defaultBoxes(config)).toThrow(message);
    });
  }
});
