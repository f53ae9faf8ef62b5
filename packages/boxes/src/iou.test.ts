import { readFileSync } from 'node:fs';
import { ShapeMismatchError } from '@det/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { boxIou, boxIouPairs, generalizedBoxIou } from './iou';

interface IouCase {
  name: string;
  a: number[];
  b: number[];
  iou: (number | null)[];
  giou: (number | null)[];
}
const reference = JSON.parse(
  readFileSync(new URL('../../../fixtures/boxes/torchvision.json', import.meta.url), 'utf8'),
) as { iou: IouCase[] };
const shared = JSON.parse(readFileSync(new URL('../../../fixtures/shared/geometry.json', import.meta.url), 'utf8')) as {
  iou: { a: number[]; b: number[]; iou: number[] }[];
};

/** torchvision returns NaN for 0/0 (two zero-area boxes); @det returns 0 there. */
const nanToZero = (v: number | null) => v ?? 0;

describe('boxIou vs torchvision.ops.box_iou', () => {
  for (const c of reference.iou) {
    it(`${c.name}: ${c.a.length / 4}×${c.b.length / 4}`, () => {
      const got = boxIou(new Float32Array(c.a), new Float32Array(c.b));
      expect(got.length).toBe(c.iou.length);
      c.iou.forEach((v, k) => expect(got[k]).toBeCloseTo(nanToZero(v), 6));
    });
  }
  shared.iou.forEach((c, n) => {
    it(`shared geometry fixture ${n}`, () => {
      const got = boxIou(new Float32Array(c.a), new Float32Array(c.b));
      c.iou.forEach((v, k) => expect(got[k]).toBeCloseTo(v, 5)); // torch rounds each step to float32
    });
  });

  it('degenerate: identical = 1, zero-area = 0 (torchvision NaN), disjoint = 0, touching = 0', () => {
    const c = reference.iou.find((x) => x.name === 'degenerate')!;
    const got = boxIou(new Float32Array(c.a), new Float32Array(c.b));
    const m = c.b.length / 4;
    expect(got[0 * m + 0]).toBe(1);
    expect(got[1 * m + 1]).toBe(0);
    expect(c.iou[1 * m + 1]).toBeNull(); // torchvision: NaN
    expect(got[3 * m + 0]).toBe(0);
    expect(got[5 * m + 0]).toBe(0);
    expect(Array.from(got).every(Number.isFinite)).toBe(true);
  });

  it('handles empty inputs and reuses an output buffer', () => {
    expect(boxIou(new Float32Array(0), new Float32Array([0, 0, 1, 1])).length).toBe(0);
    const out = new Float32Array(1);
    expect(boxIou([0, 0, 2, 2], [1, 1, 3, 3], {}, out)).toBe(out);
    expect(out[0]).toBeCloseTo(1 / 7, 7);
    expect(() => boxIou([0, 0, 1, 1], [0, 0, 1, 1, 2], {})).toThrow(ShapeMismatchError);
  });

  it('offset 1 gives the VOC devkit inclusive-pixel IoU', () => {
    // 1..10 × 1..10 (100 px) vs 6..15 × 1..10 (100 px): overlap 5×10 = 50, union 150
    expect(boxIou([1, 1, 10, 10], [6, 1, 15, 10], { offset: 1 })[0]).toBeCloseTo(50 / 150, 7);
  });

  it('crowd columns divide by the area of the box from a (pycocotools iscrowd)', () => {
    const got = boxIou([0, 0, 10, 10], [5, 0, 100, 100, 5, 0, 100, 100], { crowd: [1, 0] });
    expect(got[0]).toBeCloseTo(0.5, 7);
    expect(got[1]).toBeCloseTo(50 / (100 + 9500 - 50), 7);
  });
});

describe('generalizedBoxIou vs torchvision.ops.generalized_box_iou', () => {
  for (const c of reference.iou) {
    it(c.name, () => {
      const got = generalizedBoxIou(new Float32Array(c.a), new Float32Array(c.b));
      c.giou.forEach((v, k) => {
        if (v === null) expect(Number.isFinite(got[k])).toBe(true);
        else expect(got[k]).toBeCloseTo(v, 5);
      });
    });
  }
});

const box = fc
  .tuple(
    fc.float({ min: 0, max: 100, noNaN: true }),
    fc.float({ min: 0, max: 100, noNaN: true }),
    fc.float({ min: Math.fround(0.01), max: 50, noNaN: true }),
    fc.float({ min: Math.fround(0.01), max: 50, noNaN: true }),
  )
  .map(([x, y, w, h]) => [x, y, x + w, y + h]);
const boxes = (max: number) => fc.array(box, { minLength: 0, maxLength: max }).map((l) => new Float32Array(l.flat()));

describe('IoU properties', () => {
  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(boxes(12), boxes(12), (a, b) => {
        const n = a.length / 4;
        const m = b.length / 4;
        const ab = boxIou(a, b);
        const ba = boxIou(b, a);
        for (let i = 0; i < n; i++)
          for (let j = 0; j < m; j++) {
            const v = ab[i * m + j];
            expect(v).toBeGreaterThanOrEqual(0);
            expect(v).toBeLessThanOrEqual(1);
            expect(v).toBeCloseTo(ba[j * n + i], 6);
          }
      }),
    );
  });

  it('a box has IoU 1 with itself; pairs equal the diagonal; GIoU ≤ IoU', () => {
    fc.assert(
      fc.property(boxes(10), (a) => {
        const n = a.length / 4;
        const full = boxIou(a, a);
        const pairs = boxIouPairs(a, a);
        const giou = generalizedBoxIou(a, a);
        for (let i = 0; i < n; i++) {
          expect(pairs[i]).toBeCloseTo(1, 6);
          expect(full[i * n + i]).toBeCloseTo(1, 6);
          for (let j = 0; j < n; j++) {
            expect(giou[i * n + j]).toBeLessThanOrEqual(full[i * n + j] + 1e-6);
            expect(giou[i * n + j]).toBeGreaterThanOrEqual(-1 - 1e-6);
          }
        }
      }),
    );
  });

  it('boxIouPairs rejects different counts', () => {
    expect(() => boxIouPairs([0, 0, 1, 1], [])).toThrow(ShapeMismatchError);
  });
});
