import { iouAt } from '@det/boxes';
import { createRandom, InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsortDescending, argsortDescendingTopK } from './argsort';
import { greedyNms } from './greedy';
import { nms } from './nms';
import { naiveNms, randomBoxes, readFixture } from './test-support';

interface NmsCase {
  name?: string;
  boxes: number[];
  scores: number[];
  iou_threshold: number;
  keep: number[];
}
const shared = readFixture<{ nms: NmsCase[] }>('fixtures/shared/geometry.json');
const own = readFixture<{ nms: NmsCase[] }>('fixtures/nms/nms.json');
const f32 = (v: number[]) => Float32Array.from(v);

describe('nms vs torchvision.ops.nms', () => {
  const cases = [...shared.nms.map((c, i) => ({ ...c, name: `shared geometry.json #${i}` })), ...own.nms];
  it.each(cases)('$name', (c) => {
    expect(Array.from(nms(f32(c.boxes), f32(c.scores), c.iou_threshold))).toEqual(c.keep);
  });
});

describe('nms equals the plain greedy loop', () => {
  const settings = [
    { n: 1500, sizeRange: 10, t: 0.45 },
    { n: 1500, sizeRange: 200, t: 0.5, clusters: 3 },
    { n: 800, sizeRange: 1000, t: 0.98 }, // many bands: widened
    { n: 800, sizeRange: 5, t: 0.01 },
    { n: 600, sizeRange: 30, t: 0, degenerate: 0.1 },
    { n: 600, sizeRange: 3, t: 0.7, extent: 1, tiedScores: true },
    { n: 600, sizeRange: 50, t: 0.3, extent: 1e5, clusters: 40 },
  ];
  it.each(settings)('$n boxes, size range $sizeRange, threshold $t', ({ n, t, ...rest }) => {
    const { boxes, scores } = randomBoxes(n * 7 + Math.round(t * 100), n, rest);
    expect(Array.from(nms(boxes, scores, t))).toEqual(naiveNms(boxes, scores, t));
  });
  it('stops after maxKeep boxes with the head of the full result', () => {
    const { boxes, scores } = randomBoxes(77, 2000, { sizeRange: 30 });
    const order = argsortDescending(scores);
    const full = naiveNms(boxes, scores, 0.5);
    for (const maxKeep of [1, 5, 40, 300, 5000]) {
      const keep = new Int32Array(2000);
      const kept = greedyNms(boxes, order, 2000, 0.5, keep, maxKeep);
      expect(Array.from(keep.subarray(0, kept))).toEqual(full.slice(0, maxKeep));
    }
  });
  it('is exact with plain number arrays and float64 scores', () => {
    const { boxes, scores } = randomBoxes(5, 300, { sizeRange: 20 });
    const b = Array.from(boxes, (v) => v + 1e-9);
    const s = Array.from(scores, (v, i) => v + i * 1e-12);
    expect(Array.from(nms(b, s, 0.5))).toEqual(naiveNms(b, s, 0.5));
  });
});

describe('edge cases and errors', () => {
  it('empty, single box, equal scores keep the lower index first', () => {
    expect(nms([], [], 0.5).length).toBe(0);
    expect(Array.from(nms([0, 0, 1, 1], [0.3], 0.5))).toEqual([0]);
    expect(Array.from(nms([0, 0, 1, 1, 5, 5, 6, 6, 0, 0, 1, 1], [0.5, 0.5, 0.5], 0.5))).toEqual([0, 1]);
  });
  it('threshold 0 drops every overlapping box, 1 drops none; degenerate boxes are kept', () => {
    const boxes = [0, 0, 10, 10, 9, 9, 20, 20, 30, 30, 40, 40, 2, 2, 2, 8];
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7, 0.6], 0))).toEqual([0, 2, 3]);
    expect(Array.from(nms(boxes, [0.9, 0.8, 0.7, 0.6], 1))).toEqual([0, 1, 2, 3]);
    expect(Array.from(nms([0, 0, 10, 10, 0, 0, 10, 10], [0.1, 0.2], 1))).toEqual([1, 0]);
  });
  it('rejects mismatched lengths, NaN scores, non-finite boxes and bad thresholds, naming the field', () => {
    expect(() => nms([0, 0, 1, 1], [0.1, 0.2], 0.5)).toThrow(ShapeMismatchError);
    expect(() => nms([0, 0, 1, 1, 0], [0.1], 0.5)).toThrow(/field 'boxes'/);
    expect(() => nms([0, 0, 1, 1, 2, 2, 3, 3], [0.1, Number.NaN], 0.5)).toThrow(NotFiniteError);
    expect(() => nms([0, 0, 1, 1, 2, 2, 3, 3], [0.1, Number.NaN], 0.5)).toThrow(/field 'scores', index 1/);
    expect(() => nms([0, 0, 1, 1, 2, 2, Number.POSITIVE_INFINITY, 3], [0.1, 0.2], 0.5)).toThrow(/field 'boxes', index 1/);
    expect(() => nms([0, 0, 1, 1], [0.1], 1.5)).toThrow(InvalidConfigError);
    expect(() => nms([0, 0, 1, 1], [0.1], -0.1)).toThrow(/field 'iouThreshold'/);
    expect(() => nms([0, 0, 1, 1], [0.1], Number.NaN)).toThrow(InvalidConfigError);
  });
  it('accepts infinite scores', () => {
    expect(Array.from(nms([0, 0, 1, 1, 5, 5, 6, 6, 10, 10, 11, 11], [Number.NEGATIVE_INFINITY, 0, Number.POSITIVE_INFINITY], 0.5))).toEqual([2, 1, 0]);
  });
});

