import { iouAt } from '@det/boxes';
import { createRandom, type Detections, InvalidConfigError, NotFiniteError, ShapeMismatchError } from '@det/core';
import { describe, expect, it } from 'vitest';
import { multiclassNms, multiclassNmsPresets } from './multiclass';
import { readFixture } from './test-support';

interface SsdCase {
  name: string;
  boxes: number[];
  scores: number[];
  classes: number;
  /** Expected detections as [prior, score column], in the reference's order. */
  detections: [number, number][];
}
interface TorchvisionCase extends SsdCase {
  score_thresh: number;
  topk_candidates: number;
  nms_thresh: number;
  detections_per_img: number;
}
interface SsdPytorchCase extends SsdCase {
  conf_thresh: number;
  nms_thresh: number;
  top_k: number;
}
const fixture = readFixture<{ torchvision_ssd: TorchvisionCase[]; ssd_pytorch_detect: SsdPytorchCase[] }>('fixtures/nms/multiclass.json');

/** Rows [label, score, x1, y1, x2, y2] of detections. */
const rows = (d: Detections) => Array.from(d.labels, (l, k) => [l, d.scores[k], ...d.boxes.subarray(4 * k, 4 * k + 4)]);
/** Rows of the reference's [prior, column] pairs, read back from the inputs (float32 like ours). */
function expectedRows(c: SsdCase): number[][] {
  const boxes = Float32Array.from(c.boxes);
  const scores = Float32Array.from(c.scores);
  return c.detections.map(([p, col]) => [col - 1, scores[p * c.classes + col], ...boxes.subarray(4 * p, 4 * p + 4)]);
}

describe('multiclassNms vs torchvision SSD.postprocess_detections', () => {
  it.each(fixture.torchvision_ssd)('$name', (c) => {
    const d = multiclassNms(Float32Array.from(c.boxes), Float32Array.from(c.scores), {
      scoreThreshold: c.score_thresh,
      iouThreshold: c.nms_thresh,
      candidatesPerClass: c.topk_candidates,
      topK: c.detections_per_img,
    });
    expect(rows(d)).toEqual(expectedRows(c)); // torchvision labels are score columns: ours + 1
  });
  it('the torchvision preset is its defaults', () => {
    const c = fixture.torchvision_ssd.find((x) => x.topk_candidates === 400 && x.detections_per_img === 200);
    expect(c).toBeDefined();
    if (c) expect(rows(multiclassNms(Float32Array.from(c.boxes), Float32Array.from(c.scores), multiclassNmsPresets.torchvision))).toEqual(expectedRows(c));
  });
});

describe('multiclassNms vs ssd.pytorch Detect', () => {
  it.each(fixture.ssd_pytorch_detect)('$name', (c) => {
    const options = { ...multiclassNmsPresets.ssdPytorch, scoreThreshold: c.conf_thresh, iouThreshold: c.nms_thresh, candidatesPerClass: c.top_k, maxPerClass: c.top_k };
    const d = multiclassNms(Float32Array.from(c.boxes), Float32Array.from(c.scores), options);
    // Detect returns detections class by class; ours are sorted by score: compare class by class.
    const byClass = rows(d).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    expect(byClass).toEqual(expectedRows(c));
    if (c.top_k === 200) expect(rows(multiclassNms(Float32Array.from(c.boxes), Float32Array.from(c.scores), multiclassNmsPresets.ssdPytorch)).length).toBe(byClass.length);
  });
});

