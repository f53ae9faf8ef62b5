import { expect, it } from 'vitest';
import { describeBackends, relativeError } from './backends.test-helper';
import { tf } from './index';

/** Plain-JS oracle: TF's unsorted_segment_sum (ids outside [0, numSegments) dropped). */
function segmentSum(x: Float32Array, ids: number[], inner: number, numSegments: number): Float32Array {
  const out = new Float32Array(numSegments * inner);
  ids.forEach((id, i) => {
    if (id < 0 || id >= numSegments) return;
    for (let k = 0; k < inner; k++) out[id * inner + k] += x[i * inner + k];
  });
  return out;
}

describeBackends('training kernels on every backend (wasm fills)', () => {
  it('unsortedSegmentSum: duplicates add up, out-of-range ids are dropped', () => {
    const before = tf.memory().numTensors;
    const x = tf.randomNormal([6, 2, 3], 0, 1, 'float32', 7);
    const ids = [2, 0, 2, -1, 9, 1];
    const out = tf.unsortedSegmentSum(x, tf.tensor1d(ids, 'int32'), 4);
    expect(out.shape).toEqual([4, 2, 3]);
    expect(relativeError(out.dataSync(), segmentSum(x.dataSync() as Float32Array, ids, 6, 4))).toBeLessThan(1e-6);
    tf.dispose([x, out]);
    expect(tf.memory().numTensors).toBe(before + 1); // the ids tensor
  });

  it('gather gradient (GatherV2 → UnsortedSegmentSum) through repeated indices', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([5, 3], 0, 1, 'float32', 8);
      const idx = tf.tensor1d([4, 1, 1, 0, 4, 4], 'int32');
      const r = tf.randomNormal([6, 3], 0, 1, 'float32', 9);
      const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.gather(a, idx), r)))(x);
      expect(relativeError(dx.dataSync(), segmentSum(r.dataSync() as Float32Array, [4, 1, 1, 0, 4, 4], 3, 5))).toBeLessThan(1e-6);
    });
  });

  it('conv2dTranspose (Conv2DBackpropInput) equals the input gradient of conv2d, stride 2 and 1', () => {
    tf.tidy(() => {
      for (const [stride, k, pad] of [
        [2, 3, 'same'],
        [2, 4, 1],
        [1, 3, 'valid'],
      ] as const) {
        const w = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 10) as tf.Tensor4D;
        const x = tf.randomNormal([2, 9, 8, 3], 0, 1, 'float32', 11) as tf.Tensor4D;
        const y = tf.conv2d(x, w, stride, pad);
        const dy = tf.randomNormal(y.shape, 0, 1, 'float32', 12) as tf.Tensor4D;
        const viaTranspose = tf.conv2dTranspose(dy, w, x.shape, stride, pad);
        const viaGrad = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, w, stride, pad), dy)))(x);
        expect(relativeError(viaTranspose.dataSync(), viaGrad.dataSync())).toBeLessThan(1e-5);
      }
    });
  });

  it('sum and mean over leading axes (pooling path) and other axes (stock path), with keepDims', () => {
    tf.tidy(() => {
      const x = tf.randomNormal([3, 4, 5, 6], 0, 1, 'float32', 13);
      const v = x.dataSync();
      // Oracle: sums over the first k axes.
      const lead = (k: number) => {
        const inner = [3, 4, 5, 6].slice(k).reduce((p, q) => p * q, 1);
        const out = new Float32Array(inner);
        for (let i = 0; i < v.length; i++) out[i % inner] += v[i];
        return out;
      };
      for (const k of [1, 2, 3]) {
        const axes = [...Array(k).keys()];
        const count = [3, 4, 5, 6].slice(0, k).reduce((p, q) => p * q, 1);
        expect(relativeError(tf.sum(x, axes).dataSync(), lead(k))).toBeLessThan(1e-5);
        expect(relativeError(tf.mean(x, axes).dataSync(), Array.from(lead(k), (s) => s / count))).toBeLessThan(1e-5);
      }
      expect(tf.sum(x, [1, 0], true).shape).toEqual([1, 1, 5, 6]);
      expect(relativeError(tf.sum(x, [1, 0], true).dataSync(), lead(2))).toBeLessThan(1e-5);
      expect(relativeError(tf.sum(x, 3).dataSync(), tf.sum(tf.transpose(x, [3, 0, 1, 2]), 0).dataSync())).toBeLessThan(1e-5);
      expect(tf.sum(tf.ones([4, 3], 'int32'), 0).arraySync()).toEqual([4, 4, 4]);
      const { mean, variance } = tf.moments(x, [0, 1, 2]);
      expect(mean.shape).toEqual([6]);
      expect(Math.min(...variance.dataSync())).toBeGreaterThan(0.5);
    });
  });

  it('clone shares data but disposing either side keeps the other readable', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([1, 2, 3]);
    const b = tf.clone(a);
    a.dispose();
    expect(Array.from(b.dataSync())).toEqual([1, 2, 3]);
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
