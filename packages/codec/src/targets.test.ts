import { InvalidBoxError, InvalidConfigError, InvalidLabelError, ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { BACKGROUND, matchPriors } from './match';
import { encodeBatch } from './targets';
import { expectClose, gather, own, PRIORS, shared } from './test-support';

const voc = PRIORS.ssd300_voc;
const P = voc.length / 4;

describe('encodeBatch: the (loc_t, conf_t) pair of ssd.pytorch MultiBoxLoss', () => {
  it('shared fixture cases as one batch, with an empty image in the middle', () => {
    const cases = shared.match_encode.cases;
    const images = [...cases.slice(0, 2), { truths: [], labels: [] }, ...cases.slice(2)];
    const t = encodeBatch(
      images.map((c) => ({ boxes: c.truths, labels: c.labels })),
      voc,
      { stds: shared.match_encode.stds },
    );
    expect(t.batchSize).toBe(images.length);
    expect(t.numPriors).toBe(P);
    expect(t.locTargets.length).toBe(images.length * P * 4);
    expect(t.labels.subarray(2 * P, 3 * P).every((l) => l === BACKGROUND)).toBe(true);
    expect(t.locTargets.subarray(2 * P * 4, 3 * P * 4).every((v) => v === 0)).toBe(true);
    expect(t.numPositives[2]).toBe(0);
    images.forEach((c, b) => {
      if (!('conf' in c)) return;
      expect(Array.from(t.labels.subarray(b * P, (b + 1) * P))).toEqual(c.conf);
      expect(t.numPositives[b]).toBe(c.positive_index.length);
      const loc = gather(t.locTargets.subarray(b * P * 4, (b + 1) * P * 4), c.positive_index);
      expectClose(loc, c.positive_loc, 2e-5); // fixture: 5 decimals
    });
  });

  it('own fixture cases (SSD300, default and custom means/stds)', () => {
    for (const c of own.cases.filter((k) => k.prior_set === 'ssd300_voc')) {
      const t = encodeBatch([{ boxes: c.truths, labels: c.labels }], voc, { threshold: c.threshold, means: c.means, stds: c.stds });
      const pos: number[] = [];
      t.labels.forEach((l, i) => {
        if (l !== BACKGROUND) pos.push(i);
      });
      expect(pos).toEqual(c.positive_index);
      expectClose(gather(t.locTargets, pos), c.positive_loc);
      // Background priors carry no target.
      expect(t.locTargets.every((v, k) => t.labels[k >> 2] !== BACKGROUND || v === 0)).toBe(true);
    }
  });

  it('agrees with matchPriors image by image (unclipped custom priors)', () => {
    const priors = PRIORS.custom_128;
    const c = own.cases.find((k) => k.prior_set === 'custom_128');
    if (c === undefined) throw new Error('fixture lacks custom_128 case');
    const t = encodeBatch([{ boxes: c.truths, labels: c.labels }, { boxes: [0.1, 0.1, 0.9, 0.9], labels: [4] }], priors);
    const p = priors.length / 4;
    expect(Array.from(t.labels.subarray(0, p))).toEqual(Array.from(matchPriors(c.truths, c.labels, priors).labels));
    expect(Array.from(t.labels.subarray(p))).toEqual(Array.from(matchPriors([0.1, 0.1, 0.9, 0.9], [4], priors).labels));
    expect(t.numPositives[1]).toBeGreaterThan(0);
  });

  it('an empty batch and an image-less prior set', () => {
    const t = encodeBatch([], voc);
    expect(t.locTargets.length).toBe(0);
    expect(t.numPositives.length).toBe(0);
    expect(encodeBatch([{ boxes: [], labels: [] }], voc).labels.every((l) => l === BACKGROUND)).toBe(true);
  });
});

describe('encodeBatch errors name the image', () => {
  const ok = { boxes: [0, 0, 1, 1], labels: [0] };
  it('checks every image before matching', () => {
    expect(() => encodeBatch([ok, { boxes: [0, 0, 0, 1], labels: [0] }], voc)).toThrow(InvalidBoxError);
    expect(() => encodeBatch([ok, { boxes: [0, 0, 0, 1], labels: [0] }], voc)).toThrow(/field 'truths\[1\]', index 0/);
    expect(() => encodeBatch([ok, { boxes: [0, 0, 1, 1], labels: [21] }], voc, { numClasses: 20 })).toThrow(InvalidLabelError);
    expect(() => encodeBatch([ok, { boxes: [0, 0, 1, 1], labels: [] }], voc)).toThrow(/truths\[1\]\.labels/);
    expect(() => encodeBatch([ok, undefined as never], voc)).toThrow(ShapeMismatchError);
    expect(() => encodeBatch(ok as never, voc)).toThrow(ShapeMismatchError);
    expect(() => encodeBatch([ok], voc, { stds: [0.1, 0.1, 0, 0.2] })).toThrow(InvalidConfigError);
    expect(() => encodeBatch([ok], voc, { threshold: 2 })).toThrow(InvalidConfigError);
  });
});
