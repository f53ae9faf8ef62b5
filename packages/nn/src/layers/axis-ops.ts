import { tf } from '@det/tfjs';

/** Moves `axis` to the front: the permutation and its inverse. */
function frontPermutation(rank: number, axis: number): { perm: number[]; inverse: number[] } {
  const perm = [axis, ...Array.from({ length: rank }, (_, i) => i).filter((i) => i !== axis)];
  const inverse = new Array<number>(rank);
  perm.forEach((p, i) => {
    inverse[p] = i;
  });
  return { perm, inverse };
}

/**
 * `tf.gather(x, indices, axis)` with a gradient that runs on every backend: the adjoint is a `scatterND`
 * (summing repeated indices), where tfjs's own GatherV2 gradient needs UnsortedSegmentSum, which wasm lacks.
 */
export function gatherAxis(x: tf.Tensor, indices: Int32Array, axis: number): tf.Tensor {
  const length = x.shape[axis];
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const xi = args[0] as tf.Tensor;
    const value = tf.tidy(() => tf.gather(xi, tf.tensor1d(indices, 'int32'), axis));
    return {
      value,
      gradFunc: (dy: tf.Tensor) => {
        const { perm, inverse } = frontPermutation(dy.rank, axis);
        const moved = axis === 0 ? dy : tf.transpose(dy, perm);
        const rest = moved.shape.slice(1);
        const flat = tf.reshape(moved, [indices.length, rest.reduce((a, b) => a * b, 1)]);
        const summed = tf.scatterND(tf.tensor2d(indices, [indices.length, 1], 'int32'), flat, [length, flat.shape[1] as number]);
        const back = tf.reshape(summed, [length, ...rest]);
        return axis === 0 ? back : tf.transpose(back, inverse);
      },
    };
  });
  return fn(x);
}

/**
 * Applies the matrix `m` [out, in] along `axis` of `x` (whose size there is `in`): y[…, o, …] = Σᵢ m[o, i]·x[…, i, …].
 * Pooling and interpolation weights as a matmul, differentiable on every backend.
 */
export function mixAxis(x: tf.Tensor, m: Float32Array, outSize: number, axis: number): tf.Tensor {
  return tf.tidy(() => {
    const inSize = x.shape[axis];
    const { perm, inverse } = frontPermutation(x.rank, axis);
    const moved = axis === 0 ? x : tf.transpose(x, perm);
    const rest = moved.shape.slice(1);
    const flat = tf.reshape(moved, [inSize, rest.reduce((a, b) => a * b, 1)]) as tf.Tensor2D;
    const mixed = tf.matMul(tf.tensor2d(m, [outSize, inSize]), flat);
    const back = tf.reshape(mixed, [outSize, ...rest]);
    return axis === 0 ? back : tf.transpose(back, inverse);
  });
}
