import { describe, expect, it } from 'vitest';
import { type CocoArrays, evaluateCocoArrays } from './coco';
import { type CocoGtJson, type CocoResultsJson, evaluateCoco, evaluateCocoJson } from './coco-json';
import { COCO_IOU_THRESHOLDS, type CocoEvalOptions } from './coco-params';
import { cocoMetric } from './coco-summary';
import { readMetricsFixture, toEvalImages } from './fixture.test-helper';
import { type CocoReferenceCase, readReferenceFixture } from './reference-fixture.test-helper';

const shared = readMetricsFixture();
const reference = readReferenceFixture();

describe('evaluateCocoJson vs pycocotools COCOeval (shared fixture)', () => {
  shared.cases.forEach((c, n) => {
    it(`case ${n}: the 12 summary stats and per-class AP to 1e-6`, () => {
      const r = evaluateCocoJson(c.coco_gt as CocoGtJson, c.coco_results as CocoResultsJson);
      r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.coco.stats[i], 6));
      for (const { className, ap } of r.perClass) expect(ap ?? -1).toBeCloseTo(c.coco.per_class_ap[className], 6);
    });
  });
});

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

const optionsOf = (c: CocoReferenceCase): CocoEvalOptions => ({
  iouThresholds: c.params?.iouThrs,
  maxDets: c.params?.maxDets,
  areaRanges: c.params?.areaRng?.map(([min, max], i) => ({ label: c.params?.areaRngLbl?.[i] as string, min, max })),
});

describe('evaluateCocoJson vs pycocotools edge cases (fixtures/metrics/reference.json)', () => {
  for (const c of reference.coco) {
    it(`${c.name}: eval['recall'], eval['precision'], stats and per-class AP`, () => {
      const data = reference.coco_data[c.data];
      const r = evaluateCocoJson(data.gt as CocoGtJson, data.results as CocoResultsJson, optionsOf(c));
      expect([r.dims.T, r.dims.R, r.dims.K, r.dims.A, r.dims.M]).toEqual(c.dims);
      expect(maxDiff(r.recall, c.recall)).toBeLessThan(1e-12);
      const { T, R, K, A, M } = r.dims;
      const digest = new Float64Array(2 * T * K * A * M);
      let cell = 0;
      for (let t = 0; t < T; t++)
        for (let k = 0; k < K; k++)
          for (let a = 0; a < A; a++)
            for (let m = 0; m < M; m++, cell++) {
              let sum = 0;
              let weighted = 0;
              for (let ri = 0; ri < R; ri++) {
                const p = r.precision[(((t * R + ri) * K + k) * A + a) * M + m];
                sum += p;
                weighted += (ri + 1) * p;
              }
              digest[2 * cell] = sum;
              digest[2 * cell + 1] = weighted;
            }
      expect(maxDiff(digest, c.precision_digest)).toBeLessThan(1e-9);
      if (c.precision_rle) expect(maxDiff(r.precision, c.precision_rle.flatMap(([value, count]) => new Array(count).fill(value)))).toBeLessThan(1e-12);
      r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.stats_largest_maxdets[i], 9));
      if (!c.params?.maxDets) r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.stats[i], 9));
      r.perClass.forEach((p, k) => expect(p.ap ?? -1).toBeCloseTo(c.per_class_ap[k], 9));
    });
  }

  it("pycocotools' custom-maxDets summary bug is fixed: AP is read at the largest maxDets", () => {
    const c = reference.coco.find((x) => x.name === 'custom-maxdets') as CocoReferenceCase;
    expect(c.stats[0]).toBe(-1); // pycocotools looks for maxDets = 100
    const data = reference.coco_data[c.data];
    const r = evaluateCocoJson(data.gt as CocoGtJson, data.results as CocoResultsJson, optionsOf(c));
    expect(r.stats[0]).toBeGreaterThan(0);
    expect(r.summary.map((s) => s.name)).toEqual(['AP', 'AP50', 'AP75', 'APs', 'APm', 'APl', 'AR1', 'AR2', 'AR4', 'ARs', 'ARm', 'ARl']);
    expect(cocoMetric(r, { ap: false, maxDets: 2 })).toBeCloseTo(c.stats_largest_maxdets[7], 12);
    expect(cocoMetric(r, { ap: true, maxDets: 100 })).toBeNull();
  });
});

const gtJson = (annotations: CocoGtJson['annotations']): CocoGtJson => ({
  images: [{ id: 1 }, { id: 2 }],
  annotations,
  categories: [{ id: 1, name: 'a' }],
});

