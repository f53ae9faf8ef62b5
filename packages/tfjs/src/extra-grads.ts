import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradients tfjs-core 4.22 does not define but detection losses hit (PyTorch has them all):
 * - comparisons and logical ops (Less, Greater, Equal, …): zero, as tfjs already does for GreaterEqual —
 *   without them `tf.where(tf.less(diff, 1), …)` (smooth L1) cannot be differentiated;
 * - TopK: the values' gradient scattered back to the selected positions (hard negative mining);
 * - GatherNd: dy scattered to the gathered positions; ScatterNd: dy gathered for the updates;
 * - GatherV2: tfjs's gradient hands the int32 indices back as their own "gradient", which the tape rejects
 *   (gradients must be float32) once the indices depend on the variables, e.g. `gather(loss, topk(loss).indices)`.
 * Integer inputs get float32 zeros, as the tape requires.
 */
export function registerExtraGradients(): void {
  for (const kernelName of [tf.Less, tf.LessEqual, tf.Greater, tf.Equal, tf.NotEqual, tf.LogicalAnd, tf.LogicalOr]) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['a', 'b'],
      gradFunc: (_dy, saved) => {
        const [a, b] = saved;
        return { a: () => tf.zeros(a.shape), b: () => tf.zeros(b.shape) };
      },
    });
  }
  tf.registerGradient({
    kernelName: tf.LogicalNot,
    inputsToSave: ['x'],
    gradFunc: (_dy, saved) => ({ x: () => tf.zeros(saved[0].shape) }),
  });
  tf.registerGradient({
    kernelName: tf.TopK,
    inputsToSave: ['x'],
    outputsToSave: [false, true],
    gradFunc: (dy, saved) => {
      const [x, indices] = saved;
      const dValues = (Array.isArray(dy) ? dy[0] : dy) as tf.Tensor | null;
      return {
        x: () => {
          if (dValues == null) return tf.zerosLike(x);
          const n = x.shape[x.rank - 1];
          const k = indices.shape[indices.rank - 1];
          const rows = x.size / n;
          const offsets = tf.mul(tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]), tf.scalar(n, 'int32'));
          const positions = tf.reshape(tf.add(tf.reshape(indices, [rows, k]), offsets), [rows * k, 1]);
          return tf.reshape(tf.scatterND(positions, tf.reshape(dValues, [rows * k]), [rows * n]), x.shape);
        },
      };
    },
  });
  tf.registerGradient({
    kernelName: tf.GatherNd,
    inputsToSave: ['params', 'indices'],
    gradFunc: (dy, saved) => {
      const [params, indices] = saved;
      return { params: () => tf.scatterND(indices, dy as tf.Tensor, params.shape), indices: () => tf.zeros(indices.shape) };
    },
  });
  tf.registerGradient({
    kernelName: tf.ScatterNd,
    inputsToSave: ['indices'],
    gradFunc: (dy, saved) => {
      const [indices] = saved;
      return { updates: () => tf.gatherND(dy as tf.Tensor, indices), indices: () => tf.zeros(indices.shape) };
    },
  });
  const gather = tf.getGradient(tf.GatherV2);
  if (gather) {
    tf.registerGradient({
      ...gather,
      gradFunc: (dy, saved, attrs) => ({ ...gather.gradFunc(dy, saved, attrs), indices: () => tf.zeros(saved[1].shape) }),
    });
  }
}
