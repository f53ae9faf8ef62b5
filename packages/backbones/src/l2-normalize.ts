import { tf } from '@det/tfjs';

/**
 * `torch.nn.functional.normalize(x, dim=channels)` on NHWC: each pixel's channel vector divided by
 * max(‖x‖₂, eps). x [N, H, W, C] → same shape.
 */
export function l2NormalizeChannels(x: tf.Tensor4D, eps = 1e-12): tf.Tensor4D {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(x), 3, true);
    return tf.mul(x, tf.rsqrt(tf.maximum(sq, eps * eps))) as tf.Tensor4D;
  });
}
