import { readFileSync } from 'node:fs';
import { defaultBoxes, SSD300_VOC } from '@det/anchors';
import { InvalidBoxError, InvalidLabelError, ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { encodeBoxes } from './encode';
import { BACKGROUND, matchPriors, NO_MATCH } from './match';
import { encodeBatch } from './targets';

const priors = defaultBoxes(SSD300_VOC);
const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));

interface SharedCase {
  truths: number[];
  labels: number[];
  threshold: number;
  conf: number[];
  positive_index: number[];
  positive_loc: number[];
}
interface OwnCase {
  name: string;
  truths: number[];
  labels: number[];
  threshold: number;
  means: [number, number, number, number];
  stds: [number, number, number, number];
  positive_index: number[];
  positive_conf: number[];
  positive_match: number[];
  positive_loc: number[];
}
const shared = read('../../../fixtures/shared/geometry.json').match_encode as { cases: SharedCase[] };
const own = read('../../../fixtures/codec/ssd_pytorch.json') as { cases: OwnCase[] };

function positives(labels: Int32Array): number[] {
  const out: number[] = [];
  labels.forEach((l, i) => l !== BACKGROUND && out.push(i));
  return out;
}

describe('matchPriors + encode vs ssd.pytorch (shared fixture)', () => {
  shared.cases.forEach((c, n) => {
    it(`case ${n}: ${c.labels.length} truths`, () => {
      const m = matchPriors(Float32Array.from(c.truths), Int32Array.from(c.labels), priors, { threshold: c.threshold });
      expect(Array.from(m.labels)).toEqual(c.conf);
      expect(positives(m.labels)).toEqual(c.positive_index);
      const t = encodeBatch([{ boxes: c.truths, labels: c.labels }], priors, { threshold: c.threshold });
      c.positive_index.forEach((p, k) => {
        for (let d = 0; d < 4; d++) expect(t.locTargets[4 * p + d]).toBeCloseTo(c.positive_loc[4 * k + d], 4); // fixture has 5 decimals
      });
    });
  });
});

describe('matchPriors + encode vs ssd.pytorch restated in torch (own fixture)', () => {
  for (const c of own.cases) {
    it(c.name, () => {
      const m = matchPriors(Float32Array.from(c.truths), Int32Array.from(c.labels), priors, { threshold: c.threshold });
      const pos = positives(m.labels);
      expect(pos).toEqual(c.positive_index);
      expect(pos.map((p) => m.labels[p])).toEqual(c.positive_conf);
      expect(pos.map((p) => m.matches[p])).toEqual(c.positive_match);
      expect(m.numPositives).toBe(pos.length);
      const matched = new Float32Array(priors.length);
      for (let i = 0; i < priors.length / 4; i++) matched.set(c.truths.slice(4 * m.matches[i], 4 * m.matches[i] + 4), 4 * i);
      const loc = encodeBoxes(matched, priors, { means: c.means, stds: c.stds });
      pos.forEach((p, k) => {
        for (let d = 0; d < 4; d++) expect(loc[4 * p + d]).toBeCloseTo(c.positive_loc[4 * k + d], 4);
      });
    });
  }
});

describe('matchPriors edge cases', () => {
  it('zero truths: all background, NO_MATCH', () => {
    const m = matchPriors([], [], priors);
    expect(m.numPositives).toBe(0);
    expect(m.labels.every((l) => l === BACKGROUND)).toBe(true);
    expect(m.matches.every((v) => v === NO_MATCH)).toBe(true);
  });
  it('a single truth is always matched to at least its best prior', () => {
    const m = matchPriors([0.5, 0.5, 0.501, 0.501], [3], priors);
    expect(m.numPositives).toBeGreaterThanOrEqual(1);
    expect(Math.max(...m.overlaps)).toBe(2);
    expect(m.labels.find((l) => l !== 0)).toBe(4);
  });
  it('rejects degenerate truths and bad labels, naming the index', () => {
    expect(() => matchPriors([0, 0, 0.5, 0.5, 0.3, 0.3, 0.3, 0.6], [0, 1], priors)).toThrow(InvalidBoxError);
    expect(() => matchPriors([0, 0, 0.5, 0.5, 0.3, 0.3, 0.3, 0.6], [0, 1], priors)).toThrow(/index 1/);
    expect(() => matchPriors([0, 0, 0.5, 0.5], [25], priors, { numClasses: 20 })).toThrow(InvalidLabelError);
    expect(() => matchPriors([0, 0, 0.5, 0.5], [1, 2], priors)).toThrow(ShapeMismatchError);
    expect(() => encodeBatch([{ boxes: [0, 0, 1, 1] , labels: [0] }, { boxes: [0, 0, 0, 1], labels: [0] }], priors)).toThrow(
      /truths\[1\]/,
    );
  });
});
