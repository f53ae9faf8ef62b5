import { iouAt } from '@det/boxes';
import { InvalidConfigError, NotFiniteError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type SoftNmsMethod, softNms } from './soft-nms';
import { readFixture } from './test-support';

interface SoftCase {
  name: string;
  boxes: number[];
  scores: number[];
  method: SoftNmsMethod;
  sigma: number;
  iou_threshold: number;
  min_score: number;
  indices: number[];
  out_scores: number[];
}
const { soft_nms: cases } = readFixture<{ soft_nms: SoftCase[] }>('fixtures/nms/soft_nms.json');

describe('softNms vs a float32 torch reference of MMCV soft_nms semantics', () => {
  it.each(cases)('$name', (c) => {
    const r = softNms(Float32Array.from(c.boxes), Float32Array.from(c.scores), {
      method: c.method,
      sigma: c.sigma,
      iouThreshold: c.iou_threshold,
      scoreThreshold: c.min_score,
    });
    expect(Array.from(r.indices)).toEqual(c.indices);
    // The reference decays in float32, we in float64.
    r.scores.forEach((s, k) => expect(s).toBeCloseTo(c.out_scores[k], 5));
  });
});

describe('softNms', () => {
  const boxes = [0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60];
  const iou = 90 / 110;
  it('linear (the default) decays overlapping scores by (1 − IoU) from IoU ≥ threshold', () => {
    const r = softNms(boxes, [0.9, 0.8, 0.7]);
    expect(Array.from(r.indices)).toEqual([0, 2, 1]);
    expect(r.scores[2]).toBeCloseTo(0.8 * (1 - iou), 6);
    expect(softNms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 90 / 110 }).scores[2]).toBeCloseTo(0.8 * (1 - iou), 6); // IoU = threshold decays
    expect(softNms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 0.9 }).scores[1]).toBeCloseTo(0.8, 6);
  });
  it('gaussian decays every box by exp(−IoU²/σ); boxes under scoreThreshold are dropped', () => {
    const r = softNms(boxes, [0.9, 0.8, 0.7], { method: 'gaussian', sigma: 0.5 });
    expect(r.scores[2]).toBeCloseTo(0.8 * Math.exp(-(iou * iou) / 0.5), 6);
    expect(softNms(boxes, [0.9, 0.8, 0.7], { scoreThreshold: 0.5 }).indices.length).toBe(2);
    expect(softNms(boxes, [0.0005, 0.8, 0.7]).indices.length).toBe(2);
    expect(softNms(boxes, [0.0005, 0.0001, 0.0002]).indices.length).toBe(0);
    expect(softNms([], []).indices.length).toBe(0);
  });
  it('property: unique indices, non-increasing kept scores ≤ the inputs, all ≥ scoreThreshold', () => {
    const boxArb = fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 25 }))
      .map(([x, y, w, h]) => [x, y, x + w, y + h]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, fc.float({ min: 0, max: 1, noNaN: true })), { maxLength: 30 }),
        fc.constantFrom<SoftNmsMethod>('linear', 'gaussian'),
        (items, method) => {
          const b = Float32Array.from(items.flatMap(([x]) => x));
          const s = Float32Array.from(items.map(([, v]) => v));
          const r = softNms(b, s, { method, scoreThreshold: 0.01 });
          expect(new Set(r.indices).size).toBe(r.indices.length);
          r.scores.forEach((v, k) => {
            expect(v).toBeGreaterThanOrEqual(Math.fround(0.01));
            expect(v).toBeLessThanOrEqual(s[r.indices[k]]);
            if (k > 0) expect(r.scores[k - 1]).toBeGreaterThanOrEqual(v);
          });
          // A box that overlaps no other box keeps its score.
          r.indices.forEach((i, k) => {
            const alone = items.every((_, j) => j === i || iouAt(b, i, b, j) === 0);
            if (alone) expect(r.scores[k]).toBe(s[i]);
          });
        },
      ),
      { numRuns: 100 },
    );
  });
  it('rejects bad options and inputs, naming the field', () => {
    expect(() => softNms(boxes, [0.9, 0.8, 0.7], { method: 'cubic' as SoftNmsMethod })).toThrow(/field 'method'/);
    expect(() => softNms(boxes, [0.9, 0.8, 0.7], { sigma: 0 })).toThrow(InvalidConfigError);
    expect(() => softNms(boxes, [0.9, 0.8, 0.7], { iouThreshold: 1.2 })).toThrow(/field 'iouThreshold'/);
    expect(() => softNms(boxes, [0.9, 0.8, 0.7], { scoreThreshold: Number.NaN })).toThrow(/field 'scoreThreshold'/);
    expect(() => softNms(boxes, [0.9, Number.NaN, 0.7])).toThrow(NotFiniteError);
  });
});
