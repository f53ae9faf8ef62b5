import * as tf from '@tensorflow/tfjs-core';
import { flipTaps, inputGradByPhases, type Pair, pair } from './conv2d-grad';
import { leadingMean } from './reduce';

/**
 * Input gradient of an NHWC depthwise convolution (filter [kh, kw, C, m], output channel c·m + q): per
 * multiplier q, depthwise convolutions of dy's channels c·m + q with the reversed filter, one per stride phase
 * (see conv2dInputGrad) — any stride and dilation. `dy` [N, Ho, Wo, C·m] → dx [N, H, W, C].
 */
export function depthwiseInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  strides: Pair,
  dilations: Pair,
  padInfo: { top: number; left: number },
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, c, m] = filter.shape;
    const [n, ho, wo] = dy.shape;
    const one = (dyq: tf.Tensor4D, fq: tf.Tensor4D) =>
      inputGradByPhases(dyq, flipTaps(fq), xShape, strides, dilations, padInfo, (t, f, pad, dil) =>
        tf.depthwiseConv2d(t, f, 1, pad, 'NHWC', dil),
      );
    if (m === 1) return one(dy, filter);
    const dy3 = tf.reshape(dy, [n * ho * wo, c, m]);
    const parts: tf.Tensor4D[] = [];
    for (let q = 0; q < m; q++) {
      const dyq = tf.reshape(tf.slice(dy3, [0, 0, q], [n * ho * wo, c, 1]), [n, ho, wo, c]) as tf.Tensor4D;
      parts.push(one(dyq, tf.slice(filter, [0, 0, 0, q], [kh, kw, c, 1])));
    }
    return tf.addN(parts) as tf.Tensor4D;
  });
}

/**
 * Filter gradient of an NHWC depthwise convolution: for each tap (a, b), the (strided, dilated) shifted input
 * times dy, summed over N·Ho·Wo with average poolings — dW[a, b, c, q] = Σ x[n, i·s + a·d − pt, j·s + b·d − pl, c]·dy[n, i, j, c·m + q].
 */
export function depthwiseFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  [kh, kw, c, m]: [number, number, number, number],
  [sh, sw]: Pair,
  [dh, dw]: Pair,
  padInfo: { top: number; left: number },
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w] = x.shape;
    const [, ho, wo] = dy.shape;
    const count = n * ho * wo;
    const bottom = Math.max(0, (kh - 1) * dh + (ho - 1) * sh + 1 - h - padInfo.top);
    const right = Math.max(0, (kw - 1) * dw + (wo - 1) * sw + 1 - w - padInfo.left);
    const xp =
      padInfo.top + bottom + padInfo.left + right > 0
        ? tf.pad(x, [
            [0, 0],
            [padInfo.top, bottom],
            [padInfo.left, right],
            [0, 0],
          ])
        : x;
    const dy3 = tf.reshape(dy, [count, c, m]);
    const taps: tf.Tensor[] = [];
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const t = tf.stridedSlice(xp, [0, a * dh, b * dw, 0], [n, a * dh + (ho - 1) * sh + 1, b * dw + (wo - 1) * sw + 1, c], [1, sh, sw, 1]);
        taps.push(tf.mul(leadingMean(tf.mul(tf.reshape(t, [count, c, 1]), dy3), 1), count));
      }
    }
    return tf.reshape(tf.stack(taps), [kh, kw, c, m]) as tf.Tensor4D;
  });
}

/**
 * Replaces tfjs's DepthwiseConv2dNative gradient (which rejects dilation > 1 and needs backprop kernels the
 * wasm backend lacks) with {@link depthwiseInputGrad} and {@link depthwiseFilterGrad}. NHWC only.
 */
export function registerDepthwiseGradient(): void {
  tf.registerGradient({
    kernelName: tf.DepthwiseConv2dNative,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.DepthwiseConv2dNativeAttrs;
      if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') throw new Error(`@det/tfjs: depthwise gradient supports NHWC only, got ${a.dataFormat}`);
      const strides = pair(a.strides);
      const dilations = pair(a.dilations);
      const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, strides, dilations, a.pad, a.dimRoundingMode, true);
      const dy4 = dy as tf.Tensor4D;
      return {
        x: () => depthwiseInputGrad(dy4, filter, x.shape, strides, dilations, info.padInfo),
        filter: () => depthwiseFilterGrad(x, dy4, filter.shape, strides, dilations, info.padInfo),
      };
    },
  });
}
