import * as tf from '@tensorflow/tfjs-core';

/**
 * 2×2, stride-2 max pooling over NHWC with a fast gradient: the window is split into its four taps by a
 * free reshape; the gradient goes to the first tap (row-major) that equals the maximum, exactly as
 * PyTorch's max_pool2d picks one index per window (ties included — after a ReLU, all-zero windows are
 * common). Odd trailing rows/columns are dropped (floor mode, like `MaxPool2d(2, 2)`).
 */
export function maxPool2x2(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const ho = Math.floor(h / 2);
  const wo = Math.floor(w / 2);
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor4D;
    const save = args[1] as tf.GradSaveFunc;
    const cropped = h % 2 || w % 2 ? tf.slice(xi, [0, 0, 0, 0], [n, 2 * ho, 2 * wo, c]) : xi;
    const win = tf.reshape(cropped, [n, ho, 2, wo, 2, c]);
    const value = tf.max(win, [2, 4]) as tf.Tensor4D;
    save([win, value]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sWin, sVal] = saved;
        const ymax = tf.reshape(sVal, [n, ho, 1, wo, 1, c]);
        const hit = tf.cast(tf.equal(sWin, ymax), 'float32'); // [n, ho, 2, wo, 2, c]
        // First hit in row-major order within each 2×2 window: keep a hit only when no earlier tap hit.
        const taps = [
          [0, 0],
          [0, 1],
          [1, 0],
          [1, 1],
        ].map(([a, b]) => tf.slice(hit, [0, 0, a, 0, b, 0], [n, ho, 1, wo, 1, c]));
        let taken = tf.zerosLike(taps[0]);
        const first = taps.map((t) => {
          const f = tf.mul(t, tf.sub(1, taken));
          taken = tf.add(taken, f);
          return f;
        });
        const mask = tf.concat([tf.concat([first[0], first[1]], 4), tf.concat([first[2], first[3]], 4)], 2);
        const spread = tf.mul(mask, tf.reshape(dy, [n, ho, 1, wo, 1, c]));
        const dx = tf.reshape(spread, [n, 2 * ho, 2 * wo, c]);
        return h % 2 || w % 2 ? tf.pad(dx, [[0, 0], [0, h - 2 * ho], [0, w - 2 * wo], [0, 0]]) : dx;
      },
    };
  });
  return fn(x) as tf.Tensor4D;
}
