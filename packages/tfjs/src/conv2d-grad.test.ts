import { expect, it } from 'vitest';
import { describeBackends, loadFixture, relativeError } from './backends.test-helper';
import { tf } from './index';

type Shape4 = [number, number, number, number];
interface ConvCase {
  name: string;
  stride: [number, number];
  pad: [number, number];
  dilation: [number, number];
  x_shape: Shape4;
  w_shape: Shape4;
  out_shape: Shape4;
  x: number[];
  w: number[];
  r: number[];
  out: number[];
  dx: number[];
  dw: number[];
}
interface TransposeCase extends Omit<ConvCase, 'stride' | 'pad' | 'dilation'> {
  stride: number;
  pad: number;
}
interface DepthwiseCase extends TransposeCase {
  dilation: number;
}
const fixture = loadFixture<{ cases: ConvCase[]; transpose_cases: TransposeCase[]; depthwise_cases: DepthwiseCase[] }>('conv2d.json');

describeBackends('Conv2D gradients vs PyTorch', () => {
  for (const c of fixture.cases) {
    it(`${c.name}: output, dx and dW within 1e-3 relative, no leaks`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(c.x, c.x_shape);
      const w = tf.tensor4d(c.w, c.w_shape);
      const r = tf.tensor4d(c.r, c.out_shape);
      const pad: [[number, number], [number, number], [number, number], [number, number]] = [
        [0, 0],
        [c.pad[0], c.pad[0]],
        [c.pad[1], c.pad[1]],
        [0, 0],
      ];
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

  for (const c of fixture.transpose_cases) {
    it(`conv2dTranspose ${c.name} (filter gradient = Conv2DBackpropFilter): output and both gradients`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(c.x, c.x_shape);
      const w = tf.tensor4d(c.w, c.w_shape);
      const r = tf.tensor4d(c.r, c.out_shape);
      const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.conv2dTranspose(a, b, c.out_shape, c.stride, c.pad);
      const out = f(x, w);
      expect(relativeError(out.dataSync(), c.out)).toBeLessThan(1e-3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
      expect(relativeError(dx.dataSync(), c.dx)).toBeLessThan(1e-3);
      expect(relativeError(dw.dataSync(), c.dw)).toBeLessThan(1e-3);
      tf.dispose([x, w, r, out, dx, dw]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  for (const c of fixture.depthwise_cases) {
    it(`depthwiseConv2d ${c.name}: output, dx and dW (tfjs rejects dilation > 1; wasm lacks the backprop kernels)`, () => {
      const before = tf.memory().numTensors;
      const x = tf.tensor4d(c.x, c.x_shape);
      const w = tf.tensor4d(c.w, c.w_shape);
      const r = tf.tensor4d(c.r, c.out_shape);
      const f = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.depthwiseConv2d(a, b, c.stride, c.pad, 'NHWC', c.dilation);
      const out = f(x, w);
      expect(relativeError(out.dataSync(), c.out)).toBeLessThan(1e-3);
      const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
      expect(relativeError(dx.dataSync(), c.dx)).toBeLessThan(1e-3);
      expect(relativeError(dw.dataSync(), c.dw)).toBeLessThan(1e-3);
      // The fused op's own gradient calls the DepthwiseConv2dNativeBackprop* kernels directly.
      if (c.dilation === 1) {
        const fused = (a: tf.Tensor4D, b: tf.Tensor4D) => tf.fused.depthwiseConv2d({ x: a, filter: b, strides: c.stride, pad: c.pad, bias: tf.zeros([c.out_shape[3]]) });
        const [fx, fw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(fused(a as tf.Tensor4D, b as tf.Tensor4D), r)))([x, w]);
        expect(relativeError(fx.dataSync(), c.dx)).toBeLessThan(1e-3);
        expect(relativeError(fw.dataSync(), c.dw)).toBeLessThan(1e-3);
        tf.dispose([fx, fw]);
      }
      tf.dispose([x, w, r, out, dx, dw]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it("'same' padding with dilation 2 and with stride 2 on odd sizes match tfjs's own explicit padding", () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, 7, 7, 2], 0, 1, 'float32', 1) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 2, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
      const loss = (stride: number, dilation: number, pad: 'same' | [[number, number], [number, number], [number, number], [number, number]]) =>
        tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.square(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad, 'NHWC', dilation))))([x, w]);
      const pairs = [
        [loss(1, 2, 'same'), loss(1, 2, [[0, 0], [2, 2], [2, 2], [0, 0]])],
        [loss(2, 1, 'same'), loss(2, 1, [[0, 0], [1, 1], [1, 1], [0, 0]])],
      ];
      for (const [a, b] of pairs) for (let k = 0; k < 2; k++) expect(relativeError(a[k].dataSync(), b[k].dataSync())).toBeLessThan(1e-5);
    });
  });
});
