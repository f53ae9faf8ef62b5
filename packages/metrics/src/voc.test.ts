import { describe, expect, it } from 'vitest';
import { readMetricsFixture, toEvalImages } from './fixture.test-helper';
import type { EvalImage } from './types';
import { evaluateVoc, vocAp } from './voc';

const fixture = readMetricsFixture();

describe('evaluateVoc vs py-faster-rcnn voc_eval.py', () => {
  fixture.cases.forEach((c, n) => {
    for (const metric of ['voc07', 'voc12'] as const) {
      it(`case ${n} ${metric}: every class AP and mAP to 1e-6`, () => {
        const result = evaluateVoc(toEvalImages(c, c.classes), { metric, classNames: c.classes });
        const want = c.voc[metric];
        for (const r of result.perClass) expect(r.ap).toBeCloseTo(want.per_class_ap[r.className], 6);
        expect(result.mAP).toBeCloseTo(want.mAP, 6);
      });
    }
  });
});

const img = (id: string, gt: number[][], dets: [number[], number, number][], difficult: number[] = []): EvalImage => ({
  id,
  groundTruth: {
    boxes: Float32Array.from(gt.flatMap((g) => g.slice(0, 4))),
    labels: Int32Array.from(gt.map((g) => g[4])),
    difficult: Uint8Array.from(gt.map((_, i) => difficult[i] ?? 0)),
  },
  detections: {
    boxes: Float32Array.from(dets.flatMap(([b]) => b)),
    scores: Float32Array.from(dets.map(([, s]) => s)),
    labels: Int32Array.from(dets.map(([, , l]) => l)),
  },
});

describe('devkit rules on small cases', () => {
  it('duplicates are false positives; difficult hits are neither; images without objects give FPs', () => {
    const images = [
      img('a', [[10, 10, 50, 50, 0], [60, 60, 90, 90, 0]], [[[10, 10, 50, 50], 0.9, 0], [[11, 11, 50, 50], 0.8, 0], [[60, 60, 90, 90], 0.7, 0]], [0, 1]),
      img('b', [], [[[0, 0, 5, 5], 0.95, 0]]),
    ];
    const r = evaluateVoc(images, { metric: 'voc12', classNames: ['thing'] }).perClass[0];
    expect(r.npos).toBe(1);
    expect(r.tp).toBe(1);
    expect(r.fp).toBe(2); // the image-b box and the duplicate; the difficult hit is neither
    expect(Array.from(r.recall)).toEqual([0, 1, 1, 1]);
  });
  it('overlap must be strictly greater than the threshold', () => {
    // inclusive pixels: [1,1,10,10] vs [6,1,15,10] → 50 / 150 = 1/3
    const images = [img('a', [[1, 1, 10, 10, 0]], [[[6, 1, 15, 10], 0.5, 0]])];
    expect(evaluateVoc(images, { iouThreshold: 1 / 3, classNames: ['x'] }).perClass[0].tp).toBe(0);
    expect(evaluateVoc(images, { iouThreshold: 0.33, classNames: ['x'] }).perClass[0].tp).toBe(1);
  });
  it('classes without ground truth have ap null and do not count in mAP; classes without detections score 0', () => {
    const images = [img('a', [[0, 0, 10, 10, 0]], [[[0, 0, 10, 10], 0.9, 0], [[0, 0, 10, 10], 0.9, 2]])];
    const r = evaluateVoc(images, { classNames: ['a', 'b', 'c'] });
    expect(r.perClass.map((c) => c.ap)).toEqual([1, null, null]);
    expect(r.mAP).toBe(1);
    const noDet = evaluateVoc([img('a', [[0, 0, 10, 10, 1]], [])], { classNames: ['a', 'b'] });
    expect(noDet.perClass[1].ap).toBe(0);
  });
  it('ties in score keep input order (stable), voc07 uses 11 points', () => {
    expect(vocAp([0.5, 1], [1, 0.5], 'voc07')).toBeCloseTo((6 * 1 + 5 * 0.5) / 11, 12);
    expect(vocAp([0.5, 1], [1, 0.5], 'voc12')).toBeCloseTo(0.75, 12);
  });
  it('rejects duplicate image ids and labels outside the class list', () => {
    expect(() => evaluateVoc([img('a', [], []), img('a', [], [])])).toThrow(/appears twice/);
    expect(() => evaluateVoc([img('a', [[0, 0, 1, 1, 3]], [])], { classNames: ['x'] })).toThrow(/field 'classNames'/);
  });
});
