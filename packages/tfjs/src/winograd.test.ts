import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend';
import { relativeError } from './backends.test-helper';
import { tf } from './index';
import { clearWinogradCache, setWinogradConv2d, WINOGRAD_MAX_FIRST_USE_BYTES, winogradApplies, winogradConv2d, winogradTile, winogradWorthIt } from './winograd';

type Pad = 'same' | 'valid' | number | [[0, 0], [number, number], [number, number], [0, 0]];

/** Plain-JS oracle: NHWC × HWIO 3×3 convolution, stride 1, float64 sums; pad = (top, bottom, left, right). */
function directConv(x: Float32Array, [n, h, w, c]: number[], f: Float32Array, o: number, [top, bottom, left, right]: number[]): { y: Float64Array; shape: number[] } {
  const ho = h + top + bottom - 2;
  const wo = w + left + right - 2;
  const y = new Float64Array(n * ho * wo * o);
  for (let b = 0; b < n; b++)
    for (let r = 0; r < ho; r++)
      for (let s = 0; s < wo; s++)
        for (let i = 0; i < 3; i++)
          for (let j = 0; j < 3; j++) {
            const row = r - top + i;
            const col = s - left + j;
            if (row < 0 || row >= h || col < 0 || col >= w) continue;
            for (let ch = 0; ch < c; ch++) {
              const xv = x[((b * h + row) * w + col) * c + ch];
              const fo = ((i * 3 + j) * c + ch) * o;
              const yo = ((b * ho + r) * wo + s) * o;
              for (let k = 0; k < o; k++) y[yo + k] += xv * f[fo + k];
            }
          }
  return { y, shape: [n, ho, wo, o] };
}

function padAmounts(pad: Pad): number[] {
  if (pad === 'same') return [1, 1, 1, 1];
  if (pad === 'valid') return [0, 0, 0, 0];
  if (typeof pad === 'number') return [pad, pad, pad, pad];
  return [pad[1][0], pad[1][1], pad[2][0], pad[2][1]];
}

function convInfo(x: tf.Tensor4D, filter: tf.Tensor4D, pad: Pad): tf.backend_util.Conv2DInfo {
  return tf.backend_util.computeConv2DInfo(x.shape, filter.shape, 1, 1, pad, undefined, false, 'channelsLast');
}

