import { describe, expect, it } from 'vitest';
import { type CocoArrays, evaluateCocoArrays } from './coco';
import { type CocoGtJson, type CocoResultsJson, evaluateCoco, evaluateCocoJson } from './coco-json';
import type { CocoEvalOptions } from './coco-params';
import { rleFromSegmentation } from './coco-segmentation';
import { maskIou } from './mask-iou';
import { type Rle, rleArea, rleEncode } from './rle';
import { rleFromJson, rleToJson } from './rle-string';
import { readSegmFixture } from './segm-fixture.test-helper';

const fixture = readSegmFixture();

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
};

type Case = (typeof fixture.coco)[number];
const optionsOf = (c: Case): CocoEvalOptions => ({
  iouType: 'segm',
  iouThresholds: c.params?.iouThrs,
  maxDets: c.params?.maxDets,
  areaRanges: c.params?.areaRng?.map(([min, max], i) => ({ label: c.params?.areaRngLbl?.[i] as string, min, max })),
});

/** Per (t, k, a, m): the sum over recall points of p and of (r + 1)·p, as the fixture's digest. */
function digestOf(precision: Float64Array, dims: { T: number; R: number; K: number; A: number; M: number }): Float64Array {
  const { T, R, K, A, M } = dims;
  const digest = new Float64Array(2 * T * K * A * M);
  let cell = 0;
  for (let t = 0; t < T; t++)
    for (let k = 0; k < K; k++)
      for (let a = 0; a < A; a++)
        for (let m = 0; m < M; m++, cell++) {
          for (let ri = 0; ri < R; ri++) {
            const p = precision[(((t * R + ri) * K + k) * A + a) * M + m];
            digest[2 * cell] += p;
            digest[2 * cell + 1] += (ri + 1) * p;
          }
        }
  return digest;
}

