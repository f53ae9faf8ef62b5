import { InvalidBoxError, InvalidConfigError, InvalidLabelError, ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeBoxes } from './encode';
import { BACKGROUND, createPriorMatcher, FORCED_OVERLAP, matchPriors, NO_MATCH } from './match';
import { expectClose, gather, naiveMatch, own, PRIORS, runLengthDecode, shared } from './test-support';

const voc = PRIORS.ssd300_voc;

function positives(labels: Int32Array): number[] {
  const out: number[] = [];
  labels.forEach((l, i) => {
    if (l !== BACKGROUND) out.push(i);
  });
  return out;
}

describe('the priors are ssd.pytorch PriorBox output, bit for bit', () => {
  for (const set of ['ssd300_voc', 'custom_128'] as const) {
    it(set, () => {
      expect(PRIORS[set].reduce((s, v) => s + v, 0)).toBeCloseTo(own.prior_sums[set], 9);
    });
  }
});

describe('matchPriors vs ssd.pytorch match() (fixtures/shared/geometry.json match_encode)', () => {
  shared.match_encode.cases.forEach((c, n) => {
    it(`case ${n}: ${c.labels.length} truths`, () => {
      const m = matchPriors(Float32Array.from(c.truths), Int32Array.from(c.labels), voc, { threshold: c.threshold });
      expect(Array.from(m.labels)).toEqual(c.conf);
      expect(positives(m.labels)).toEqual(c.positive_index);
      expect(m.numPositives).toBe(c.positive_index.length);
      const loc = encodeBoxes(gather(c.truths, m.matches), voc, { stds: shared.match_encode.stds });
      c.positive_index.forEach((p, k) => {
        for (let d = 0; d < 4; d++) expect(loc[4 * p + d]).toBeCloseTo(c.positive_loc[4 * k + d], 4); // fixture: 5 decimals
      });
    });
  });
});

describe('matchPriors + encodeBoxes vs ssd.pytorch restated in torch (fixtures/codec/ssd_pytorch.json)', () => {
  for (const c of own.cases) {
    it(c.name, () => {
      const priors = PRIORS[c.prior_set];
      const m = matchPriors(Float32Array.from(c.truths), Int32Array.from(c.labels), priors, { threshold: c.threshold });
      const pos = positives(m.labels);
      expect(pos).toEqual(c.positive_index);
      expect(pos.map((p) => m.labels[p])).toEqual(c.positive_conf);
      expect(pos.map((p) => m.overlaps[p])).toEqual(c.positive_overlap.map(Math.fround)); // float32 IoU, bit for bit
      expect(Array.from(m.matches)).toEqual(runLengthDecode(c.matches_rle)); // every prior, background too
      // ssd.pytorch encodes truths[best_truth_idx] for every prior; the fixture keeps the positives.
      const loc = encodeBoxes(gather(c.truths, m.matches), priors, { means: c.means, stds: c.stds });
      expectClose(gather(loc, pos), c.positive_loc);
    });
  }
});

describe('matchPriors equals the N×P matrix algorithm (fast-check)', () => {
  // Coordinates on a coarse grid so that equal IoUs (ties) are common; duplicated boxes on purpose.
  const coord = fc.integer({ min: -2, max: 20 }).map((v) => v / 16);
  const box = fc
    .tuple(coord, coord, fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 12 }))
    .map(([x, y, w, h]) => [x, y, x + w / 16, y + h / 16]);
  const truthsArb = fc
    .tuple(fc.array(box, { minLength: 1, maxLength: 6 }), fc.integer({ min: 0, max: 3 }))
    .map(([boxes, dup]) => [...boxes, ...boxes.slice(0, dup)]);
  for (const [set, numRuns] of [
    ['custom_128', 40],
    ['ssd300_voc', 20],
  ] as const) {
    it(`${set} priors: random truths with ties and duplicates`, () => {
      const priors = PRIORS[set];
      fc.assert(
        fc.property(truthsArb, fc.constantFrom(0.3, 0.5, 0.7), (all, threshold) => {
          const truths = all.flat();
          const labels = all.map((_, k) => k % 5);
          const m = matchPriors(truths, labels, priors, { threshold });
          const want = naiveMatch(truths, labels, priors, threshold);
          expect(Array.from(m.labels)).toEqual(want.conf);
          expect(Array.from(m.matches)).toEqual(want.matches);
          expect(Array.from(m.overlaps)).toEqual(want.overlaps);
        }),
        { numRuns },
      );
    });
  }
});