describe('argsortDescending', () => {
  const reference = (s: ArrayLike<number>) =>
    Array.from(s, (v, i) => [v, i] as const)
      .sort((a, b) => b[0] - a[0] || a[1] - b[1])
      .map(([, i]) => i);
  it('is a stable descending sort: negatives, ±0, infinities, tiny values', () => {
    const s = [0.5, -1, 3, 0.5, 0, -0, 2e-9, -2e-9, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, -1, 1e30];
    expect(Array.from(argsortDescending(Float32Array.from(s)))).toEqual(reference(Float32Array.from(s)));
    expect(Array.from(argsortDescending(Float32Array.from(s).subarray(3)))).toEqual(reference(s.slice(3).map(Math.fround)));
  });
  it('compares numbers that are not float32 exactly', () => {
    const s = [0.3, 0.30000001, 0.3, 1 / 3, 0.33333334];
    expect(Array.from(argsortDescending(s))).toEqual(reference(s));
  });
  it('argsortDescendingTopK is the head of the full order (float32, float64, ties, heavy buckets)', () => {
    const random = createRandom(9);
    const inputs: ArrayLike<number>[] = [
      Float32Array.from({ length: 5000 }, () => random()),
      Float32Array.from({ length: 5000 }, () => 0.01 + random() * 0.005), // one exponent: long shared prefixes
      Float32Array.from({ length: 3000 }, () => Math.round(random() * 8) / 8), // ties
      Array.from({ length: 3000 }, () => random()), // float64 values
      Array.from(Float32Array.from({ length: 3000 }, () => random() - 0.5)), // float32-valued numbers
      Float32Array.from({ length: 300 }, () => random()),
    ];
    for (const s of inputs) {
      const full = Array.from(argsortDescending(s));
      for (const k of [1, 7, 200, 400, 2999, 10000, Number.POSITIVE_INFINITY]) {
        expect(Array.from(argsortDescendingTopK(s, k))).toEqual(full.slice(0, k));
      }
    }
  });
  it('matches a comparator sort on random scores with ties', () => {
    fc.assert(
      fc.property(fc.array(fc.float({ noNaN: true, min: -4, max: 4 }).map((v) => Math.round(v * 4) / 4), { maxLength: 300 }), (s) => {
        expect(Array.from(argsortDescending(Float32Array.from(s)))).toEqual(reference(Float32Array.from(s)));
      }),
      { numRuns: 100 },
    );
  });
});

const boxArb = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 30 }))
  .map(([x, y, w, h]) => [x, y, x + w, y + h]);

describe('nms properties', () => {
  it('kept indices are unique and score-sorted, pairwise IoU ≤ threshold, every dropped box overlaps a better kept one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, fc.float({ min: 0, max: 1, noNaN: true })), { maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (items, threshold) => {
          const boxes = Float32Array.from(items.flatMap(([b]) => b));
          const scores = Float32Array.from(items.map(([, s]) => s));
          const keep = Array.from(nms(boxes, scores, threshold));
          expect(keep).toEqual(naiveNms(boxes, scores, threshold));
          expect(new Set(keep).size).toBe(keep.length);
          for (let k = 1; k < keep.length; k++) expect(scores[keep[k - 1]]).toBeGreaterThanOrEqual(scores[keep[k]]);
          const iou = (a: number, b: number) => iouAt(boxes, a, boxes, b);
          const n = scores.length;
          for (const a of keep) for (const b of keep) if (a !== b) expect(iou(a, b)).toBeLessThanOrEqual(threshold);
          const kept = new Set(keep);
          for (let i = 0; i < n; i++) {
            if (kept.has(i)) continue;
            const better = keep.some((k) => iou(k, i) > threshold && (scores[k] > scores[i] || (scores[k] === scores[i] && k < i)));
            expect(better).toBe(true);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
