import { describe, expect, it } from 'vitest';
import { readReferenceFixture } from './reference-fixture.test-helper';
import { ConfusionMatrix } from './segmentation';

describe('ConfusionMatrix vs torchvision reference formulas and MMSegmentation nanmeans', () => {
  readReferenceFixture().segmentation.forEach((c, n) => {
    it(`case ${n}: ${c.num_classes} classes, ${c.shape.join('×')} pixels`, () => {
      const cm = new ConfusionMatrix(c.num_classes);
      const per = c.shape[1] * c.shape[2];
      for (let b = 0; b < c.shape[0]; b++) cm.update(c.prediction.slice(b * per, (b + 1) * per), c.target.slice(b * per, (b + 1) * per));
      expect(Array.from(cm.matrix)).toEqual(c.matrix);
      const s = cm.compute();
      expect(s.pixelAccuracy).toBeCloseTo(c.pixel_accuracy, 12);
      s.iou.forEach((v, k) => (c.iou[k] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(c.iou[k] as number, 12)));
      s.accuracy.forEach((v, k) => (c.accuracy[k] === null ? expect(v).toBeNull() : expect(v).toBeCloseTo(c.accuracy[k] as number, 12)));
      expect(s.mIoU).toBeCloseTo(c.miou, 12);
      expect(s.meanAccuracy).toBeCloseTo(c.mean_accuracy, 12);
      expect(s.frequencyWeightedIoU).toBeCloseTo(c.fwiou, 12);
    });
  });
});

describe('ConfusionMatrix', () => {
  it('computes pixel accuracy, mean accuracy, IoU, mIoU and FWIoU, skipping 255', () => {
    const cm = new ConfusionMatrix(3);
    cm.update([0, 0, 1, 1, 2, 0], [0, 1, 1, 1, 255, 0]);
    cm.update(Uint8Array.of(2), Uint8Array.of(2));
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
  it('absent classes are null, not NaN, and left out of the means; a class only predicted has IoU 0', () => {
    const s = new ConfusionMatrix(4).update([0, 1, 3], [0, 1, 1]).compute();
    expect(s.iou).toEqual([1, 0.5, null, 0]);
    expect(s.accuracy).toEqual([1, 0.5, null, null]);
    expect(s.mIoU).toBe(0.5);
    expect(() => new ConfusionMatrix(2).compute()).toThrow(/no pixels counted/);
    expect(() => new ConfusionMatrix(2).update([0], [255]).compute()).toThrow(/no pixels counted/);
  });
  it('configurable ignore index; reset', () => {
    const cm = new ConfusionMatrix(2, { ignoreIndex: -1 }).update([0, 1], [-1, 1]);
    expect(Array.from(cm.matrix)).toEqual([0, 0, 0, 1]);
    cm.reset();
    expect(Array.from(cm.matrix)).toEqual([0, 0, 0, 0]);
    expect(() => new ConfusionMatrix(2, { ignoreIndex: 1 })).toThrow(/ignoreIndex/);
  });
  it('reports out-of-range labels with the pixel index and leaves the matrix unchanged', () => {
    const cm = new ConfusionMatrix(2).update([0], [0]);
    expect(() => cm.update([0, 5], [0, 1])).toThrow(/field 'prediction', index 1/);
    expect(() => cm.update([0, 1], [0, 7])).toThrow(/field 'target', index 1/);
    expect(() => cm.update([0], [0, 1])).toThrow(/pixels/);
    expect(Array.from(cm.matrix)).toEqual([1, 0, 0, 0]);
    expect(() => new ConfusionMatrix(0)).toThrow(/numClasses/);
  });
});
