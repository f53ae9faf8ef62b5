import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeBackends } from './backends.test-helper';
import { tf } from './index';

interface ConvCase {
  name: string;
  stride: number;
  pad: number;
  dilation: number;
  x_shape: number[];
  w_shape: number[];
  out_shape: number[];
  x: number[];
  w: number[];
  r: number[];
  out: number[];
  dx: number[];
  dw: number[];
}
const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/tfjs/conv2d.json', import.meta.url), 'utf8')) as { cases: ConvCase[] };

/** max |a − b| / max |b|: relative to the reference's scale. */
function relativeError(got: ArrayLike<number>, want: number[]): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

describeBackends('Conv2D gradients vs PyTorch', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: output, dx and dW within 1e-3 relative, no leaks`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(c.x, c.x_shape as [number, number, number, number]);
      const w = tf.tensor4d(c.w, c.w_shape as [number, number, number, number]);
      const r = tf.tensor4d(c.r, c.out_shape as [number, number, number, number]);
      const pad = [[0, 0], [c.pad, c.pad], [c.pad, c.pad], [0, 0]] as [[number, number], [number, number], [number, number], [number, number]];
      const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2d(a, b, c.stride, pad, 'NHWC', c.dilation);
      const out = f(x, w);
      expect(out.shape).toEqual(c.out_shape);
      expect(relativeError(out.dataSync(), c.out)).toBeLessThan(1e-3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
      expect(relativeError(dx.dataSync(), c.dx)).toBeLessThan(1e-3);
      expect(relativeError(dw.dataSync(), c.dw)).toBeLessThan(1e-3);
      tf.dispose([x, w, r, out, dx, dw]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("'same' padding with dilation 2 matches the explicit-padding result", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, 7, 7, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const gSame = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same', 'NHWC', 2))))([x, w]);
      const gExplicit = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
        tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, [[0, 0], [2, 2], [2, 2], [0, 0]], 'NHWC', 2))),
      )([x, w]);
      for (let k = 0; k < 2; k++) expect(tf.max(tf.abs(tf.sub(gSame[k], gExplicit[k]))).dataSync()[0]).toBeLessThan(1e-4);
    });
  });
});