describe("evaluateCocoJson(iouType: 'segm') vs pycocotools COCOeval(iouType='segm')", () => {
  for (const c of fixture.coco) {
    it(`${c.name}: eval['recall'], eval['precision'] digest, stats and per-class AP`, () => {
      const data = fixture.coco_data[c.data];
      const r = evaluateCocoJson(data.gt as CocoGtJson, data.results as CocoResultsJson, optionsOf(c));
      expect([r.dims.T, r.dims.R, r.dims.K, r.dims.A, r.dims.M]).toEqual(c.dims);
      expect(maxDiff(r.recall, c.recall)).toBeLessThan(1e-12);
      expect(maxDiff(digestOf(r.precision, r.dims), c.precision_digest)).toBeLessThan(1e-9);
      r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.stats_largest_maxdets[i], 12));
      if (!c.params?.maxDets) r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.stats[i], 12));
      r.perClass.forEach((p, k) => expect(p.ap ?? -1).toBeCloseTo(c.per_class_ap[k], 12));
    });
  }

  it("results with a bbox: as pycocotools' loadRes, their area (for the area ranges) is the bbox's w·h", () => {
    const [plain, withBbox] = ['segm', 'segm-results-with-bbox'].map((name) => fixture.coco.find((c) => c.name === name) as Case);
    expect(withBbox.stats[3]).not.toBeCloseTo(plain.stats[3], 6); // APs moves
    const data = fixture.coco_data[withBbox.data];
    const results = data.results as CocoResultsJson;
    const r = evaluateCocoJson(data.gt as CocoGtJson, results, { iouType: 'segm' });
    expect(r.stats[3]).toBeCloseTo(withBbox.stats[3], 12);
    // without the first result's bbox pycocotools takes the other branch: mask areas for all
    const firstWithout = [{ ...results[0], bbox: undefined }, ...results.slice(1)];
    expect(evaluateCocoJson(data.gt as CocoGtJson, firstWithout, { iouType: 'segm' }).stats[3]).toBeCloseTo(plain.stats[3], 12);
    const secondWithout = [results[0], { ...results[1], bbox: undefined }, ...results.slice(2)];
    expect(() => evaluateCocoJson(data.gt as CocoGtJson, secondWithout, { iouType: 'segm' })).toThrow(/results\.bbox', index 1: .*results\[0\] has a bbox/);
  });

  it("the IoU matrices equal COCOeval.ious for every image and category (maskIou in pycocotools' order)", () => {
    const c = fixture.coco.find((x) => x.name === 'segm') as Case;
    const gt = fixture.coco_data[c.data].gt as CocoGtJson;
    const results = fixture.coco_data[c.data].results as CocoResultsJson;
    const size = new Map(gt.images.map((im) => [im.id, im]));
    const rleOf = (seg: unknown, imageId: number | string): Rle => {
      const im = size.get(imageId) as { height: number; width: number };
      return rleFromSegmentation(seg as never, im.height, im.width);
    };
    let cells = 0;
    for (const [key, expected] of Object.entries(c.ious ?? {})) {
      const [imageId, categoryId] = key.split(',').map(Number);
      const g = gt.annotations.filter((a) => a.image_id === imageId && a.category_id === categoryId);
      const d = results.filter((x) => x.image_id === imageId && x.category_id === categoryId);
      const order = d.map((_, i) => i).sort((x, y) => d[y].score - d[x].score || x - y).slice(0, 100);
      const iou = maskIou(
        order.map((i) => rleOf(d[i].segmentation, imageId)),
        g.map((a) => rleOf(a.segmentation, imageId)),
        g.map((a) => Number(a.iscrowd ?? 0)),
      );
      expect(Array.from(iou)).toEqual(expected.flat());
      cells++;
    }
    expect(cells).toBeGreaterThan(10);
  });

  it('the array API gives the same numbers (masks as RLEs, gt area from the annotations)', () => {
    const c = fixture.coco.find((x) => x.name === 'segm') as Case;
    const gt = fixture.coco_data[c.data].gt as CocoGtJson;
    const results = fixture.coco_data[c.data].results as CocoResultsJson;
    const imageIds = gt.images.map((im) => im.id as number).sort((a, b) => a - b);
    const catIds = gt.categories.map((x) => x.id).sort((a, b) => a - b);
    const im = (id: number | string) => gt.images.find((x) => x.id === id) as { height: number; width: number };
    const arrays: CocoArrays = {
      numImages: imageIds.length,
      categoryNames: catIds.map((id) => `c${id}`),
      gt: {
        image: Int32Array.from(gt.annotations, (a) => imageIds.indexOf(a.image_id as number)),
        category: Int32Array.from(gt.annotations, (a) => catIds.indexOf(a.category_id)),
        masks: gt.annotations.map((a) => rleFromSegmentation(a.segmentation as never, im(a.image_id).height, im(a.image_id).width)),
        area: Float64Array.from(gt.annotations, (a) => a.area as number),
        iscrowd: Uint8Array.from(gt.annotations, (a) => Number(a.iscrowd)),
      },
      dt: {
        image: Int32Array.from(results, (r) => imageIds.indexOf(r.image_id as number)),
        category: Int32Array.from(results, (r) => catIds.indexOf(r.category_id)),
        masks: results.map((r) => rleFromJson(r.segmentation as never)),
        scores: Float64Array.from(results, (r) => r.score),
      },
    };
    const r = evaluateCocoArrays(arrays, { iouType: 'segm' });
    r.stats.forEach((v, i) => expect(v).toBeCloseTo(c.stats[i], 12));
    expect(maxDiff(r.recall, c.recall)).toBeLessThan(1e-12);
  });
});

