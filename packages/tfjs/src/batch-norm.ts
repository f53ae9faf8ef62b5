import * as tf from '@tensorflow/tfjs-core';
import { leadingMean } from './reduce';

/** Per-channel means of x [..., C] as [C], via average pooling (see leadingMean). */
function channelMean(x: tf.Tensor, c: number): tf.Tensor1D {
  return leadingMean(x.rank === 2 ? x : tf.reshape(x, [x.shape[0], x.size / x.shape[0] / c, c]), x.rank === 2 ? 1 : 2) as tf.Tensor1D;
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
 * dβ = Σdy, dγ = Σdy·x̂, dx = γ/σ · (dy − dβ/M − x̂·dγ/M). Channel reductions are average poolings (see
 * leadingMean), so a forward+backward reads each activation a handful of times and never transposes it.
 * `x` [..., C] (NHWC), `gamma`/`beta` [C].
 */
export function batchNormTrain(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, epsilon = 1e-5): BatchNormTrainResult {
  const c = x.shape[x.shape.length - 1];
  const m = x.size / c;
  // The statistics are computed inside the custom op's forward pass, where tfjs records nothing on the
  // gradient tape: no full-size (x − μ)² stays alive until the backward pass. They leave through this closure
  // and carry no gradient, like PyTorch's running-statistics update; the op's own gradient accounts for
  // their dependence on x. It saves x itself (shared with the op that produced it, no copy), not x̂.
  let mean: tf.Tensor1D | undefined;
  let variance: tf.Tensor1D | undefined;
  const fn = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const mu = tf.keep(channelMean(xi, c));
    const v = tf.keep(tf.tidy(() => channelMean(tf.squaredDifference(xi, mu), c)));
    mean = mu;
    variance = v;
    const invStd = tf.rsqrt(tf.add(v, epsilon));
    const scale = tf.mul(g, invStd);
    const value = tf.tidy(() => tf.add(tf.mul(xi, scale), tf.sub(b, tf.mul(mu, scale))));
    save([xi, mu, invStd, scale]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sMean, sInvStd, sScale] = saved;
        // Full-size intermediates are freed as soon as they are used (tidy per expression).
        const xhat = tf.tidy(() => tf.mul(tf.sub(sx, sMean), sInvStd));
        const meanDy = channelMean(dy, c);
        const meanDyXhat = tf.tidy(() => channelMean(tf.mul(dy, xhat), c));
        // dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy·x̂))
        const dx = tf.tidy(() => {
          const first = tf.mul(dy, sScale);
          const rest = tf.tidy(() => tf.add(tf.mul(xhat, tf.mul(meanDyXhat, sScale)), tf.mul(meanDy, sScale)));
          return tf.sub(first, rest);
        });
        xhat.dispose();
        return [dx, tf.mul(meanDyXhat, m), tf.mul(meanDy, m)];
      },
    };
  });
  const y = fn(x, gamma, beta);
  // Hand the statistics over as ordinary (scope-tracked) tensors; the kept originals go.
  const stats = { mean: tf.clone(mean as tf.Tensor1D), variance: tf.clone(variance as tf.Tensor1D) };
  tf.dispose([mean as tf.Tensor1D, variance as tf.Tensor1D]);
  return { y, ...stats };
}
