import * as tf from '@tensorflow/tfjs-core';

/** [height, width] pair. */
export type Pair = [number, number];
export const pair = (v: number | number[] | undefined): Pair => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

/**
 * Inserts (d − 1) zeros between filter taps: HWIO [kh, kw, in, out] → [(kh−1)·dh+1, (kw−1)·dw+1, in, out],
 * so a dilated convolution equals an ordinary one with this filter (same padding rules).
 */
export function dilateFilter(filter: tf.Tensor4D, dh: number, dw: number): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw, ci, co] = filter.shape;
    let f: tf.Tensor4D = filter;
    if (dh > 1) {
      const spread = tf.pad(tf.reshape(f, [kh, 1, kw, ci * co]), [
        [0, 0],
        [0, dh - 1],
        [0, 0],
        [0, 0],
      ]);
      f = tf.reshape(tf.slice(tf.reshape(spread, [kh * dh, kw, ci * co]), [0, 0, 0], [(kh - 1) * dh + 1, kw, ci * co]), [(kh - 1) * dh + 1, kw, ci, co]);
    }
    if (dw > 1) {
      const h = f.shape[0];
      const spread = tf.pad(tf.reshape(f, [h, kw, 1, ci * co]), [
        [0, 0],
        [0, 0],
        [0, dw - 1],
        [0, 0],
      ]);
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
 * `x` NHWC [N, H, W, Ci], `dy` NHWC [N, Ho, Wo, Co], `filterShape` HWIO; `padInfo` top/left padding of the forward pass.
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
    const pad: Pad4 = [
      [0, 0],
      [padInfo.top, bottom],
      [padInfo.left, right],
      [0, 0],
    ];
    // Rows the forward pass never reached only add output rows, which are sliced off.
    const out = tf.conv2d(xt, dyt, dilations, pad, 'NHWC', strides);
    const cropped = out.shape[1] === kh && out.shape[2] === kw ? out : tf.slice(out, [0, 0, 0, 0], [out.shape[0], kh, kw, out.shape[3]]);
    return tf.transpose(cropped, [1, 2, 0, 3]) as tf.Tensor4D;
  });
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * One stride phase along one axis of the input gradient. Padded-input row P = s·u + r receives
 * dy[u − m_a]·W[a] from every tap a with a·d ≡ r (mod s), m_a = (a·d − r)/s: a stride-1 correlation of dy
 * with those taps (reversed) at dilation d/gcd(d, s).
 */
interface Phase {
  /** Filter taps used, in the order the correlation reads them (descending a). */
  taps: number[];
  dilation: number;
  /** dy rows to pad before (negative: crop) and after, for output rows u0 … u0 + U − 1. */
  before: number;
  after: number;
}

function phase(r: number, k: number, s: number, d: number, outLen: number, u0: number, count: number): Phase | undefined {
  const taps: number[] = [];
  for (let a = k - 1; a >= 0; a--) if ((a * d) % s === r) taps.push(a);
  if (taps.length === 0) return undefined;
  const dilation = d / gcd(d, s);
  const mMax = (taps[0] * d - r) / s;
  const before = mMax - u0;
  const after = count + (taps.length - 1) * dilation - outLen - before;
  return { taps, dilation, before, after };
}

/** Pads (positive) or crops (negative) rows/cols of an NHWC tensor; undefined when nothing is left. */
function padOrCrop(t: tf.Tensor4D, [top, bottom]: Pair, [left, right]: Pair): { t: tf.Tensor4D; pad: Pad4 } | undefined {
  const [n, h, w, c] = t.shape;
  const ct = Math.max(0, -top);
  const cb = Math.max(0, -bottom);
  const cl = Math.max(0, -left);
  const cr = Math.max(0, -right);
  if (ct + cb >= h || cl + cr >= w) return undefined;
  const cropped = ct + cb + cl + cr > 0 ? tf.slice(t, [0, ct, cl, 0], [n, h - ct - cb, w - cl - cr, c]) : t;
  return {
    t: cropped,
    pad: [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ],
  };
}