describe('segm input checks', () => {
  const square = (h: number, w: number, x0: number, y0: number, side: number): Rle => {
    const m = new Uint8Array(h * w);
    for (let y = y0; y < y0 + side; y++) for (let x = x0; x < x0 + side; x++) m[y * w + x] = 1;
    return rleEncode(m, h, w);
  };
  const gt: CocoGtJson = {
    images: [{ id: 1, height: 20, width: 30 }, { id: 2 }],
    annotations: [
      { id: 1, image_id: 1, category_id: 1, segmentation: [[2, 2, 12, 2, 12, 12, 2, 12]], iscrowd: 0 },
      { id: 2, image_id: 2, category_id: 1, segmentation: rleToJson(square(10, 10, 1, 1, 5)), area: 25, iscrowd: 0 },
    ],
    categories: [{ id: 1, name: 'a' }],
  };

  it('scores masks; the ground-truth area defaults to the pixel count; images without a size take RLEs as they are', () => {
    const results: CocoResultsJson = [
      { image_id: 1, category_id: 1, segmentation: rleToJson(square(20, 30, 2, 2, 10)), score: 0.9 },
      { image_id: 2, category_id: 1, segmentation: rleToJson(square(10, 10, 1, 1, 5)), score: 0.8 },
    ];
    const r = evaluateCocoJson(gt, results, { iouType: 'segm' });
    expect(r.stats[0]).toBeCloseTo(1, 12);
    expect(rleArea(rleFromSegmentation(gt.annotations[0].segmentation as never, 20, 30))).toBe(100);
    expect(r.stats[3]).toBeCloseTo(1, 12); // both small
    expect(r.params.iouType).toBe('segm');
  });

  it('errors name the annotation or result and what was expected', () => {
    const ok = rleToJson(square(20, 30, 2, 2, 10));
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, segmentation: rleToJson(square(30, 20, 2, 2, 10)), score: 1 }], { iouType: 'segm' })).toThrow(
      /field 'results\.segmentation\.size', index 0: mask size differs from the size of image 1 \(expected \[20, 30\]/,
    );
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, segmentation: { size: [20, 30], counts: 'a~' }, score: 1 }], { iouType: 'segm' })).toThrow(
      /field 'results\.segmentation', index 0: RLE counts has "~" at character 1/,
    );
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, segmentation: { size: [20, 30], counts: '5' }, score: 1 }], { iouType: 'segm' })).toThrow(/index 0: RLE counts sum to 5/);
    expect(() => evaluateCocoJson(gt, [{ image_id: 1, category_id: 1, bbox: [0, 0, 1, 1], score: 1 }], { iouType: 'segm' })).toThrow(/results\.segmentation', index 0: segmentation is needed/);
    const polygonNoSize: CocoGtJson = { ...gt, annotations: [{ ...gt.annotations[0], image_id: 2 }] };
    expect(() => evaluateCocoJson(polygonNoSize, [{ image_id: 1, category_id: 1, segmentation: ok, score: 1 }], { iouType: 'segm' })).toThrow(
      /annotations\.segmentation', index 0: rasterising a polygon needs the image's height and width/,
    );
    const wrongSize: CocoGtJson = { ...gt, annotations: [gt.annotations[0], { ...gt.annotations[1], image_id: 1 }] };
    expect(() => evaluateCocoJson(wrongSize, [], { iouType: 'segm' })).toThrow(/annotations\.segmentation\.size', index 1/);
    expect(() => evaluateCocoJson(gt, [], { iouType: 'mask' as never })).toThrow(/iouType/);
    expect(() => evaluateCoco([], { classNames: ['a'], iouType: 'segm' })).toThrow(/evaluateCoco scores boxes/);
  });

  it('the array API checks masks: presence, one size per image, valid counts', () => {
    const base: CocoArrays = {
      numImages: 1,
      categoryNames: ['a'],
      gt: { image: Int32Array.of(0), category: Int32Array.of(0), masks: [square(10, 10, 0, 0, 4)], area: Float64Array.of(16), iscrowd: Uint8Array.of(0) },
      dt: { image: Int32Array.of(0), category: Int32Array.of(0), masks: [square(10, 10, 1, 0, 4)], scores: Float64Array.of(0.5) },
    };
    expect(evaluateCocoArrays(base, { iouType: 'segm' }).stats[1]).toBeCloseTo(1, 12); // IoU 12/20 = 0.6
    expect(() => evaluateCocoArrays({ ...base, dt: { ...base.dt, masks: undefined } }, { iouType: 'segm' })).toThrow(/dt\.masks is needed for iouType 'segm'/);
    expect(() => evaluateCocoArrays(base)).toThrow(/gt\.boxes is needed for iouType 'bbox'/);
    expect(() => evaluateCocoArrays({ ...base, dt: { ...base.dt, masks: [square(10, 12, 0, 0, 4)] } }, { iouType: 'segm' })).toThrow(
      /field 'dt\.masks', index 0: mask size differs from the other masks of image 0 \(expected \[10, 10\] as gt\.masks\[0\]/,
    );
    const bad = { height: 10, width: 10, counts: Uint32Array.of(5, 5) };
    expect(() => evaluateCocoArrays({ ...base, gt: { ...base.gt, masks: [bad] } }, { iouType: 'segm' })).toThrow(/field 'gt\.masks', index 0: RLE counts sum to 10/);
    expect(() => evaluateCocoArrays({ ...base, dt: { ...base.dt, area: Float64Array.of(1, 2) } }, { iouType: 'segm' })).toThrow(/dt\.area has 2 entries/);
  });
});
