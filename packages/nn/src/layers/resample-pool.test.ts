import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import { assertNoLeaks, describeBackends, expectClose, maxAbsDiff } from '../test-helpers.test-helper';
import { type AxisMethod, resampleAxis } from './interpolate';
import { MaxPool2d } from './pooling';

/** Value and input gradient (for a fixed random r) of f(x). */
function valueAndGrad(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, seed: number): [tf.Tensor, tf.Tensor] {
  return tf.tidy(() => {
    const y = f(x);
    const r = tf.randomNormal(y.shape, 0, 1, 'float32', seed);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(f(t), r)))(x);
    return [y, dx];
  });
}

describeBackends('interpolation paths agree; max-pool gradients', () => {
  assertNoLeaks();

  const cases: [string, number, number, 1 | 2, Parameters<typeof resampleAxis>[3]][] = [
    ['nearest ×3 (repeat)', 5, 15, 1, { mode: 'nearest' }],
    ['nearest 5→12', 5, 12, 2, { mode: 'nearest' }],
    ['bilinear ×2 (phases)', 6, 12, 2, { mode: 'bilinear' }],
    ['bilinear ×3 (phases)', 4, 12, 1, { mode: 'bilinear' }],
    ['bilinear ×8 from 1 row', 1, 8, 1, { mode: 'bilinear' }],
    ['bilinear 7→10', 7, 10, 1, { mode: 'bilinear' }],
    ['bilinear align_corners ×2', 5, 10, 2, { mode: 'bilinear', alignCorners: true }],
    ['bilinear 9→4 (down)', 9, 4, 2, { mode: 'bilinear' }],
  ];
  for (const [name, inSize, outSize, axis, opts] of cases) {
    it(`resampleAxis ${name}: fast path, dense and gather give the same values and gradients`, () => {
      const before = tf.memory().numTensors;
      const shape = axis === 1 ? [2, inSize, 3, 2] : [2, 3, inSize, 2];
      const x = tf.randomNormal(shape, 0, 1, 'float32', inSize);
      const results = (['auto', 'dense', 'gather'] as const).map((m) =>
        valueAndGrad((t) => resampleAxis(t, outSize, axis, { ...opts, method: m === 'auto' ? undefined : (m as AxisMethod) }), x, 7),
      );
      for (const [y, dx] of results.slice(1)) {
        expect(y.shape).toEqual(results[0][0].shape);
        expect(maxAbsDiff(y, results[0][0])).toBeLessThan(1e-5);
        expect(maxAbsDiff(dx, results[0][1])).toBeLessThan(1e-5);
      }
      tf.dispose([x, ...results.flat()]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  const pools: [number, number, number][] = [
    [2, 2, 9],
    [3, 2, 9],
    [3, 1, 6],
    [1, 2, 7],
    [3, 3, 9],
    [4, 2, 10],
  ];
  for (const [k, s, size] of pools) {
    it(`MaxPool2d k${k} s${s} on ties and all-negative windows: a gradient on the first maximal tap`, () => {
      const before = tf.memory().numTensors;
      // Rounded values: many ties, and all-negative windows.
      const x = tf.tidy(() => tf.round(tf.randomNormal([2, size, size + 1, 3], -1, 1, 'float32', k * 10 + s)));
      const pool = new MaxPool2d(k, { stride: s });
      const [y, dx] = valueAndGrad((t) => pool.forward(t), x, 3);
      const yRef = tf.maxPool(x as tf.Tensor4D, k, s, 'valid');
      expect(maxAbsDiff(y, yRef)).toBe(0);
      // Reference gradient computed on the host: first maximal tap of each window, row-major.
      const xv = x.dataSync();
      const r = tf.tidy(() => tf.randomNormal(y.shape, 0, 1, 'float32', 3).dataSync());
      const [n, h, w, c] = x.shape;
      const [, oh, ow] = y.shape;
      const want = new Float32Array(x.size);
      for (let b = 0; b < n; b++)
        for (let i = 0; i < oh; i++)
          for (let j = 0; j < ow; j++)
            for (let ch = 0; ch < c; ch++) {
              let best = -1;
              for (let a = 0; a < k; a++)
                for (let bb = 0; bb < k; bb++) {
                  const at = ((b * h + i * s + a) * w + j * s + bb) * c + ch;
                  if (best < 0 || xv[at] > xv[best]) best = at;
                }
              want[best] += r[((b * oh + i) * ow + j) * c + ch];
            }
      expectClose(dx, want, 1e-5, 'dx');
      tf.dispose([x, y, dx, yRef]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
