import * as tf from '@tensorflow/tfjs-core';

/**
 * 2×2, stride-2 max pooling over NHWC (tfjs's MaxPool forward) with a gradient built from 4-D strided
 * slices and elementwise ops: the gradient goes to the first tap (row-major) of each window that equals
 * the maximum, exactly as PyTorch's max_pool2d picks one index per window (ties included — after a ReLU,
 * all-zero windows are common). Odd trailing rows/columns are dropped (floor mode, like `MaxPool2d(2, 2)`).
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const value = tf.maxPool(xi, 2, 2, 'valid');
    save([xi, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const tap = (a: number, b: number) => tf.stridedSlice(sx, [0, a, b, 0], [n, a + 2 * ho, b + 2 * wo, c], [1, 2, 2, 1]);
        let free = tf.onesLike(sy);
        const grads = [tap(0, 0), tap(0, 1), tap(1, 0), tap(1, 1)].map((t) => {
          const first = tf.mul(tf.cast(tf.equal(t, sy), 'float32'), free);
          free = tf.sub(free, first);
          return tf.mul(first, dy);
        });
        const row0 = tf.reshape(tf.stack([grads[0], grads[1]], 3), [n, ho, 2 * wo, c]);
        const row1 = tf.reshape(tf.stack([grads[2], grads[3]], 3), [n, ho, 2 * wo, c]);
        const dx = tf.reshape(tf.stack([row0, row1], 2), [n, 2 * ho, 2 * wo, c]);
        return h % 2 || w % 2 ? tf.pad(dx, [[0, 0], [0, h - 2 * ho], [0, w - 2 * wo], [0, 0]]) : dx;
      },
    };
  });
  return fn(x) as tf.Tensor4D;
}