describe('COCO rules', () => {
  it('a detection inside a crowd region is ignored, not a false positive', () => {
    const gt = gtJson([
      { id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 50, 50], area: 2500, iscrowd: 0 },
      { id: 2, image_id: 1, category_id: 1, bbox: [100, 100, 200, 200], area: 40000, iscrowd: 1 },
    ]);
    const withCrowdHit = evaluateCocoJson(gt, [
      { image_id: 1, category_id: 1, bbox: [0, 0, 50, 50], score: 0.9 },
      { image_id: 1, category_id: 1, bbox: [120, 120, 50, 50], score: 0.95 },
      { image_id: 1, category_id: 1, bbox: [130, 130, 50, 50], score: 0.94 },
    ]);
    expect(withCrowdHit.stats[0]).toBeCloseTo(1, 10);
    expect(withCrowdHit.perClass[0].npos).toBe(1);
  });

  it('custom maxDets, IoU thresholds and area ranges; undefined summary entries are null (stats −1)', () => {
    const gt = gtJson([{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 }]);
    const results: CocoResultsJson = [{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 8], score: 0.9 }]; // IoU 0.8
    const r = evaluateCocoJson(gt, results, { iouThresholds: [0.5, 0.85], areaRanges: [{ label: 'all', min: 0, max: 1e10 }], maxDets: [1, 5, 20] });
    expect(r.stats[0]).toBeCloseTo(0.5, 10); // hit at 0.5, miss at 0.85
    expect(r.stats[1]).toBeCloseTo(1, 10);
    expect(r.stats[2]).toBe(-1); // no 0.75 threshold
    expect(r.summary[2].value).toBeNull();
    expect(r.stats[3]).toBe(-1); // no 'small' range
    expect(r.summary[8]).toMatchObject({ name: 'AR20', value: 0.5 });
  });

  it('the `ignore` field of a JSON annotation is not used (as pycocotools); the typed form has an ignore flag', () => {
    const gt = gtJson([{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0, ignore: 1 } as CocoGtJson['annotations'][number]]);
    expect(evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], score: 0.9 }]).stats[0]).toBeCloseTo(1, 12);
    const arrays = (ignore: number): CocoArrays => ({
      numImages: 1,
      categoryNames: ['a'],
      gt: { image: Int32Array.of(0, 0), category: Int32Array.of(0, 0), boxes: Float64Array.of(0, 0, 10, 10, 50, 50, 10, 10), area: Float64Array.of(100, 100), iscrowd: Uint8Array.of(0, 0), ignore: Uint8Array.of(0, ignore) },
      dt: { image: Int32Array.of(0, 0, 0), category: Int32Array.of(0, 0, 0), boxes: Float64Array.of(50, 50, 10, 10, 50, 50, 10, 10, 0, 0, 10, 10), scores: Float64Array.of(0.9, 0.8, 0.7) },
    });
    // ignored object: its first hit is ignored, the second a FP (an ignored object is matched once, unlike a crowd)
    const ignored = evaluateCocoArrays(arrays(1));
    expect(ignored.perClass[0].npos).toBe(1);
    expect(cocoMetric(ignored, { ap: true, iouThreshold: 0.5 })).toBeCloseTo(0.5, 12);
    expect(evaluateCocoArrays(arrays(0)).perClass[0].npos).toBe(2);
  });

  it('images without objects, classes without detections or ground truth', () => {
    const gt: CocoGtJson = { ...gtJson([{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 }]), categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] };
    const r = evaluateCocoJson(gt, [{ image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], score: 0.3 }]);
    expect(r.perClass.map((p) => p.ap)).toEqual([0, null]);
    expect(evaluateCocoJson(gt, []).stats[0]).toBe(0);
    expect(() => evaluateCocoJson(gt, [{ image_id: 9, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }])).toThrow(/results\.image_id', index 0/);
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1], score: 1 }])).toThrow(/results\.bbox', index 0/);
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: Number.NaN }])).toThrow(/results\.score/);
    expect(() => evaluateCocoJson({ ...gt, images: [{ id: 1 }, { id: 'x' }] }, [])).toThrow(/mix numbers and strings/);
  });

  it('typed EvalImage form equals the JSON form on the shared fixture', () => {
    const c = shared.cases[1];
    const images = toEvalImages(c, c.classes).map((im) => ({ ...im, groundTruth: { ...im.groundTruth, iscrowd: im.groundTruth.difficult } }));
    const typed = evaluateCoco(images, { classNames: c.classes });
    typed.stats.forEach((v, i) => expect(v).toBeCloseTo(c.coco.stats[i], 6));
  });

  it('options are checked', () => {
    expect(COCO_IOU_THRESHOLDS[5]).toBe(0.75);
    const empty: CocoArrays = {
      numImages: 0,
      categoryNames: [],
      gt: { image: new Int32Array(0), category: new Int32Array(0), boxes: new Float64Array(0), area: new Float64Array(0), iscrowd: new Uint8Array(0) },
      dt: { image: new Int32Array(0), category: new Int32Array(0), boxes: new Float64Array(0), scores: new Float64Array(0) },
    };
    expect(() => evaluateCocoArrays(empty, { maxDets: [10, 1] })).toThrow(/maxDets/);
    expect(() => evaluateCocoArrays(empty, { iouThresholds: [1.2] })).toThrow(/iouThresholds/);
    expect(() => evaluateCocoArrays(empty, { areaRanges: [{ label: 'x', min: 5, max: 1 }] })).toThrow(/areaRanges', index 0/);
    expect(() => evaluateCocoArrays({ ...empty, categoryNames: ['a'], dt: { ...empty.dt, image: Int32Array.of(0), category: Int32Array.of(0), boxes: new Float64Array(4), scores: new Float64Array(1) } })).toThrow(/dt\.image', index 0/);
  });
});
