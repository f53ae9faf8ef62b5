import * as tf from '@tensorflow/tfjs-core';

type Pair = [number, number];
const pair = (v: number | number[] | undefined): Pair => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/**
 * Inserts (d − 1) zeros between filter taps: HWIO [kh, kw, in, out] → [(kh−1)·dh+1, (kw−1)·dw+1, in, out],
 * so a dilated convolution equals an ordinary one with this filter (same padding rules).
 */
export function dilateFilter(filter: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filter.shape;
    let f: tf.Tensor4D = filter;
    if (dh > 1) {
      const spread = tf.pad(tf.reshape(f, [kh, 1, kw, ci * co]), [[0, 0], [0, dh - 1], [0, 0], [0, 0]]);
      f = tf.reshape(tf.slice(tf.reshape(spread, [kh * dh, kw, ci * co]), [0, 0, 0], [(kh - 1) * dh + 1, kw, ci * co]), [(kh - 1) * dh + 1, kw, ci, co]);
    }
    if (dw > 1) {
      const h = f.shape[0];
      const spread = tf.pad(tf.reshape(f, [h, kw, 1, ci * co]), [[0, 0], [0, 0], [0, dw - 1], [0, 0]]);
      f = tf.reshape(tf.slice(tf.reshape(spread, [h, kw * dw, ci * co]), [0, 0, 0], [h, (kw - 1) * dw + 1, ci * co]), [h, (kw - 1) * dw + 1, ci, co]);
    }
    return f;
  });
}

/**
 * Filter gradient of an NHWC convolution as a convolution of transposed tensors (no Conv2DBackpropFilter
 * kernel needed, which the wasm backend lacks):
 * dW[a, b, ci, co] = Σ x[n, i·s + a·d − pt, j·s + b·d − pl, ci] · dy[n, i, j, co]
 *                  = conv2d(xᵀ [ci, H, W, n], dyᵀ [i, j, n, co], strides = d, dilations = s), transposed back.
 */
export function conv2dFilterGrad(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: [number, number, number, number],
  strides: Pair,
  dilations: Pair,
  padInfo: { top: number; left: number },
): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filterShape;
    const [, H, W] = x.shape;
    const [, Ho, Wo] = dy.shape;
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]);
    const bottom = Math.max(0, (kh - 1) * dilations[0] + (Ho - 1) * strides[0] + 1 - H - padInfo.top);
    const right = Math.max(0, (kw - 1) * dilations[1] + (Wo - 1) * strides[1] + 1 - W - padInfo.left);
    const pad: [[number, number], [number, number], [number, number], [number, number]] = [
      [0, 0],
      [padInfo.top, bottom],
      [padInfo.left, right],
      [0, 0],
    ];
    // Negative padding (rows the forward pass never reached) cannot be expressed; those rows only add output rows that are sliced off.
    const out = tf.conv2d(xt, dyt, dilations, pad, 'NHWC', strides);
    const cropped = tf.slice(out, [0, 0, 0, 0], [out.shape[0], kh, kw, out.shape[3]]);
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

/**
 * Replaces tfjs's Conv2D gradient with one that supports dilation > 1 (tfjs throws "dilation rates
 * greater than 1 are not yet supported in gradients") and computes the filter gradient from forward
 * convolutions, so it runs on backends without Conv2DBackpropFilter (wasm). NHWC only, like tfjs.
 */
export function registerConv2dGradient(): void {
  tf.registerGradient({
    kernelName: tf.Conv2D,
    inputsToSave: ['x', 'filter'],
    gradFunc: (dy, saved, attrs) => {
      const [x, filter] = saved as [tf.Tensor4D, tf.Tensor4D];
      const a = attrs as unknown as tf.Conv2DAttrs;
      if (a.dataFormat !== undefined && a.dataFormat !== 'NHWC') throw new Error(`@det/tfjs: Conv2D gradient supports NHWC only, got ${a.dataFormat}`);
      const strides = pair(a.strides);
      const dilations = pair(a.dilations);
      const info = tf.backend_util.computeConv2DInfo(x.shape, filter.shape, strides, dilations, a.pad, a.dimRoundingMode, false, 'channelsLast');
      const dy4 = dy as tf.Tensor4D;
      return {
        x: () => {
          const f = dilations[0] > 1 || dilations[1] > 1 ? dilateFilter(filter, dilations[0], dilations[1]) : filter;
          return tf.conv2dTranspose(dy4, f, x.shape, strides, a.pad, a.dimRoundingMode);
        },
        filter: () => conv2dFilterGrad(x, dy4, filter.shape, strides, dilations, info.padInfo),
      };
    },
  });
}