describe('matchPriors edge cases', () => {
  it('zero truths: all background, every match NO_MATCH, no error', () => {
    const m = matchPriors(new Float32Array(0), new Int32Array(0), voc);
    expect(m.numPositives).toBe(0);
    expect(m.labels.length).toBe(voc.length / 4);
    expect(m.labels.every((l) => l === BACKGROUND)).toBe(true);
    expect(m.matches.every((v) => v === NO_MATCH)).toBe(true);
  });
  it('no priors: empty result', () => {
    const m = matchPriors([0.1, 0.1, 0.2, 0.2], [0], new Float32Array(0));
    expect(m.labels.length).toBe(0);
    expect(m.numPositives).toBe(0);
  });
  it('a single truth smaller than any prior still gets its best prior', () => {
    const m = matchPriors([0.5, 0.5, 0.501, 0.501], [3], voc);
    expect(m.numPositives).toBe(1);
    expect(m.overlaps[positives(m.labels)[0]]).toBe(FORCED_OVERLAP);
    expect(m.labels[positives(m.labels)[0]]).toBe(4);
  });
  it('all-equal truths: every prior takes the first, the shared best prior goes to the last (ssd.pytorch loop)', () => {
    const box = [0.2, 0.3, 0.5, 0.6];
    const m = matchPriors([...box, ...box, ...box], [7, 8, 9], voc);
    const forced = m.overlaps.indexOf(FORCED_OVERLAP);
    expect(m.matches[forced]).toBe(2);
    expect(m.labels[forced]).toBe(10);
    positives(m.labels)
      .filter((i) => i !== forced)
      .forEach((i) => {
        expect(m.matches[i]).toBe(0);
        expect(m.labels[i]).toBe(8);
      });
  });
  it('a truth that overlaps no prior is forced onto prior 0, as torch argmax over zeros', () => {
    const m = matchPriors([1.5, 1.5, 1.6, 1.6], [2], voc);
    expect(positives(m.labels)).toEqual([0]);
    expect(m.matches.every((v) => v === 0)).toBe(true);
  });
  it('compares the threshold in float32, like torch (`overlap < 0.35` on a float tensor)', () => {
    const truths = Float32Array.from(own.cases[0].truths);
    const m = matchPriors(truths, [0, 1, 2], voc);
    const i = m.overlaps.findIndex((o) => o > 0.2 && o < 0.5);
    const o = m.overlaps[i];
    // A double just above o that rounds to o in float32: torch counts the prior as positive.
    const threshold = o + 2 ** -30 * o;
    expect(threshold).toBeGreaterThan(o);
    expect(Math.fround(threshold)).toBe(o);
    expect(matchPriors(truths, [0, 1, 2], voc, { threshold }).labels[i]).not.toBe(BACKGROUND);
    expect(matchPriors(truths, [0, 1, 2], voc, { threshold: o + 2 ** -20 }).labels[i]).toBe(BACKGROUND);
  });
  it('accepts plain number arrays (rounded to float32 like a torch tensor)', () => {
    const c = own.cases[0];
    const a = matchPriors(c.truths, c.labels, voc);
    const b = matchPriors(Float32Array.from(c.truths), Int32Array.from(c.labels), voc);
    expect(a).toEqual(b);
  });
});

describe('createPriorMatcher', () => {
  it('gives matchPriors results for every image, checking priors and options once', () => {
    const matcher = createPriorMatcher(voc, { threshold: 0.4, numClasses: 90 });
    expect(matcher.numPriors).toBe(voc.length / 4);
    for (const c of own.cases.filter((k) => k.prior_set === 'ssd300_voc').slice(0, 4)) {
      expect(matcher.match(c.truths, c.labels)).toEqual(matchPriors(c.truths, c.labels, voc, { threshold: 0.4 }));
    }
    expect(matcher.match([], []).numPositives).toBe(0);
    expect(() => matcher.match([0, 0, 0.5, 0.5], [90])).toThrow(InvalidLabelError);
  });
  it('rejects bad priors and options when created', () => {
    expect(() => createPriorMatcher([0.5, 0.5, 0.1, Number.NaN])).toThrow(InvalidBoxError);
    expect(() => createPriorMatcher(voc, { numClasses: 2.5 })).toThrow(/field 'numClasses'/);
    expect(() => createPriorMatcher(voc, { threshold: Number.NaN })).toThrow(/field 'threshold'/);
  });
});

describe('matchPriors errors', () => {
  const two = [0, 0, 0.5, 0.5, 0.3, 0.3, 0.3, 0.6];
  it('degenerate or non-finite truths: InvalidBoxError naming the index', () => {
    expect(() => matchPriors(two, [0, 1], voc)).toThrow(InvalidBoxError);
    expect(() => matchPriors(two, [0, 1], voc)).toThrow(/field 'truths', index 1: box is degenerate/);
    expect(() => matchPriors([0, 0, Number.NaN, 0.5], [0], voc)).toThrow(/index 0: box is not finite/);
    expect(() => matchPriors([0, 0, 0.5], [0], voc)).toThrow(ShapeMismatchError);
  });
  it('labels: count must match, integers ≥ 0, below numClasses when given', () => {
    const box = [0, 0, 0.5, 0.5];
    expect(() => matchPriors(box, [1, 2], voc)).toThrow(ShapeMismatchError);
    expect(() => matchPriors(box, [-1], voc)).toThrow(InvalidLabelError);
    expect(() => matchPriors(box, [1.5], voc)).toThrow(InvalidLabelError);
    expect(() => matchPriors(box, [25], voc, { numClasses: 20 })).toThrow(InvalidLabelError);
    expect(() => matchPriors(box, [25], voc, { numClasses: 20 })).toThrow(/index 0: label out of range \(expected an integer in \[0, 19\]/);
    expect(matchPriors(box, [19], voc, { numClasses: 20 }).numPositives).toBeGreaterThan(0);
    expect(() => matchPriors(box, [0], voc, { numClasses: 0 })).toThrow(InvalidConfigError);
  });
  it('threshold must be an IoU in [0, 1]', () => {
    for (const threshold of [Number.NaN, -0.1, 1.5]) expect(() => matchPriors([], [], voc, { threshold })).toThrow(InvalidConfigError);
  });
  it('priors without area: InvalidBoxError naming the prior', () => {
    expect(() => matchPriors([0, 0, 0.5, 0.5], [0], [0.5, 0.5, 0.2, 0.2, 0.5, 0.5, 0, 0.2])).toThrow(/field 'priors', index 1/);
  });
});
