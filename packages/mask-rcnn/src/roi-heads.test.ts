import { InvalidConfigError } from '@det/core';
import { Identity } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HW } from './anchor-generator';
import { BoxCoder } from './box-coder';
import { maxAbsDiff, reference } from './fixture.test-helper';
import { MultiScaleRoIAlign } from './poolers';
import { RoIHeads } from './roi-heads';

describe('RoIHeads vs torchvision [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const ref = reference().roiHeads;
  const heads = () =>
    new RoIHeads(new MultiScaleRoIAlign(['0'], 7, 2), new Identity(), new Identity(), { detectionsPerImg: ref.detectionsPerImg }).eval();

  it('postprocess_detections: per-class boxes, softmax, background dropped, score 0.05, min size, NMS 0.5, top-k', () => {
    const before = tf.memory().numTensors;
    const roi = heads();
    const k = ref.classLogits.length / ref.numClasses;
    const logits = tf.tensor2d(ref.classLogits, [k, ref.numClasses]);
    const regression = tf.tensor2d(ref.boxRegression, [k, 4 * ref.numClasses]);
    const proposals = ref.proposals.map((p: number[]) => Float32Array.from(p));
    const got = roi.postprocessDetections(logits, regression, proposals, ref.imageShapes as HW[]);
    got.forEach((d, i) => {
      expect(Array.from(d.labels)).toEqual(ref.labels[i]);
      expect(maxAbsDiff(d.scores, ref.scores[i])).toBeLessThan(1e-6);
      expect(maxAbsDiff(d.boxes, ref.boxes[i])).toBeLessThan(1e-4);
    });
    tf.dispose([logits, regression]);
    roi.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('decodes with weights (10, 10, 5, 5) and clamps dw, dh at log(1000/16)', () => {
    const coder = new BoxCoder([10, 10, 5, 5]);
    const [x1, y1, x2, y2] = coder.decode([0, 0, 50, -50], [10, 10, 20, 30]);
    expect(x2 - x1).toBeCloseTo(10 * (1000 / 16), 3);
    expect(y2 - y1).toBeCloseTo(20 * Math.exp(-10), 6);
    const back = coder.encode([12, 11, 24, 35], [10, 10, 20, 30]);
    const again = coder.decode(back, [10, 10, 20, 30]);
    expect(maxAbsDiff(again, [12, 11, 24, 35])).toBeLessThan(1e-5);
  });

  it('names a mask predictor whose classes do not cover the labels', () => {
    const roi = heads();
    const logits = tf.zeros([1, 28, 28, 20]) as tf.Tensor4D;
    expect(() => roi.maskProbabilities(logits, Int32Array.of(20))).toThrow(InvalidConfigError);
    logits.dispose();
    roi.dispose();
  });
});
