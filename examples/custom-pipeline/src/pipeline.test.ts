import { manualSeed } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: plain ESM example module without types
import { TinySsd } from './pipeline.mjs';

describe('hand-assembled SSD (examples/custom-pipeline)', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('has one prediction row per default box, learns, detects, and leaks nothing', () => {
    manualSeed(0); // deterministic weights and input: the loss check below must not depend on the draw
    const model = new TinySsd(4);
    const p = model.priors.length / 4;
    expect(p).toBe((64 + 16 + 4) * 4);
    const x = tf.randomNormal([2, 64, 64, 3], 0, 1, 'float32', 7);
    const truths = [{ boxes: [0.1, 0.2, 0.6, 0.7], labels: [1] }, { boxes: [], labels: [] }];
    const params = model.trainableParameters();
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 4; step++) {
      const { value, grads } = tf.variableGrads(() => model.loss(x, truths).loss, params);
      losses.push(value.dataSync()[0]);
      tf.tidy(() => {
        for (const v of params) v.assign(tf.sub(v, tf.mul(grads[v.name], 0.05)));
      });
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(losses[3]).toBeLessThan(losses[0]);
    const dets = model.detect(x, 64, { scoreThreshold: 0 });
    expect(dets).toHaveLength(2);
    expect(dets[0].boxes.length).toBe(4 * dets[0].scores.length);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });
});