describe('multiclassNms', () => {
  const boxes = [0, 0, 1, 1, 2, 2, 3, 3];
  it('handles no candidates, all-background and no-background layouts', () => {
    expect(multiclassNms(boxes, [1, 0, 1, 0]).scores.length).toBe(0);
    const d = multiclassNms(boxes, [0.2, 0.8, 0.9, 0.1], { backgroundClass: null, iouThreshold: 0.5 });
    expect(Array.from(d.labels)).toEqual([0, 1, 0, 1]);
    expect(Array.from(d.scores)).toEqual([0.9, 0.8, 0.2, 0.1].map(Math.fround));
    expect(multiclassNms([], []).boxes.length).toBe(0);
  });
  it('maps score columns to 0-based foreground labels around the background column', () => {
    const d = multiclassNms([0, 0, 1, 1], [0.1, 0.2, 0.3, 0.4], { backgroundClass: 2, topK: Number.POSITIVE_INFINITY });
    expect(Array.from(d.labels)).toEqual([2, 1, 0]); // columns 3, 1, 0
  });
  it('applies candidatesPerClass before NMS, maxPerClass after it, topK over classes', () => {
    const many = Array.from({ length: 10 }, (_, i) => [10 * i, 0, 10 * i + 5, 5]).flat();
    const probs = Array.from({ length: 10 }, (_, i) => [0.5, 0.5 - i / 40, 0.01 + i / 100]).flat();
    expect(multiclassNms(many, probs, { candidatesPerClass: 3 }).scores.length).toBe(6);
    expect(multiclassNms(many, probs, { maxPerClass: 2 }).scores.length).toBe(4);
    const top = multiclassNms(many, probs, { topK: 5 });
    expect(Array.from(top.scores)).toEqual([0.5, 0.475, 0.45, 0.425, 0.4].map(Math.fround));
    expect(multiclassNms(many, probs, { scoreThreshold: 0.05 }).scores.length).toBe(10 + probs.filter((v, k) => k % 3 === 2 && v > 0.05).length);
  });
  it('property-style: sorted output, per-class IoU ≤ threshold, scores above threshold, same for float64 input', () => {
    const random = createRandom(21);
    const p = 400;
    const c = 6;
    const b = new Float32Array(4 * p);
    const s = new Float32Array(p * c);
    for (let i = 0; i < p; i++) {
      const x = random() * 80;
      const y = random() * 80;
      b.set([x, y, x + 10 + random() * 20, y + 10 + random() * 20], 4 * i);
      let sum = 0;
      const e = Array.from({ length: c }, (_, k) => Math.exp(2 * random() + (k === 0 ? 1 : 0)));
      for (const v of e) sum += v;
      e.forEach((v, k) => {
        s[i * c + k] = v / sum;
      });
    }
    const d = multiclassNms(b, s, { topK: 100 });
    expect(d.scores.length).toBe(100);
    for (let k = 1; k < 100; k++) expect(d.scores[k - 1]).toBeGreaterThanOrEqual(d.scores[k]);
    for (let k = 0; k < 100; k++) {
      expect(d.scores[k]).toBeGreaterThan(0.01);
      for (let m = k + 1; m < 100; m++) if (d.labels[k] === d.labels[m]) expect(iouAt(d.boxes, k, d.boxes, m)).toBeLessThanOrEqual(0.45);
    }
    expect(rows(multiclassNms(Array.from(b), Array.from(s), { topK: 100 }))).toEqual(rows(d));
  });
  it('rejects bad shapes, NaN scores and bad options, naming the field', () => {
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3])).toThrow(ShapeMismatchError);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3])).toThrow(/field 'scores'/);
    expect(() => multiclassNms([], [0.5])).toThrow(ShapeMismatchError);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, Number.NaN])).toThrow(NotFiniteError);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, Number.NaN])).toThrow(/index 3/);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, 0.4], { backgroundClass: 2 })).toThrow(/field 'backgroundClass'/);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, 0.4], { topK: 0 })).toThrow(InvalidConfigError);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, 0.4], { candidatesPerClass: -1 })).toThrow(/field 'candidatesPerClass'/);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, 0.4], { maxPerClass: 2.5 })).toThrow(/field 'maxPerClass'/);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, 0.4], { iouThreshold: 2 })).toThrow(/field 'iouThreshold'/);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3, 0.4], { scoreThreshold: Number.NaN })).toThrow(/field 'scoreThreshold'/);
  });
});