/**
 * Input gradient of an NHWC convolution from forward convolutions only (fast XNNPACK Conv2D on wasm, where
 * tfjs's Conv2DBackpropInput is a slow direct loop; no "dilation > 1" restriction). Stride 1: one convolution of
 * dy with the flipped, in/out-swapped filter at the same dilation. Stride s: s_h·s_w phase convolutions with
 * the filter's sub-grids, interleaved with depthToSpace — no multiplications by inserted zeros.
 * `dy` NHWC [N, Ho, Wo, Co], `filter` HWIO [kh, kw, Ci, Co], `xShape` [N, H, W, Ci] → dx NHWC [N, H, W, Ci].
 */
export function conv2dInputGrad(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  xShape: [number, number, number, number],
  strides: Pair,
  dilations: Pair,
  padInfo: { top: number; left: number },
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, H, W, ci] = xShape;
    const [kh, kw] = filter.shape;
    const [, Ho, Wo] = dy.shape;
    const [sh, sw] = strides;
    const u0h = Math.floor(padInfo.top / sh);
    const u0w = Math.floor(padInfo.left / sw);
    const Uh = Math.ceil((padInfo.top + H) / sh) - u0h;
    const Uw = Math.ceil((padInfo.left + W) / sw) - u0w;
    const flipped = tf.transpose(filter, [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, Co, Ci]
    const parts: tf.Tensor4D[] = [];
    for (let rh = 0; rh < sh; rh++) {
      for (let rw = 0; rw < sw; rw++) {
        const ph = phase(rh, kh, sh, dilations[0], Ho, u0h, Uh);
        const pw = phase(rw, kw, sw, dilations[1], Wo, u0w, Uw);
        const input = ph && pw ? padOrCrop(dy, [ph.before, ph.after], [pw.before, pw.after]) : undefined;
        if (!ph || !pw || !input) {
          parts.push(tf.zeros([n, Uh, Uw, ci]));
          continue;
        }
        const f = tf.gather(tf.gather(flipped, ph.taps, 0), pw.taps, 1) as tf.Tensor4D;
        parts.push(tf.conv2d(input.t, f, 1, input.pad, 'NHWC', [ph.dilation, pw.dilation]));
      }
    }
    let full: tf.Tensor4D;
    if (parts.length === 1) full = parts[0];
    else if (sh === sw) full = tf.depthToSpace(tf.concat(parts, 3) as tf.Tensor4D, sh, 'NHWC');
    else {
      const rows = [];
      for (let rh = 0; rh < sh; rh++) rows.push(tf.reshape(tf.stack(parts.slice(rh * sw, rh * sw + sw), 3), [n, Uh, Uw * sw, ci]));
      full = tf.reshape(tf.stack(rows, 2), [n, Uh * sh, Uw * sw, ci]) as tf.Tensor4D;
    }
    const top = padInfo.top - u0h * sh;
    const left = padInfo.left - u0w * sw;
    return full.shape[1] === H && full.shape[2] === W && top === 0 && left === 0 ? full : (tf.slice(full, [0, top, left, 0], [n, H, W, ci]) as tf.Tensor4D);
  });
}

/**
 * Replaces tfjs's Conv2D gradient with one that supports dilation > 1 (tfjs throws "dilation rates
 * greater than 1 are not yet supported in gradients") and builds both gradients from forward convolutions,
 * so it runs fast on backends without Conv2DBackpropFilter and with a slow Conv2DBackpropInput (wasm). NHWC only, like tfjs.
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
        x: () => conv2dInputGrad(dy4, filter, x.shape, strides, dilations, info.padInfo),
        filter: () => conv2dFilterGrad(x, dy4, filter.shape, strides, dilations, info.padInfo),
      };
    },
  });
}
