import { expect, it } from 'vitest';
import { describeBackends, loadFixture, relativeError } from './backends.test-helper';
import { batchNormTrain } from './batch-norm';
import { tf } from './index';

type Shape4 = [number, number, number, number];
interface PoolCase {
  name: string;
  x_shape: Shape4;
  k: number;
  s: number;
  pad: 'valid' | 'same' | number;
  x: number[];
  r: number[];
  y: number[];
  dx: number[];
}
const fixture = loadFixture<{ batch_norm: Record<string, number[]> & { x_shape: Shape4 }; max_pool: PoolCase[] }>('train_ops.json');

describeBackends('training ops vs PyTorch', () => {
  it('batchNormTrain: output, dx, dγ, dβ and batch statistics (BatchNorm2d training mode)', () => {
    const c = fixture.batch_norm;
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(c.x, c.x_shape);
    const gamma = tf.tensor1d(c.gamma);
    const beta = tf.tensor1d(c.beta);
    const r = tf.tensor4d(c.r, c.x_shape);
    const { y, mean, variance } = batchNormTrain(x, gamma, beta);
    expect(relativeError(y.dataSync(), c.y)).toBeLessThan(1e-4);
    // PyTorch's running stats after one step from (0, 1) with momentum 0.1 use the unbiased variance.
    const m = c.x_shape[0] * c.x_shape[1] * c.x_shape[2];
    expect(relativeError(Array.from(mean.dataSync(), (v) => 0.1 * v), c.running_mean)).toBeLessThan(1e-4);
    expect(relativeError(Array.from(variance.dataSync(), (v) => 0.9 + 0.1 * v * (m / (m - 1))), c.running_var)).toBeLessThan(1e-4);
    const [dx, dg, db] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a, g as tf.Tensor1D, b as tf.Tensor1D).y, r)))([
      x,
      gamma,
      beta,
    ]);
    expect(relativeError(dx.dataSync(), c.dx)).toBeLessThan(1e-4);
    expect(relativeError(dg.dataSync(), c.dgamma)).toBeLessThan(1e-4);
    expect(relativeError(db.dataSync(), c.dbeta)).toBeLessThan(1e-4);
    tf.dispose([x, gamma, beta, r, y, mean, variance, dx, dg, db]);
    expect(tf.memory().numTensors).toBe(before);
  });

  for (const c of fixture.max_pool) {
    it(`tf.maxPool ${c.name}: values, and the gradient goes to the first maximal tap (PyTorch's rule)`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(c.x, c.x_shape);
      const out = tf.maxPool(x, c.k, c.s, c.pad);
      expect(relativeError(out.dataSync(), c.y)).toBeLessThan(1e-6);
      const r = tf.tensor4d(c.r, out.shape);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, c.k, c.s, c.pad), r)))(x);
      expect(relativeError(dx.dataSync(), c.dx)).toBeLessThan(1e-6);
      tf.dispose([x, out, r, dx]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('maxPool gradient: exact on ties that differ by a subnormal, on −∞-padded windows, for 2×2/2 and 3×3/2', () => {
    const tiny = 1e-45; // the smallest subnormal float32
    // One image, one channel: windows mixing 0, tiny, negative and equal values.
    const values = [0, tiny, tiny, 0, -1, -1, -2, -1, 5, 5, 5, 5, -tiny, 0, 0, -tiny, 3, 2, 1, 3, 7, 7, 8, 8, 0, 0, 0, 0, -3, -3, -3, -3];
    const x = tf.tensor4d(values, [1, 4, 8, 1]);
    for (const [k, s, pad] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
      [3, 1, 1],
    ] as const) {
      const shape = tf.tidy(() => tf.maxPool(x, k, s, pad).shape);
      const weights = tf.reshape(tf.range(1, 1 + shape.reduce((p, q) => p * q, 1)), shape);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.maxPool(a as tf.Tensor4D, k, s, pad), weights)))(x);
      // Oracle: PyTorch's rule on the host (first maximal tap of each window, row-major; padding never wins).
      const [, h, w] = x.shape;
      const info = tf.backend_util.computePool2DInfo([1, 4, 8, 1], k, s, 1, pad);
      const want = new Float32Array(h * w);
      let cell = 0;
      for (let i = 0; i < info.outHeight; i++) {
        for (let j = 0; j < info.outWidth; j++) {
          let best = -1;
          for (let a = 0; a < k; a++) {
            for (let b = 0; b < k; b++) {
              const r = i * s - info.padInfo.top + a;
              const q = j * s - info.padInfo.left + b;
              if (r < 0 || q < 0 || r >= h || q >= w) continue;
              if (best < 0 || values[r * w + q] > values[best]) best = r * w + q;
            }
          }
          want[best] += ++cell;
        }
      }
      expect(Array.from(dx.dataSync())).toEqual(Array.from(want));
      tf.dispose([dx, weights]);
    }
    x.dispose();
  });
});
