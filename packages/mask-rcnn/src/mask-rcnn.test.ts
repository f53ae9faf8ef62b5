import { InvalidConfigError } from '@det/core';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fasterrcnnResnet50Fpn, maskrcnnResnet50Fpn } from './builders';
import type { FasterRCNN } from './faster-rcnn';
import type { MaskRCNN } from './mask-rcnn';

describe('MaskRCNN / FasterRCNN eval forward (random weights, small images) [wasm]', () => {
  let mask: MaskRCNN;
  let faster: FasterRCNN;
  const small = { minSize: 64, maxSize: 96, rpnPostNmsTopNTest: 50, boxDetectionsPerImg: 5 };

  beforeAll(async () => {
    await initBackend('wasm');
    // Three classes: softmax scores of random logits clear the 0.05 threshold, so the mask branch runs.
    mask = maskrcnnResnet50Fpn({ numClasses: 3, ...small }).eval();
    faster = fasterrcnnResnet50Fpn({ numClasses: 3, ...small }).eval();
  }, 60_000);

  afterAll(() => {
    mask?.dispose();
    faster?.dispose();
  });

  it('returns per image boxes (original pixels), labels 1…C−1, sorted scores and masks at the image size; leaves no tensor', () => {
    const a = { data: Float32Array.from({ length: 50 * 70 * 3 }, (_, i) => (i % 97) / 97), width: 70, height: 50 };
    const b = tf.randomUniform([40, 40, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const out = mask.forward([a, b], { maskProbabilities: true });
    expect(tf.memory().numTensors).toBe(before);
    expect(out.map((d) => [d.height, d.width])).toEqual([
      [50, 70],
      [40, 40],
    ]);
    for (const d of out) {
      const k = d.labels.length;
      expect(k).toBeGreaterThan(0);
      expect(k).toBeLessThanOrEqual(5);
      expect(d.boxes.length).toBe(4 * k);
      for (let i = 0; i < k; i++) {
        expect(d.labels[i]).toBeGreaterThanOrEqual(1);
        expect(d.labels[i]).toBeLessThan(3);
        if (i > 0) expect(d.scores[i]).toBeLessThanOrEqual(d.scores[i - 1]);
        expect(d.boxes[4 * i]).toBeGreaterThanOrEqual(0);
        expect(d.boxes[4 * i + 2]).toBeLessThanOrEqual(d.width + 1e-3);
        expect(d.boxes[4 * i + 3]).toBeLessThanOrEqual(d.height + 1e-3);
      }
      expect(d.masks).toHaveLength(k);
      expect(d.maskProbabilities).toHaveLength(k);
      d.masks?.forEach((m, i) => {
        expect(m.length).toBe(d.width * d.height);
        const p = d.maskProbabilities?.[i] as Float32Array;
        expect(m.every((v, j) => v === (p[j] > 0.5 ? 1 : 0))).toBe(true);
      });
    }
    b.dispose();
  }, 60_000);

  it('Faster R-CNN gives boxes without masks; an NHWC batch tensor works too', () => {
    const x = tf.randomUniform([2, 48, 64, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const out = faster.forward(x);
    expect(tf.memory().numTensors).toBe(before);
    expect(out).toHaveLength(2);
    for (const d of out) {
      expect(d.masks).toBeUndefined();
      expect([d.height, d.width]).toEqual([48, 64]);
    }
    x.dispose();
  }, 60_000);

  it('asks for evaluation mode instead of computing losses', () => {
    const x = tf.zeros([1, 32, 32, 3]) as tf.Tensor4D;
    expect(() => mask.forward(x, { training: true })).toThrow(InvalidConfigError);
    expect(mask.training).toBe(false);
    x.dispose();
  });
});
