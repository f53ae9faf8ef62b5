import { describe, expect, it } from 'vitest';
import { readMetricsFixture, toEvalImages } from './fixture.test-helper';
import { readReferenceFixture, type VocReferenceCase } from './reference-fixture.test-helper';
import type { DetectionRecord, EvalImage, ImageGroundTruth } from './types';
import { evaluateVoc, vocAp } from './voc';

const shared = readMetricsFixture();
const reference = readReferenceFixture();

describe('evaluateVoc vs py-faster-rcnn voc_eval.py (shared fixture)', () => {
  shared.cases.forEach((c, n) => {
    for (const metric of ['voc07', 'voc12'] as const) {
      it(`case ${n} ${metric}: every class AP and mAP to 1e-6, both input forms`, () => {
        const images = toEvalImages(c, c.classes);
        const want = c.voc[metric];
        const perImage = evaluateVoc(images, { metric, classNames: c.classes });
        const records: DetectionRecord[] = c.detections.map((d) => ({ imageId: d.image, label: c.classes.indexOf(d.class), score: d.score, box: d.bbox }));
        const split = evaluateVoc(images, records, { metric, classNames: c.classes });
        for (const result of [perImage, split]) {
          for (const r of result.perClass) expect(r.ap).toBeCloseTo(want.per_class_ap[r.className], 6);
          expect(result.mAP).toBeCloseTo(want.mAP, 6);
        }
      });
    }
  });
});

const gtOf = (c: VocReferenceCase): ImageGroundTruth[] =>
  c.images.map((im) => ({
    id: im.id,
    groundTruth: {
      boxes: Float32Array.from(im.objects.flatMap((o) => o.bbox)),
      labels: Int32Array.from(im.objects.map((o) => o.label)),
      difficult: Uint8Array.from(im.objects.map((o) => o.difficult)),
    },
  }));
const recordsOf = (c: VocReferenceCase): DetectionRecord[] => c.detections.map((d) => ({ imageId: d.image, label: d.label, score: d.score, box: d.bbox }));

