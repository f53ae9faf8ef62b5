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
});
