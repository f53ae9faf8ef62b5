import * as tf from '@tensorflow/tfjs-core';

/** Per-channel sums of an NHWC tensor viewed as [M, C], as a [1, M] × [M, C] matmul (no transpose). */
function channelSum(x2d: tf.Tensor2D, ones: tf.Tensor2D): tf.Tensor2D {
  return tf.matMul(ones, x2d);
}

export interface BatchNormTrainResult {
  /** Normalised, scaled and shifted output, same shape as x. */
  y: tf.Tensor;
  /** Batch mean [C] and biased batch variance [C] (for running statistics use the unbiased one: var · M/(M−1)). */
  mean: tf.Tensor1D;
  variance: tf.Tensor1D;
}

/**
 * Training-mode batch normalisation over every axis but the last (NHWC → statistics over N·H·W),
 * PyTorch `BatchNorm2d` semantics (biased variance for normalising). One fused custom gradient:
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ/σ · (dy − dβ/M − x̂·dγ/M). All channel reductions are [1, M] × [M, C]
 * matmuls — tfjs's generic reductions transpose NHWC first, which dominates a training step on wasm.
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): BatchNormTrainResult {
  const c = x.shape[x.shape.length - 1];
  const m = x.size / c;
  const stats = tf.tidy(() => {
    const x2d = tf.reshape(x, [m, c]) as tf.Tensor2D;
    const ones = tf.fill([1, m], 1 / m) as tf.Tensor2D;
    const mean = channelSum(x2d, ones);
    const meanSq = channelSum(tf.square(x2d) as tf.Tensor2D, ones);
    const variance = tf.relu(tf.sub(meanSq, tf.square(mean)));
    return [tf.reshape(mean, [c]), tf.reshape(variance, [c])] as [tf.Tensor1D, tf.Tensor1D];
  });
  const [mean, variance] = stats;
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const invStd = tf.rsqrt(tf.add(variance, epsilon));
    const xhat = tf.mul(tf.sub(xi, mean), invStd);
    const value = tf.add(tf.mul(xhat, g), b);
    save([xhat, invStd, g]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sXhat, sInvStd, sG] = saved;
        const ones = tf.ones([1, m]) as tf.Tensor2D;
        const dy2d = tf.reshape(dy, [m, c]) as tf.Tensor2D;
        const dBeta = tf.reshape(channelSum(dy2d, ones), [c]);
        const dGamma = tf.reshape(channelSum(tf.mul(dy2d, tf.reshape(sXhat, [m, c])) as tf.Tensor2D, ones), [c]);
        const dx = tf.mul(
          tf.mul(sG, sInvStd),
          tf.sub(tf.sub(dy, tf.div(dBeta, m)), tf.mul(sXhat, tf.div(dGamma, m))),
        );
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = fn(x, gamma, beta);
  return { y, mean, variance };
}