describe('evaluateVoc vs voc_eval.py edge cases (fixtures/metrics/reference.json)', () => {
  for (const c of reference.voc) {
    for (const run of c.results) {
      it(`${c.name} ${run.metric} IoU ${run.iou}: AP and the precision/recall curve of every class`, () => {
        const result = evaluateVoc(gtOf(c), recordsOf(c), { metric: run.metric, iouThreshold: run.iou, classNames: c.classes });
        run.per_class.forEach((want, k) => {
          const got = result.perClass[k];
          if (want.status === 'ok' && got.npos > 0) {
            expect(got.ap).toBeCloseTo(want.ap as number, 9);
            if (want.rec && want.prec) {
              expect(got.recall.length).toBe(want.rec.length);
              got.recall.forEach((v, i) => expect(v).toBeCloseTo(want.rec?.[i] as number, 12));
              got.precision.forEach((v, i) => expect(v).toBeCloseTo(want.prec?.[i] as number, 12));
            }
          } else if (want.status === 'error: IndexError') {
            // voc_eval.py cannot score a class without detections; @det gives AP 0
            expect(got.detections).toBe(0);
            expect(got.ap).toBe(got.npos > 0 ? 0 : null);
          } else {
            // no non-difficult objects: voc_eval.py gives 0 (voc07) or NaN (voc12); @det gives null
            expect(got.npos).toBe(0);
            expect(want.status === 'nan' || (run.metric === 'voc07' && want.ap === 0)).toBe(true);
            expect(got.ap).toBeNull();
          }
        });
      });
    }
  }

  it('with ties, the numpy order matters: the stable order gives other curves on the shuffled case', () => {
    const c = reference.voc.find((v) => v.name === 'ties-shuffled') as VocReferenceCase;
    const numpy = evaluateVoc(gtOf(c), recordsOf(c), { metric: 'voc12', classNames: c.classes });
    const stable = evaluateVoc(gtOf(c), recordsOf(c), { metric: 'voc12', classNames: c.classes, tieOrder: 'stable' });
    expect(numpy.perClass.map((r) => r.tp)).toEqual(stable.perClass.map((r) => r.tp));
    expect(numpy.perClass.some((r, k) => Math.abs((r.ap as number) - (stable.perClass[k].ap as number)) > 1e-9)).toBe(true);
  });

  it('per-image Detections (float32) reproduce the reference when the file order is per image', () => {
    const c = reference.voc.find((v) => v.name === 'large-rounded-scores') as VocReferenceCase;
    const byImage = new Map<string, VocReferenceCase['detections']>();
    for (const d of c.detections) byImage.set(d.image, [...(byImage.get(d.image) ?? []), d]);
    const images: EvalImage[] = gtOf(c).map((g) => {
      const dets = byImage.get(g.id) ?? [];
      return {
        ...g,
        detections: { boxes: Float32Array.from(dets.flatMap((d) => d.bbox)), scores: Float32Array.from(dets.map((d) => d.score)), labels: Int32Array.from(dets.map((d) => d.label)) },
      };
    });
    for (const run of c.results) {
      const r = evaluateVoc(images, { metric: run.metric, iouThreshold: run.iou, classNames: c.classes });
      run.per_class.forEach((want, k) => expect(r.perClass[k].ap).toBeCloseTo(want.ap as number, 6));
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
    expect(r.detections).toBe(4);
    expect(Array.from(r.recall)).toEqual([0, 1, 1, 1]);
    expect(Array.from(r.scores)).toEqual([0.949999988079071, 0.8999999761581421, 0.800000011920929, 0.699999988079071]);
  });
  it('overlap must be strictly greater than the threshold (inclusive pixels)', () => {
    // [1,1,10,10] vs [6,1,15,10]: 5·10 / (100 + 100 − 50) = 1/3
    const images = [img('a', [[1, 1, 10, 10, 0]], [[[6, 1, 15, 10], 0.5, 0]])];
    expect(evaluateVoc(images, { iouThreshold: 1 / 3, classNames: ['x'] }).perClass[0].tp).toBe(0);
    expect(evaluateVoc(images, { iouThreshold: 0.33, classNames: ['x'] }).perClass[0].tp).toBe(1);
    // a single-pixel object (x1 = x2) is a valid VOC box
    expect(evaluateVoc([img('a', [[5, 5, 5, 5, 0]], [[[5, 5, 5, 5], 0.5, 0]])], { classNames: ['x'] }).mAP).toBe(1);
  });
  it('classes without ground truth have ap null and do not count in mAP; classes without detections score 0', () => {
    const images = [img('a', [[0, 0, 10, 10, 0]], [[[0, 0, 10, 10], 0.9, 0], [[0, 0, 10, 10], 0.9, 2]])];
    const r = evaluateVoc(images, { classNames: ['a', 'b', 'c'] });
    expect(r.perClass.map((c) => c.ap)).toEqual([1, null, null]);
    expect(r.mAP).toBe(1);
    const noDet = evaluateVoc([img('a', [[0, 0, 10, 10, 1]], [])], { classNames: ['a', 'b'] });
    expect(noDet.perClass[1].ap).toBe(0);
    expect(noDet.mAP).toBe(0);
  });
  it('vocAp: 11-point and area under the envelope', () => {
    expect(vocAp([0.5, 1], [1, 0.5], 'voc07')).toBeCloseTo((6 * 1 + 5 * 0.5) / 11, 12);
    expect(vocAp([0.5, 1], [1, 0.5], 'voc12')).toBeCloseTo(0.75, 12);
    expect(vocAp([], [], 'voc07')).toBe(0);
    expect(vocAp([], [], 'voc12')).toBe(0);
  });
  it('split form: detections per image by id, or as records; images without an entry have none', () => {
    const images = [img('a', [[0, 0, 10, 10, 0]], []), img('b', [[0, 0, 10, 10, 0]], [])];
    const perImage = evaluateVoc(images, [{ id: 'b', detections: img('b', [], [[[0, 0, 10, 10], 0.5, 0]]).detections }], { classNames: ['x'] });
    const records = evaluateVoc(images, [{ imageId: 'b', label: 0, score: 0.5, box: [0, 0, 10, 10] }], { classNames: ['x'] });
    expect(perImage.perClass[0].recall[0]).toBe(0.5);
    expect(records.perClass[0]).toEqual(perImage.perClass[0]);
  });
  it('rejects bad input with the field and index', () => {
    expect(() => evaluateVoc([img('a', [], []), img('a', [], [])])).toThrow(/appears twice/);
    expect(() => evaluateVoc([img('a', [[0, 0, 1, 1, 3]], [])], { classNames: ['x'] })).toThrow(/images\[0\]\.groundTruth\.labels', index 0/);
    expect(() => evaluateVoc([img('a', [[0, 0, 1, 1, 0]], [[[0, 0, 1, 1], 0.5, -1]])], { classNames: ['x'] })).toThrow(/detections\.labels', index 0/);
    expect(() => evaluateVoc([img('a', [[5, 0, 1, 1, 0]], [])])).toThrow(/xmax < xmin/);
    const gt = [img('a', [[0, 0, 1, 1, 0]], [])];
    expect(() => evaluateVoc(gt, [{ imageId: 'zz', label: 0, score: 1, box: [0, 0, 1, 1] }])).toThrow(/field 'detections', index 0.*"zz"/);
    expect(() => evaluateVoc(gt, [{ imageId: 'a', label: 0, score: Number.NaN, box: [0, 0, 1, 1] }])).toThrow(/score/);
    expect(() => evaluateVoc(gt, [{ imageId: 'a', label: 0, score: 1, box: [0, 0, 1] }])).toThrow(/detections\.box/);
    expect(() => evaluateVoc(gt, [{ imageId: 'a', label: 2, score: 1, box: [0, 0, 1, 1] }], { classNames: ['x'] })).toThrow(/detections\.label', index 0/);
    expect(() => evaluateVoc(gt, { metric: 'voc10' as 'voc07' })).toThrow(/metric/);
    expect(() => evaluateVoc(gt, { iouThreshold: 1.5 })).toThrow(/iouThreshold/);
    expect(() => evaluateVoc([img('a', [[0, 0, 1, 1, 0]], [])], { classNames: ['x'] }).mAP).not.toThrow();
    expect(() => evaluateVoc([img('a', [[0, 0, 1, 1, 0]], [])], { classNames: ['x', 'y'] }).mAP).not.toThrow();
    expect(() => evaluateVoc([img('a', [[0, 0, 1, 1, 0]], [])], { numClasses: 1 }).mAP).not.toThrow();
    expect(() => evaluateVoc([img('a', [], [])], { classNames: ['x'] })).toThrow(/no class has non-difficult ground truth/);
  });
});