describe('Winograd F(m×m, 3×3) convolution on wasm', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  afterEach(() => {
    setWinogradConv2d(true);
    clearWinogradCache();
  });

  const cases: { shape: [number, number, number, number]; o: number; pad: Pad }[] = [
    { shape: [2, 17, 13, 64], o: 72, pad: 'same' }, // odd sizes: tiles cut at the bottom/right border; 2 images
    { shape: [1, 35, 20, 64], o: 64, pad: 1 },
    { shape: [1, 18, 19, 80], o: 64, pad: 'valid' },
    { shape: [1, 21, 22, 64], o: 96, pad: [[0, 0], [2, 0], [0, 1], [0, 0]] }, // asymmetric explicit padding
  ];

  for (const { shape, o, pad } of cases) {
    for (const m of [2, 4] as const) {
      it(`F(${m}×${m}) equals a direct convolution: x ${shape.join('×')}, ${o} filters, pad ${JSON.stringify(pad)}`, () => {
        const before = tf.memory().numTensors;
        const x = tf.randomNormal(shape, 0, 1, 'float32', 11) as tf.Tensor4D;
        const filter = tf.randomNormal([3, 3, shape[3], o], 0, 0.1, 'float32', 12) as tf.Tensor4D;
        const want = directConv(x.dataSync() as Float32Array, shape, filter.dataSync() as Float32Array, o, padAmounts(pad));
        const y = winogradConv2d(x, filter, convInfo(x, filter, pad), m);
        expect(y.shape).toEqual(want.shape);
        // F(4×4) multiplies by up to 8 and 1/24 in its transforms: float32 rounding ~1e-5 of scale; F(2×2) ~1e-6.
        expect(relativeError(y.dataSync(), want.y)).toBeLessThan(m === 4 ? 5e-5 : 5e-6);
        tf.dispose([x, filter, y]);
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }

  it('tf.conv2d takes the Winograd path where it applies and matches XNNPACK’s direct kernel', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([1, 40, 36, 64], 0, 1, 'float32', 13) as tf.Tensor4D;
      const filter = tf.randomNormal([3, 3, 64, 128], 0, 0.1, 'float32', 14) as tf.Tensor4D;
      expect(winogradApplies(convInfo(x, filter, 'same'), 'float32')).toBe(true);
      const fast = tf.conv2d(x, filter, 1, 'same');
      setWinogradConv2d(false);
      const direct = tf.conv2d(x, filter, 1, 'same');
      expect(relativeError(fast.dataSync(), direct.dataSync())).toBeLessThan(5e-5);
      expect(relativeError(fast.dataSync(), direct.dataSync())).toBeGreaterThan(0); // a different algorithm ran
    });
  });

  it('applies only to float32 3×3, stride 1, undilated NHWC layers with ≥ 64 channels in and out and ≥ 64 output pixels', () => {
    const info = (x: number[], f: number[], stride = 1, dilation = 1, pad: 'same' | 'valid' = 'same') =>
      tf.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number], stride, dilation, pad);
    expect(winogradApplies(info([1, 32, 32, 64], [3, 3, 64, 64]), 'float32')).toBe(true);
    expect(winogradApplies(info([1, 32, 32, 64], [3, 3, 64, 64]), 'int32')).toBe(false);
    expect(winogradApplies(info([1, 32, 32, 64], [3, 3, 64, 64], 2), 'float32')).toBe(false);
    expect(winogradApplies(info([1, 32, 32, 64], [3, 3, 64, 64], 1, 2), 'float32')).toBe(false);
    expect(winogradApplies(info([1, 32, 32, 64], [5, 5, 64, 64]), 'float32')).toBe(false);
    expect(winogradApplies(info([1, 32, 32, 64], [1, 1, 64, 64]), 'float32')).toBe(false);
    expect(winogradApplies(info([1, 32, 32, 32], [3, 3, 32, 64]), 'float32')).toBe(false);
    expect(winogradApplies(info([1, 32, 32, 64], [3, 3, 64, 16]), 'float32')).toBe(false);
    expect(winogradApplies(info([1, 7, 7, 64], [3, 3, 64, 64]), 'float32')).toBe(false);
    expect(winogradTile(info([1, 16, 16, 64], [3, 3, 64, 64]))).toBe(4);
    expect(winogradTile(info([1, 14, 14, 64], [3, 3, 64, 64]))).toBe(4); // 36·4·4 = 576 ≤ 0.8 · 16·7·7
    expect(winogradTile(info([1, 10, 10, 64], [3, 3, 64, 64]))).toBe(2); // 36·3·3 = 324 > 0.8 · 16·5·5
    setWinogradConv2d(false);
    expect(winogradApplies(info([1, 32, 32, 64], [3, 3, 64, 64]), 'float32')).toBe(false);
  });

  it('a variable’s new value is used after assign (the filter cache follows the data, not the variable)', () => {
    const x = tf.randomNormal([1, 20, 20, 64], 0, 1, 'float32', 15) as tf.Tensor4D;
    const w = tf.variable(tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 16));
    const first = tf.conv2d(x, w as tf.Tensor4D, 1, 'same');
    w.assign(tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 17));
    const second = tf.conv2d(x, w as tf.Tensor4D, 1, 'same');
    const want = directConv(x.dataSync() as Float32Array, x.shape, w.dataSync() as Float32Array, 64, [1, 1, 1, 1]);
    expect(relativeError(second.dataSync(), want.y)).toBeLessThan(5e-5);
    expect(relativeError(first.dataSync(), second.dataSync())).toBeGreaterThan(0.1);
    tf.dispose([x, w, first, second]);
  });

  it('caches a filter’s transform from its second use and frees it once the weights are disposed; single-use filters (training) leave nothing', () => {
    const backend = tf.backend();
    const x = tf.randomNormal([1, 24, 24, 64], 0, 1, 'float32', 18) as tf.Tensor4D;
    const tensors = tf.memory().numTensors;
    const buffers = backend.numDataIds();
    for (let step = 0; step < 3; step++) {
      // A training-like step: new weights, used once.
      const w = tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 19 + step) as tf.Tensor4D;
      tf.dispose([tf.conv2d(x, w, 1, 'same'), w]);
      expect(tf.memory().numTensors).toBe(tensors);
      expect(backend.numDataIds()).toBe(buffers);
    }
    for (let step = 0; step < 3; step++) {
      // Inference-like: the same weights twice, so 36 transformed buffers stay until the weights go.
      const w = tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 29 + step) as tf.Tensor4D;
      tf.dispose([tf.conv2d(x, w, 1, 'same'), tf.conv2d(x, w, 1, 'same')]);
      expect(backend.numDataIds()).toBe(buffers + 36 + 1); // + w itself
      w.dispose();
      expect(tf.memory().numTensors).toBe(tensors);
    }
    // The last weights' transforms are freed at the next Winograd convolution, or by clearWinogradCache.
    clearWinogradCache();
    expect(backend.numDataIds()).toBe(buffers);
    x.dispose();
  });

  it('runs a first use of a filter whose transform exceeds the first-use cap directly, and the second by Winograd', () => {
    const info = tf.backend_util.computeConv2DInfo([1, 28, 28, 4096], [3, 3, 4096, 512], 1, 1, 'same');
    expect(36 * 4096 * 512 * 4).toBeGreaterThan(WINOGRAD_MAX_FIRST_USE_BYTES);
    const big = { dataId: {}, shape: [3, 3, 4096, 512], dtype: 'float32' as const };
    expect(winogradWorthIt(big, info)).toBe(false);
    expect(winogradWorthIt(big, info)).toBe(true);
    const small = { dataId: {}, shape: [3, 3, 512, 512], dtype: 'float32' as const };
    expect(winogradWorthIt(small, tf.backend_util.computeConv2DInfo([1, 28, 28, 512], [3, 3, 512, 512], 1, 1, 'same'))).toBe(true);
  });

  it('rejects a filter, input or convInfo it cannot compute, naming the argument', () => {
    tf.tidy(() => {
      const x = tf.zeros([1, 16, 16, 64]) as tf.Tensor4D;
      const filter = tf.zeros([3, 3, 64, 64]) as tf.Tensor4D;
      const info = convInfo(x, filter, 'same');
      expect(() => winogradConv2d(x, tf.zeros([3, 3, 32, 64]), info)).toThrow(/filter must be a float32 3×3 HWIO filter matching convInfo/);
      expect(() => winogradConv2d(tf.zeros([1, 16, 16, 64], 'int32'), filter, info)).toThrow(/input does not match convInfo/);
      const strided = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, 2, 1, 'same');
      expect(() => winogradConv2d(x, filter, strided)).toThrow(/stride-1, undilated NHWC/);
      expect(() => winogradConv2d(x, filter, info, 3 as 2)).toThrow(/unsupported Winograd tile/);
    });
  });

  it('gradients through tf.conv2d match the direct kernels (the input gradient, a 3×3 convolution itself, may run Winograd too)', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([2, 18, 18, 64], 0, 1, 'float32', 22) as tf.Tensor4D;
      const w = tf.randomNormal([3, 3, 64, 64], 0, 0.1, 'float32', 23) as tf.Tensor4D;
      const r = tf.randomNormal([2, 18, 18, 64], 0, 1, 'float32', 24);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'), r));
      const [dx, dw] = tf.grads(loss)([x, w]);
      setWinogradConv2d(false);
      const [dx0, dw0] = tf.grads(loss)([x, w]);
      expect(relativeError(dx.dataSync(), dx0.dataSync())).toBeLessThan(5e-5);
      expect(relativeError(dw.dataSync(), dw0.dataSync())).toBeLessThan(5e-5);
    });
  });
});
