import { readFileSync } from 'node:fs';
import { defaultBoxes, SSD300_VOC } from '@det/anchors';
import { InvalidConfigError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBoxCoder } from './coder';
import { decodeBoxes, encodeBoxes } from './encode';
import { stdsFromVariance, stdsFromWeights } from './options';

const priors = defaultBoxes(SSD300_VOC);
const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
const shared = read('../../../fixtures/shared/geometry.json').decode as { prior_index: number[]; loc: number[]; stds: number[]; xyxy: number[] };
const own = read('../../../fixtures/codec/ssd_pytorch.json').decode as {
  means: [number, number, number, number];
  stds: [number, number, number, number];
  prior_index: number[];
  loc: number[];
  xyxy: number[];
}[];

function gather(index: number[]): Float32Array {
  const out = new Float32Array(index.length * 4);
  index.forEach((p, k) => out.set(priors.subarray(4 * p, 4 * p + 4), 4 * k));
  return out;
}

describe('decodeBoxes vs ssd.pytorch decode', () => {
  it('shared fixture', () => {
    const got = decodeBoxes(Float32Array.from(shared.loc), gather(shared.prior_index), { stds: shared.stds as never });
    shared.xyxy.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
  });
  own.forEach((c, n) => {
    it(`own fixture ${n} (means ${c.means.join(',')})`, () => {
      const got = decodeBoxes(Float32Array.from(c.loc), gather(c.prior_index), { means: c.means, stds: c.stds });
      c.xyxy.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5));
    });
  });
  it('decodes a batch of several prior sets and clamps huge size offsets (no Infinity)', () => {
    const loc = new Float32Array(priors.length * 2);
    loc[2] = 1e6;
    const out = decodeBoxes(loc, priors);
    expect(out.every(Number.isFinite)).toBe(true);
    expect(out[priors.length]).toBeCloseTo(priors[0] - priors[2] / 2, 6);
  });
});

describe('round trips and aliases', () => {
  const boxArb = fc
    .tuple(fc.double({ min: 0, max: 0.8, noNaN: true }), fc.double({ min: 0, max: 0.8, noNaN: true }), fc.double({ min: 0.01, max: 0.2, noNaN: true }), fc.double({ min: 0.01, max: 0.2, noNaN: true }))
    .map(([x, y, w, h]) => [x, y, x + w, y + h]);
  it('decode(encode(x)) = x for any boxes, priors and stds', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, fc.integer({ min: 0, max: 8731 })), { minLength: 1, maxLength: 20 }),
        fc.tuple(fc.double({ min: 0.05, max: 1, noNaN: true }), fc.double({ min: 0.05, max: 1, noNaN: true })),
        (items, [s0, s1]) => {
          const matched = Float32Array.from(items.flatMap(([b]) => b));
          const p = gather(items.map(([, i]) => i));
          const coder = createBoxCoder({ stds: [s0, s0, s1, s1], means: [0.01, 0, -0.02, 0.03] });
          const back = coder.decode(coder.encode(matched, p), p);
          matched.forEach((v, k) => expect(back[k]).toBeCloseTo(v, 5));
        },
      ),
    );
  });
  it('all-equal boxes encode to the same offsets; a box equal to its prior encodes to −means/stds', () => {
    const p = gather([100, 100]);
    const corner = [p[0] - p[2] / 2, p[1] - p[3] / 2, p[0] + p[2] / 2, p[1] + p[3] / 2];
    const loc = encodeBoxes([...corner, ...corner], p, { means: [0.1, 0, 0, 0] });
    expect(Array.from(loc.subarray(0, 4))).toEqual(Array.from(loc.subarray(4, 8)));
    expect(loc[0]).toBeCloseTo(-1, 5);
    expect(Math.abs(loc[2])).toBeLessThan(1e-5);
  });
  it('variance, weights and stds name the same normalisation', () => {
    expect(stdsFromVariance([0.1, 0.2])).toEqual([0.1, 0.1, 0.2, 0.2]);
    expect(stdsFromWeights([10, 10, 5, 5])).toEqual([0.1, 0.1, 0.2, 0.2]);
  });
  it('rejects bad stds and boxes without area', () => {
    expect(() => createBoxCoder({ stds: [0.1, 0, 0.2, 0.2] })).toThrow(InvalidConfigError);
    expect(() => createBoxCoder({ stds: [0.1, 0, 0.2, 0.2] })).toThrow(/stds\[1\]/);
    expect(() => encodeBoxes([0, 0, 0, 1], gather([0]))).toThrow(/log of 0/);
    expect(() => decodeBoxes([0, 0, 0], priors)).toThrow(/field 'loc'/);
  });
});
