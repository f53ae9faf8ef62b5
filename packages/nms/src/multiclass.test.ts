import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { multiclassNms } from './multiclass';
import { softNms } from './soft-nms';

interface MulticlassCase {
  name: string;
  boxes: number[];
  scores: number[];
  classes: number;
  candidates_per_class: number;
  top_k: number;
  score_threshold: number;
  iou_threshold: number;
  out_boxes: number[];
  out_scores: number[];
  out_labels: number[];
}
const own = JSON.parse(readFileSync(new URL('../../../fixtures/nms/torchvision.json', import.meta.url), 'utf8')) as {
  multiclass: MulticlassCase[];
};

describe('multiclassNms vs torchvision SSD.postprocess_detections', () => {
  for (const c of own.multiclass) {
    it(c.name, () => {
      const d = multiclassNms(Float32Array.from(c.boxes), Float32Array.from(c.scores), {
        scoreThreshold: c.score_threshold,
        iouThreshold: c.iou_threshold,
        candidatesPerClass: c.candidates_per_class,
        topK: c.top_k,
      });
      expect(Array.from(d.labels)).toEqual(c.out_labels.map((l) => l - 1)); // torchvision labels count background as 0
      expect(Array.from(d.scores)).toEqual(Array.from(Float32Array.from(c.out_scores)));
      expect(Array.from(d.boxes)).toEqual(Array.from(Float32Array.from(c.out_boxes)));
    });
  }

  it('handles no candidates, all-background and no-background layouts', () => {
    const boxes = [0, 0, 1, 1, 2, 2, 3, 3];
    expect(multiclassNms(boxes, [1, 0, 1, 0]).scores.length).toBe(0);
    const d = multiclassNms(boxes, [0.2, 0.8, 0.9, 0.1], { backgroundClass: null, iouThreshold: 0.5 });
    expect(Array.from(d.labels)).toEqual([0, 1, 0, 1]);
    expect(Array.from(d.scores)).toEqual([0.9, 0.8, 0.2, 0.1].map(Math.fround));
    expect(multiclassNms([], []).boxes.length).toBe(0);
    expect(() => multiclassNms(boxes, [0.1, 0.2, 0.3])).toThrow(/field 'scores'/);
  });
});

describe('softNms', () => {
  const boxes = [0, 0, 10, 10, 1, 0, 11, 10, 50, 50, 60, 60];
  it('linear decays overlapping scores by (1 − IoU) and keeps the selection order', () => {
    const r = softNms(boxes, [0.9, 0.8, 0.7], { method: 'linear', iouThreshold: 0.3 });
    expect(Array.from(r.indices)).toEqual([0, 2, 1]);
    const iou = 90 / 110;
    expect(r.scores[2]).toBeCloseTo(0.8 * (1 - iou), 6);
  });
  it('gaussian decays by exp(−IoU²/σ) and drops scores under the threshold', () => {
    const r = softNms(boxes, [0.9, 0.8, 0.7], { sigma: 0.5 });
    const iou = 90 / 110;
    expect(r.scores[2]).toBeCloseTo(0.8 * Math.exp(-(iou * iou) / 0.5), 6);
    expect(softNms(boxes, [0.9, 0.8, 0.7], { method: 'linear', scoreThreshold: 0.5 }).indices.length).toBe(2);
    expect(() => softNms(boxes, [0.9, 0.8, 0.7], { method: 'cubic' as 'linear' })).toThrow(/field 'method'/);
  });
});
