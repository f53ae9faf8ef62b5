import '@tensorflow/tfjs-backend-cpu';
import { defaultBoxes, SSD7 } from '@det/anchors';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoxes as decodeHost } from '../encode';
import { decodeBoxes } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('@det/codec/tfjs decodeBoxes', () => {
  it('matches the host decoder for a batch, from a tensor or array of priors, without leaking', () => {
    const priors = defaultBoxes(SSD7);
    const p = priors.length / 4;
    const locData = Float32Array.from({ length: 2 * p * 4 }, (_, i) => Math.sin(i) * 2);
    const before = tf.memory().numTensors;
    const loc = tf.tensor3d(locData, [2, p, 4]);
    const priorTensor = tf.tensor2d(priors, [p, 4]);
    for (const pr of [priors, priorTensor]) {
      const out = decodeBoxes(loc, pr, { means: [0, 0.01, 0, 0] });
      expect(out.shape).toEqual([2, p, 4]);
      const want = decodeHost(locData, priors, { means: [0, 0.01, 0, 0] });
      const got = out.dataSync();
      for (let k = 0; k < want.length; k += 997) expect(got[k]).toBeCloseTo(want[k], 5);
      out.dispose();
    }
    tf.dispose([loc, priorTensor]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
