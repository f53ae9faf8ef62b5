import { readFileSync } from 'node:fs';
import { boxIou } from '@det/boxes';
import { InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { argsortDescending } from './argsort';
import { batchedNms } from './batched';
import { nms } from './nms';

interface NmsCase {
  name?: string;
  boxes: number[];
  scores: number[];
  idxs?: number[];
  iou_threshold: number;
  keep: number[];
}
const read = (rel: string) => JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8'));
const shared = read('../../../fixtures/shared/geometry.json') as { nms: NmsCase[]; batched_nms: NmsCase[] };
const own = read('../../../fixtures/nms/torchvision.json') as { nms: NmsCase[]; batched_nms: NmsCase[] };
const f32 = (v: number[]) => Float32Array.from(v);

describe('nms vs torchvision.ops.nms', () => {
  [...shared.nms.map((c, i) => ({ ...c, name: `shared ${i}` })), ...own.nms].forEach((c) => {
    it(`${c.name} (${c.scores.length} boxes, threshold ${c.iou_threshold})`, () => {
      expect(Array.from(nms(f32(c.boxes), f32(c.scores), c.iou_threshold))).toEqual(c.keep);
    });
  });
});

describe('batchedNms vs torchvision.ops.batched_nms', () => {
  [...shared.batched_nms.map((c, i) => ({ ...c, name: `shared ${i}` })), ...own.batched_nms].forEach((c) => {
    it(`${c.name} (${c.scores.length} boxes)`, () => {
      expect(Array.from(batchedNms(f32(c.boxes), f32(c.scores), c.idxs!, c.iou_threshold))).toEqual(c.keep);
    });
  });
  it('boxes of different categories never suppress each other', () => {
    const boxes = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10];
    expect(Array.from(batchedNms(boxes, [0.9, 0.8, 0.7], [0, 1, 0], 0.5))).toEqual([0, 1]);
  });
});

describe('edge cases and errors', () => {
  it('empty, single, equal scores keep the lower index first', () => {
    expect(nms([], [], 0.5).length).toBe(0);
    expect(Array.from(nms([0, 0, 1, 1], [0.3], 0.5))).toEqual([0]);
    expect(Array.from(nms([0, 0, 1, 1, 5, 5, 6, 6, 0, 0, 1, 1], [0.5, 0.5, 0.5], 0.5))).toEqual([0, 1]);
  });
  it('rejects mismatched lengths, NaN scores and bad thresholds, naming the field', () => {
    expect(() => nms([0, 0, 1, 1], [0.1, 0.2], 0.5)).toThrow(ShapeMismatchError);
    expect(() => nms([0, 0, 1, 1], [Number.NaN], 0.5)).toThrow(NotFiniteError);
    expect(() => nms([0, 0, 1, 1], [0.1], 1.5)).toThrow(InvalidConfigError);
    expect(() => batchedNms([0, 0, 1, 1], [0.1], [], 0.5)).toThrow(/field 'idxs'/);
  });
  it('argsortDescending is a stable descending sort, negatives included', () => {
    const s = [0.5, -1, 3, 0.5, 0, -0, 2e-9, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
    const want = s.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).map(([, i]) => i);
    expect(Array.from(argsortDescending(Float32Array.from(s)))).toEqual(want);
  });
});

const boxArb = fc
  .tuple(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }))
  .map(([x, y, w, h]) => [x, y, x + w, y + h]);

describe('nms properties', () => {
  it('kept indices are unique, score-sorted, pairwise ≤ threshold, and every dropped box overlaps a better kept one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, fc.float({ min: 0, max: 1, noNaN: true })), { maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (items, threshold) => {
          const boxes = Float32Array.from(items.flatMap(([b]) => b));
          const scores = Float32Array.from(items.map(([, s]) => s));
          const keep = Array.from(nms(boxes, scores, threshold));
          expect(new Set(keep).size).toBe(keep.length);
          for (let k = 1; k < keep.length; k++) expect(scores[keep[k - 1]]).toBeGreaterThanOrEqual(scores[keep[k]]);
          const iou = boxIou(boxes, boxes);
          const n = scores.length;
          for (const a of keep) for (const b of keep) if (a !== b) expect(iou[a * n + b]).toBeLessThanOrEqual(threshold);
          const kept = new Set(keep);
          for (let i = 0; i < n; i++) {
            if (kept.has(i)) continue;
            const better = keep.some((k) => iou[k * n + i] > threshold && (scores[k] > scores[i] || (scores[k] === scores[i] && k < i)));
            expect(better).toBe(true);
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});
