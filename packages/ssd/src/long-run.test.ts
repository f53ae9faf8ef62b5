import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { ssd7 } from './builders';

describe('SSD7 long runs leak nothing [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('200 training steps (forward, MultiBox loss, backward, SGD update) and 500 predictions', () => {
    const model = ssd7({ numClasses: 3, imageSize: 64 });
    const x = tf.randomNormal([2, 64, 64, 3]);
    const truths = [
      { boxes: [0.1, 0.1, 0.6, 0.5], labels: [1] },
      { boxes: [0.3, 0.2, 0.9, 0.9, 0.05, 0.6, 0.35, 0.95], labels: [0, 1] },
    ];
    const params = model.trainableParameters();
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 200; step++) {
      const { value, grads } = tf.variableGrads(() => model.computeLoss(x, truths).loss, params);
      losses.push(value.dataSync()[0]);
      tf.tidy(() => {
        for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name], 0.01)));
      });
      tf.dispose([value, ...Object.values(grads)]);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[199]).toBeLessThan(losses[0] / 2);
    const image = { width: 80, height: 60, data: new Float32Array(80 * 60 * 3).fill(90) };
    for (let i = 0; i < 500; i++) model.predict([image], { scoreThreshold: 0.5 });
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });
});
