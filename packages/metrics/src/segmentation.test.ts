import { describe, expect, it } from 'vitest';
import { prCurveSvg } from './pr-curve-svg';
import { ConfusionMatrix } from './segmentation';

describe('ConfusionMatrix', () => {
  it('computes pixel accuracy, mean accuracy, IoU, mIoU and FWIoU, skipping 255', () => {
    const cm = new ConfusionMatrix(3);
    cm.update([0, 0, 1, 1, 2, 0], [0, 1, 1, 1, 255, 0]);
    cm.update([2], [2]);
    const s = cm.compute();
    // targets: 0,1,1,1,0,2 (ignored pixel skipped) vs predictions 0,0,1,1,0,2
    expect(s.pixelAccuracy).toBeCloseTo(5 / 6, 12);
    expect(s.iou[0]).toBeCloseTo(2 / 3, 12); // tp 2, fp 1, fn 0
    expect(s.iou[1]).toBeCloseTo(2 / 3, 12); // tp 2, fn 1
    expect(s.iou[2]).toBe(1);
    expect(s.mIoU).toBeCloseTo((2 / 3 + 2 / 3 + 1) / 3, 12);
    expect(s.meanAccuracy).toBeCloseTo((1 + 2 / 3 + 1) / 3, 12);
    expect(s.frequencyWeightedIoU).toBeCloseTo((2 / 6) * (2 / 3) + (3 / 6) * (2 / 3) + (1 / 6) * 1, 12);
  });
  it('absent classes are null, not NaN, and excluded from the means', () => {
    const s = new ConfusionMatrix(4).update([0, 1], [0, 1]).compute();
    expect(s.iou).toEqual([1, 1, null, null]);
    expect(s.mIoU).toBe(1);
    expect(new ConfusionMatrix(2).compute().mIoU).toBe(0);
  });
  it('reports out-of-range labels with the pixel index', () => {
    expect(() => new ConfusionMatrix(2).update([0, 5], [0, 1])).toThrow(/field 'prediction', index 1/);
    expect(() => new ConfusionMatrix(2).update([0, 1], [0, 7])).toThrow(/field 'target', index 1/);
    expect(() => new ConfusionMatrix(2).update([0], [0, 1])).toThrow(/pixels/);
  });
});

describe('prCurveSvg', () => {
  it('draws one polyline per class with AP in the legend', () => {
    const svg = prCurveSvg([
      { className: 'cat <1>', ap: 0.5, precision: Float64Array.from([1, 0.5]), recall: Float64Array.from([0.5, 0.5]) },
      { className: 'dog', ap: null, precision: new Float64Array(0), recall: new Float64Array(0) },
    ]);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)?.length).toBe(1);
    expect(svg).toContain('cat &lt;1&gt; (AP 0.500)');
    expect(svg).toContain('dog (AP n/a)');
  });
});
