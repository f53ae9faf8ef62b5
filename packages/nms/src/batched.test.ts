import { iouAt } from '@det/boxes';
import { InvalidLabelError, ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { batchedNms } from './batched';
import { nms } from './nms';
import { randomBoxes, readFixture } from './test-support';

interface BatchedCase {
  name?: string;
  boxes: number[];
  scores: number[];
  idxs: number[];
  iou_threshold: number;
  keep: number[];
}
const shared = readFixture<{ batched_nms: BatchedCase[] }>('fixtures/shared/geometry.json');
const own = readFixture<{ batched_nms: BatchedCase[] }>('fixtures/nms/nms.json');
const f32 = (v: number[]) => Float32Array.from(v);

/** batchedNms by definition: nms within each category, merged by decreasing score (ties: lower index). */
function perCategory(boxes: Float32Array, scores: Float32Array, idxs: ArrayLike<number>, t: number): number[] {
  const kept: number[] = [];
  for (const c of new Set(Array.from(idxs))) {
    const members = Array.from(idxs, (v, i) => (v === c ? i : -1)).filter((i) => i >= 0);
    const sub = Float32Array.from(members.flatMap((i) => Array.from(boxes.subarray(4 * i, 4 * i + 4))));
    for (const k of nms(sub, Float32Array.from(members, (i) => scores[i]), t)) kept.push(members[k]);
  }
  return kept.sort((a, b) => scores[b] - scores[a] || a - b);
}

describe('batchedNms vs torchvision.ops.batched_nms', () => {
  const cases = [...shared.batched_nms.map((c, i) => ({ ...c, name: `shared geometry.json #${i}` })), ...own.batched_nms];
  it.each(cases)('$name', (c) => {
    expect(Array.from(batchedNms(f32(c.boxes), f32(c.scores), c.idxs, c.iou_threshold))).toEqual(c.keep);
  });
});

describe('batchedNms', () => {
  it('boxes of different categories never suppress each other', () => {
    const boxes = [0, 0, 10, 10, 0, 0, 10, 10, 0, 0, 10, 10];
    expect(Array.from(batchedNms(boxes, [0.9, 0.8, 0.7], [0, 1, 0], 0.5))).toEqual([0, 1]);
    expect(Array.from(batchedNms(boxes, [0.7, 0.8, 0.9], [-3, 7, 1e6], 0))).toEqual([2, 1, 0]);
  });
  it('is nms per category, merged by score, on 20 categories of clustered boxes', () => {
    const { boxes, scores } = randomBoxes(11, 1200, { sizeRange: 20, clusters: 6 });
    const idxs = Int32Array.from({ length: 1200 }, (_, i) => (i * 7919) % 20);
    expect(Array.from(batchedNms(boxes, scores, idxs, 0.45))).toEqual(perCategory(boxes, scores, idxs, 0.45));
  });
  it('property: per-category nms; kept boxes of one category overlap ≤ threshold', () => {
    const boxArb = fc
      .tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 25 }), fc.integer({ min: 1, max: 25 }))
      .map(([x, y, w, h]) => [x, y, x + w, y + h]);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(boxArb, fc.float({ min: 0, max: 1, noNaN: true }), fc.integer({ min: 0, max: 3 })), { maxLength: 40 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (items, t) => {
          const boxes = Float32Array.from(items.flatMap(([b]) => b));
          const scores = Float32Array.from(items.map(([, s]) => s));
          const idxs = items.map(([, , c]) => c);
          const keep = Array.from(batchedNms(boxes, scores, idxs, t));
          expect(keep).toEqual(perCategory(boxes, scores, idxs, t));
          for (const a of keep) for (const b of keep) if (a !== b && idxs[a] === idxs[b]) expect(iouAt(boxes, a, boxes, b)).toBeLessThanOrEqual(t);
        },
      ),
      { numRuns: 150 },
    );
  });
  it('rejects category ids that are missing or not integers', () => {
    expect(() => batchedNms([0, 0, 1, 1], [0.1], [], 0.5)).toThrow(ShapeMismatchError);
    expect(() => batchedNms([0, 0, 1, 1], [0.1], [], 0.5)).toThrow(/field 'idxs'/);
    expect(() => batchedNms([0, 0, 1, 1, 2, 2, 3, 3], [0.1, 0.2], [0, 0.5], 0.5)).toThrow(InvalidLabelError);
    expect(() => batchedNms([0, 0, 1, 1, 2, 2, 3, 3], [0.1, 0.2], [0, Number.NaN], 0.5)).toThrow(/index 1/);
    expect(batchedNms([], [], [], 0.5).length).toBe(0);
  });
});
