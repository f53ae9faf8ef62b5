import { describe, expect, it } from 'vitest';
import { COCO_IOU_THRESHOLDS, evaluateCocoCells } from './coco';
import { type CocoGtJson, type CocoResultsJson, evaluateCocoJson } from './coco-json';
import { readMetricsFixture } from './fixture.test-helper';

const fixture = readMetricsFixture();

describe('evaluateCocoJson vs pycocotools COCOeval (bbox)', () => {
  fixture.cases.forEach((c, n) => {
    it(`case ${n}: the 12 summary stats and per-class AP to 1e-6`, () => {
      const r = evaluateCocoJson(c.coco_gt as CocoGtJson, c.coco_results as CocoResultsJson);
      r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.coco.stats[i], 6));
      for (const { className, ap } of r.perClass) expect(ap).toBeCloseTo(c.coco.per_class_ap[className], 6);
    });
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
    ]);
    expect(withCrowdHit.stats[0]).toBeCloseTo(1, 10);
  });

  it('custom maxDets are used by the summary (pycocotools would report −1 for AP without 100)', () => {
    const gt = gtJson([{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 50, 50], area: 2500, iscrowd: 0 }]);
    const results: CocoResultsJson = [{ image_id: 1, category_id: 1, bbox: [0, 0, 50, 50], score: 0.9 }];
    const r = evaluateCocoJson(gt, results, { maxDets: [1, 5, 20] });
    expect(r.stats[0]).toBeCloseTo(1, 10);
    expect(r.summary[8].name).toBe('AR20');
    expect(r.stats[8]).toBeCloseTo(1, 10);
  });

  it('custom IoU thresholds and area ranges; undefined summary entries are −1', () => {
    const gt = gtJson([{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0 }]);
    const results: CocoResultsJson = [{ image_id: 1, category_id: 1, bbox: [0, 0, 10, 8], score: 0.9 }]; // IoU 0.8
    const r = evaluateCocoJson(gt, results, { iouThresholds: [0.5, 0.85], areaRanges: [{ label: 'all', min: 0, max: 1e10 }] });
    expect(r.stats[0]).toBeCloseTo(0.5, 10); // hit at 0.5, miss at 0.85
    expect(r.stats[1]).toBeCloseTo(1, 10);
    expect(r.stats[2]).toBe(-1); // no 0.75 threshold
    expect(r.stats[3]).toBe(-1); // no 'small' range
  });

  it('images without objects and classes without detections', () => {
    const gt: CocoGtJson = { ...gtJson([{ id: 1, image_id: 1, category_id: 1, bbox: [0, 0, 10, 10], area: 100 }]), categories: [{ id: 1, name: 'a' }, { id: 2, name: 'b' }] };
    const r = evaluateCocoJson(gt, [{ image_id: 2, category_id: 1, bbox: [0, 0, 10, 10], score: 0.3 }]);
    expect(r.perClass.map((p) => p.ap)).toEqual([0, -1]);
    expect(() => evaluateCocoJson(gt, [{ image_id: 9, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }])).toThrow(/results\[0\]\.image_id/);
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1], score: 1 }])).toThrow(/results\[0\]\.bbox/);
  });

  it('thresholds equal numpy linspace values', () => {
    expect(COCO_IOU_THRESHOLDS.length).toBe(10);
    expect(COCO_IOU_THRESHOLDS[0]).toBe(0.5);
    expect(COCO_IOU_THRESHOLDS[9]).toBe(0.95);
    expect(() => evaluateCocoCells({ imageIds: [], categoryNames: [], cells: [] }, { maxDets: [10, 1] })).toThrow(/maxDets/);
  });
});
