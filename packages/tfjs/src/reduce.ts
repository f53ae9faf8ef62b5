import * as tf from '@tensorflow/tfjs-core';

/**
 * Mean over the leading `axes` axes of x (e.g. N, H, W of NHWC → [C]) as one or two average poolings:
 * x viewed as [rows, A/rows, 1, B] (A = product of the reduced axes, B = the rest), a window spanning each
 * row block, then a window over the rows. On wasm these are XNNPACK poolings that read x once; tfjs's
 * generic reductions over leading axes transpose x first, which dominated a training step there.
 * Returns shape x.shape.slice(axes); float32 only.
 */
export function leadingMean(x: tf.Tensor, axes: number): tf.Tensor {
  return tf.tidy(() => {
    const outShape = x.shape.slice(axes);
    const a = x.shape.slice(0, axes).reduce((p, v) => p * v, 1);
    const b = x.size / Math.max(a, 1);
    if (a <= 1) return tf.reshape(x, outShape);
    const rows = axes > 1 && x.shape[0] > 1 ? x.shape[0] : 1;
    const block = a / rows;
    let t = tf.reshape(x, [rows, block, 1, b]) as tf.Tensor4D;
    if (block > 1) t = tf.avgPool(t, [block, 1], 1, 'valid'); // [rows, 1, 1, B]
    if (rows > 1) t = tf.avgPool(tf.reshape(t, [1, rows, 1, b]) as tf.Tensor4D, [rows, 1], 1, 'valid');
    return tf.reshape(t, outShape);
  });
}

/** Whether `axes` (normalised, any order) are exactly 0 … k−1 with k < rank. */
export function leadingAxes(axes: number[], rank: number): number | undefined {
  const sorted = [...axes].sort((p, q) => p - q);
  return sorted.length > 0 && sorted.length < rank && sorted.every((v, i) => v === i) ? sorted.length : undefined;
}
