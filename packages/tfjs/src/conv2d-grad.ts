import * as tf from '@tensorflow/tfjs-core';

/** [height, width] pair. */
export type Pair = [number, number];
export const pair = (v: number | number[] | undefined): Pair => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

export type Pad4 = [[number, number], [number, number], [number, number], [number, number]];

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
    const [kh, kw, ci] = filterShape;
    const [, H, W] = x.shape;
    const [, Ho, Wo] = dy.shape;
    const bottom = Math.max(0, (kh - 1) * dilations[0] + (Ho - 1) * strides[0] + 1 - H - padInfo.top);
    const right = Math.max(0, (kw - 1) * dilations[1] + (Wo - 1) * strides[1] + 1 - W - padInfo.left);
    if (ci <= IM2COL_MAX_CHANNELS && kh * kw <= IM2COL_MAX_TAPS) return filterGradIm2col(x, dy, filterShape, strides, dilations, [padInfo.top, bottom, padInfo.left, right]);
    const xt = tf.transpose(x, [3, 1, 2, 0]);
    const dyt = tf.transpose(dy, [1, 2, 0, 3]);
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

/**
 * Below this many input channels the filter gradient is an im2col matmul: [Ci·kh·kw, M] × [M, Co] with
 * M = N·Ho·Wo. The transposed-convolution form has only Ci "images" then and runs ~3× slower on wasm
 * (measured for an RGB first layer: 3 → 32 channels, 8×128×128). It takes one slice per tap, so large kernels (FCN's
 * 16×16 stride-8 upsampling: 256 taps of a few thousand values, 0.2 s of op overhead) use the convolution instead.
 */
const IM2COL_MAX_CHANNELS = 8;
const IM2COL_MAX_TAPS = 49;

function filterGradIm2col(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  [kh, kw, ci, co]: [number, number, number, number],
  [sh, sw]: Pair,
  [dh, dw]: Pair,
  [top, bottom, left, right]: [number, number, number, number],
): tf.Tensor4D {
  const [n] = x.shape;
  const [, Ho, Wo] = dy.shape;
  const m = n * Ho * Wo;
  let xc: tf.Tensor4D = tf.transpose(x, [3, 0, 1, 2]); // [Ci, N, H, W]
  if (top + bottom + left + right > 0) {
    xc = tf.pad(xc, [
      [0, 0],
      [0, 0],
      [top, bottom],
      [left, right],
    ]);
  }
  // Strided: split the padded input into its sh·sw stride phases once ([sh·sw, Ci·N, Hq, Wq], one 4-D transpose), so
  // every tap is a plain slice of one phase — wasm's StridedSlice computes each element's index (~30 ns each).
  let phases: tf.Tensor4D | undefined;
  let hq = 0;
  let wq = 0;
  if (sh > 1 || sw > 1) {
    const [, , hp, wp] = xc.shape;
    hq = Math.ceil(hp / sh);
    wq = Math.ceil(wp / sw);
    const even =
      hq * sh === hp && wq * sw === wp
        ? xc
        : tf.pad(xc, [
            [0, 0],
            [0, 0],
            [0, hq * sh - hp],
            [0, wq * sw - wp],
          ]);
    phases = tf.reshape(tf.transpose(tf.reshape(even, [ci * n * hq, sh, wq, sw]), [1, 3, 0, 2]), [sh * sw, ci * n, hq, wq]);
  }
  const taps: tf.Tensor[] = [];
  for (let a = 0; a < kh; a++) {
    for (let b = 0; b < kw; b++) {
      const tap = phases
        ? tf.slice(phases, [((a * dh) % sh) * sw + ((b * dw) % sw), 0, Math.floor((a * dh) / sh), Math.floor((b * dw) / sw)], [1, ci * n, Ho, Wo])
        : tf.slice(xc, [0, 0, a * dh, b * dw], [ci, n, Ho, Wo]);
      taps.push(tf.reshape(tap, [ci, 1, m]));
    }
  }
  const patches = tf.reshape(tf.concat(taps, 1), [ci * kh * kw, m]); // rows (ci, a, b)
  const grad = tf.matMul(patches, tf.reshape(dy, [m, co]));
  return tf.transpose(tf.reshape(grad, [ci, kh, kw, co]), [1, 2, 0, 3]) as tf.Tensor4D;
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
 * Interleaves stride phases: parts[rh·sw + rw] [N, U, V, C] → [N, U·sh, V·sw, C] with row u·sh + rh and column
 * v·sw + rw taken from that phase — two ≤ 4-D transposes (fast on wasm; its DepthToSpace is slow).
 */
function interleave(parts: tf.Tensor4D[], [n, u, v, c]: [number, number, number, number], sh: number, sw: number): tf.Tensor4D {
  const p = tf.reshape(tf.concat(parts.map((t) => tf.reshape(t, [1, -1])), 0), [sh, sw, n * u, v * c]);
  const view = sh === 1 ? tf.reshape(p, [sw, n * u, 1, v * c]) : tf.transpose(p, [1, 2, 0, 3]); // [sw, N·U, sh, V·C]
  const cols = tf.reshape(view, [sw, n * u * sh * v, c]);
  return tf.reshape(sw === 1 ? cols : tf.transpose(cols, [1, 0, 2]), [n, u * sh, v * sw, c]) as tf.Tensor4D;
}

/**
 * The filter with its taps reversed along kh and kw (`tf.reverse(filter, [0, 1])`): reversing both axes reverses the
 * flat tap index a·kw + b, so it is kh·kw contiguous rows of [kh·kw, rest] in reverse order (see selectRows).
 */
export function flipTaps(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, a, b] = filter.shape;
  if (kh * kw === 1) return tf.clone(filter);
  return selectRows(filter, Array.from({ length: kh * kw }, (_, i) => kh * kw - 1 - i), [kh, kw, a, b]);
}

