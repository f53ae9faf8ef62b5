import '@tensorflow/tfjs-backend-cpu';
// tfjs-core registers no gradients by itself in Node (the @det/tfjs package does); the test needs them for tf.grad.
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import { InvalidBoxError, InvalidConfigError, ShapeMismatchError } from '@det/core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeBoxes as decodeHost } from '../encode';
import { expectClose, gather, own, PRIORS } from '../test-support';
import { decodeBoxes } from './index';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const priors = PRIORS.custom_128;
const P = priors.length / 4;
const options = { means: [0, 0.01, -0.02, 0] as const, stds: [0.1, 0.1, 0.2, 0.2] as const };

describe('@det/codec/tfjs decodeBoxes', () => {
  it('equals the host decoder on a [2, P, 4] batch, priors as tensor or Float32Array, without leaking', () => {
    const locData = Float32Array.from({ length: 2 * P * 4 }, (_, i) => Math.sin(i) * 2);
    const want = decodeHost(locData, priors, options);
    const before = tf.memory().numTensors;
    const loc = tf.tensor3d(locData, [2, P, 4]);
    const priorTensor = tf.tensor2d(priors, [P, 4]);
    for (const pr of [priors, Array.from(priors), priorTensor]) {
      const out = decodeBoxes(loc, pr, options);
      expect(out.shape).toEqual([2, P, 4]);
      expectClose(out.dataSync(), want, 1e-5);
      out.dispose();
    }
    tf.dispose([loc, priorTensor]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches ssd.pytorch decode() (own fixture, custom means/stds)', () => {
    const c = own.decode[1];
    const p = gather(PRIORS[c.prior_set], c.prior_index);
    const before = tf.memory().numTensors;
    const out = tf.tidy(() => decodeBoxes(tf.tensor2d(c.loc, [c.prior_index.length, 4]), p, { means: c.means, stds: c.stds }));
    expectClose(out.dataSync(), c.xyxy, 1e-5);
    out.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is differentiable in loc, with finite gradients and no leaks', () => {
    const before = tf.memory().numTensors;
    const loc = tf.randomNormal([1, P, 4], 0, 1, 'float32', 3);
    const grad = tf.grad((l: tf.Tensor) => tf.sum(decodeBoxes(l, priors)))(loc);
    expect(grad.shape).toEqual([1, P, 4]);
    const g = grad.dataSync();
    expect(g.every(Number.isFinite)).toBe(true);
    // d(sum of x1 + x2)/d(loc_cx) = 2 · std · prior width.
    expect(g[0]).toBeCloseTo(2 * 0.1 * priors[2], 5);
    tf.dispose([loc, grad]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects shapes that do not fit, before making any tensor', () => {
    const loc = tf.zeros([2, P, 4]);
    const flat = tf.zeros([P * 4]);
    const one = tf.zeros([1, 4]);
    const before = tf.memory().numTensors;
    expect(() => decodeBoxes(loc, priors.subarray(4))).toThrow(ShapeMismatchError);
    expect(() => decodeBoxes(loc, priors.subarray(1))).toThrow(ShapeMismatchError);
    expect(() => decodeBoxes(flat, priors)).toThrow(/expected \[\.\.\., 1520, 4\], got \[6080\]/);
    expect(() => decodeBoxes(loc, [0.5, 0.5, 0.1, 0.1])).toThrow(ShapeMismatchError);
    expect(() => decodeBoxes(one, [0.5, 0.5, 0, 1])).toThrow(InvalidBoxError);
    expect(() => decodeBoxes(loc, priors, { stds: [0, 1, 1, 1] })).toThrow(InvalidConfigError);
    expect(() => decodeBoxes(Array.from(priors) as never, priors)).toThrow(/loc must be a tensor/);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([loc, flat, one]);
  });
});