/** The sub-filter of taps rows × cols ([rows.length, cols.length, ·, ·]) of `filter` [kh, kw, ·, ·]: row copies (see selectRows). */
function gatherTaps(filter: tf.Tensor4D, rows: readonly number[], cols: readonly number[]): tf.Tensor4D {
  const [, kw, a, b] = filter.shape;
  return selectRows(
    filter,
    rows.flatMap((r) => cols.map((c) => r * kw + c)),
    [rows.length, cols.length, a, b],
  );
}

/**
 * Rows `order` of `filter` viewed as [kh·kw, rest], reshaped to `shape`. On the wasm and cpu backends the rows are
 * copied on the host (`TypedArray.set` of contiguous rows, ~1 ns per element): their GatherV2, Reverse and Slice
 * kernels compute every element's index (15–30 ns each: ~0.5 s per step for ResNet-18's 3×3×512×512 filters).
 * Elsewhere (GPU backends, where a read-back would stall) it is a gather.
 */
function selectRows(filter: tf.Tensor4D, order: readonly number[], shape: [number, number, number, number]): tf.Tensor4D {
  const [kh, kw, a, b] = filter.shape;
  const rowSize = a * b;
  const backend = tf.getBackend();
  if (backend !== 'wasm' && backend !== 'cpu') {
    return tf.tidy(() => tf.reshape(tf.gather(tf.reshape(filter, [kh * kw, rowSize]), tf.tensor1d(order as number[], 'int32')), shape) as tf.Tensor4D);
  }
  const src = filter.dataSync() as Float32Array;
  const out = new Float32Array(order.length * rowSize);
  order.forEach((r, i) => {
    out.set(src.subarray(r * rowSize, (r + 1) * rowSize), i * rowSize);
  });
  return tf.tensor4d(out, shape, filter.dtype as 'float32');
}

/**
 * Input gradient of an NHWC convolution from forward convolutions only (fast XNNPACK Conv2D on wasm, where
 * tfjs's Conv2DBackpropInput is a slow direct loop; no "dilation > 1" restriction). Stride 1: one convolution of
 * dy with the flipped, in/out-swapped filter at the same dilation. Stride s: s_h·s_w phase convolutions with
 * the filter's sub-grids, interleaved by transposes — no multiplications by inserted zeros.
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
    // Reversed taps, in/out swapped: [kh, kw, Co, Ci].
    const flipped = flipTaps(tf.transpose(filter, [0, 1, 3, 2]) as tf.Tensor4D);
    return inputGradByPhases(dy, flipped, xShape, strides, dilations, padInfo, (t, f, pad, dil) => tf.conv2d(t, f, 1, pad, 'NHWC', dil));
  });
}

/** A stride-1 convolution of the phase engine: input, (sub-)filter, explicit padding, dilations. */
export type PhaseConv = (input: tf.Tensor4D, filter: tf.Tensor4D, pad: Pad4, dilations: Pair) => tf.Tensor4D;

/**
 * The input gradient of a (regular or depthwise) convolution from stride-1 convolutions of dy with the
 * reversed filter `flipped` [kh, kw, ·, ·] (see conv2dInputGrad): one per stride phase, interleaved. A phase's
 * taps (descending a) are a strided run of `flipped`.
 */
export function inputGradByPhases(
  dy: tf.Tensor4D,
  flipped: tf.Tensor4D,
  xShape: [number, number, number, number],
  [sh, sw]: Pair,
  dilations: Pair,
  padInfo: { top: number; left: number },
  conv: PhaseConv,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, H, W, ci] = xShape;
    const [kh, kw] = flipped.shape;
    const [, Ho, Wo] = dy.shape;
    const u0h = Math.floor(padInfo.top / sh);
    const u0w = Math.floor(padInfo.left / sw);
    const Uh = Math.ceil((padInfo.top + H) / sh) - u0h;
    const Uw = Math.ceil((padInfo.left + W) / sw) - u0w;
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
        const f = ph.taps.length === kh && pw.taps.length === kw ? flipped : gatherTaps(flipped, ph.taps.map((a) => kh - 1 - a), pw.taps.map((b) => kw - 1 - b));
        parts.push(conv(input.t, f, input.pad, [ph.dilation, pw.dilation]));
      }
    }
    const full = parts.length === 1 ? parts[0] : interleave(parts, [n, Uh, Uw, ci], sh, sw);
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
