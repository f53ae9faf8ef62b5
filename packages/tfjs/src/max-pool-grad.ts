import * as tf from '@tensorflow/tfjs-core';

/** Geometry of a padded max pooling of x [N, H, W, C], from tfjs's computePool2DInfo. */
interface PoolGeometry {
  n: number;
  c: number;
  h: number;
  w: number;
  oh: number;
  ow: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  left: number;
  /** Stride cells per side in the phase layout: oh + ⌈kh/sh⌉ − 1 (and likewise for width). */
  hq: number;
  wq: number;
}

/**
 * The stride phases of x, padded with −∞ (top/left as the pooling pads, the rest up to hq·sh × wq·sw):
 * P[ra, rb] = x[ra + sh·i − top, rb + sw·j − left], as [sh, sw, N·hq, wq·C] — two ≤ 4-D transposes,
 * which are fast on wasm (6-D transposes and strided slices are not).
 */
function toPhases(x: tf.Tensor4D, g: PoolGeometry): tf.Tensor4D {
  const { n, c, h, w, sh, sw, hq, wq, top, left } = g;
  const hh = hq * sh;
  const ww = wq * sw;
  let t: tf.Tensor4D = x;
  const bottom = hh - top - h;
  const right = ww - left - w;
  if (bottom < 0 || right < 0) t = tf.slice(t, [0, 0, 0, 0], [n, h + Math.min(0, bottom), w + Math.min(0, right), c]);
  if (top > 0 || left > 0 || bottom > 0 || right > 0) {
    const pads: [number, number][] = [
      [0, 0],
      [top, Math.max(0, bottom)],
      [left, Math.max(0, right)],
      [0, 0],
    ];
    t = tf.pad(t, pads, Number.NEGATIVE_INFINITY);
  }
  const cols = sw === 1 ? tf.reshape(t, [1, n * hh * wq, c]) : tf.transpose(tf.reshape(t, [n * hh * wq, sw, c]), [1, 0, 2]);
  const view = tf.reshape(cols, [sw, n * hq, sh, wq * c]);
  return (sh === 1 ? tf.reshape(view, [1, sw, n * hq, wq * c]) : tf.transpose(view, [2, 0, 1, 3])) as tf.Tensor4D;
}

/** Inverse of {@link toPhases} for a gradient: [sh, sw, N·hq, wq·C] → [N, H, W, C], padding dropped. */
function fromPhases(p: tf.Tensor4D, g: PoolGeometry): tf.Tensor4D {
  const { n, c, h, w, sh, sw, hq, wq, top, left } = g;
  const hh = hq * sh;
  const ww = wq * sw;
  const view = sh === 1 ? tf.reshape(p, [sw, n * hq, 1, wq * c]) : tf.transpose(p, [1, 2, 0, 3]);
  const cols = tf.reshape(view, [sw, n * hh * wq, c]);
  let t = tf.reshape(sw === 1 ? cols : tf.transpose(cols, [1, 0, 2]), [n, hh, ww, c]) as tf.Tensor4D;
  const keepH = Math.min(h, hh - top);
  const keepW = Math.min(w, ww - left);
  if (top > 0 || left > 0 || keepH !== hh || keepW !== ww) t = tf.slice(t, [0, top, left, 0], [n, keepH, keepW, c]);
  if (keepH < h || keepW < w) {
    t = tf.pad(t, [
      [0, 0],
      [0, h - keepH],
      [0, w - keepW],
      [0, 0],
    ]);
  }
  return t;
}

/** 2¹²⁶: twice multiplied, any nonzero float32 difference (even a subnormal one) overflows past −1. */
const HUGE = 2 ** 126;

/**
 * (t − y)·2¹²⁶·2¹²⁶ for taps t ≤ window maximum y: exactly 0 where t equals the maximum, ≤ −1e31 (or −∞)
 * elsewhere, padding (−∞) included. Plain subtractions and multiplies are fast XNNPACK kernels on wasm; its
 * Equal, Greater and Select are ~15× slower per element.
 */
function gapToMax(t: tf.Tensor, y: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(tf.sub(t, y), HUGE), HUGE);
}

/**
 * Gradient of max pooling with PyTorch's rule: each window's gradient goes to the first tap (row-major) that
 * holds the window's maximum — ties included (all-zero windows after a ReLU are common), and windows of
 * negative values work. tfjs-backend-wasm 4.22's MaxPoolGrad breaks both (its running maximum starts at
 * FLT_MIN, the smallest positive float, and `>=` keeps the last tie) and is slow. Built from phase reshapes,
 * ≤ 4-D transposes (fast on wasm, unlike 6-D transposes or strided slices) and arithmetic. Non-overlapping
 * windows (2×2/2): every tap gets a score (K − tap index at the maximum, about −∞ elsewhere), a max pooling
 * over the tap axis finds the best, and dy goes to the tap holding it. Overlapping windows walk the taps in
 * order, handing what is left of dy to each tap at the maximum.
 * `dy` [N, oh, ow, C], `x` [N, H, W, C], `y` = maxPool(x) [N, oh, ow, C]; `info` from computePool2DInfo.
 */
export function maxPoolGradFirstTap(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, info: tf.backend_util.Conv2DInfo): tf.Tensor4D {
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    const { outHeight: oh, outWidth: ow, filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw } = info;
    const hq = oh + Math.ceil(kh / sh) - 1;
    const wq = ow + Math.ceil(kw / sw) - 1;
    const g: PoolGeometry = { n, c, h, w, oh, ow, kh, kw, sh, sw, top: info.padInfo.top, left: info.padInfo.left, hq, wq };
    const m = n * oh * ow * c;
    if (kh === sh && kw === sw) {
      // The phases are the taps: [K, M]. Intermediates are freed as soon as they are used (a 300×300 batch's
      // activations are ~100 MB each).
      const k = kh * kw;
      const phases = tf.tidy(() => toPhases(x, g));
      const score = tf.tidy(() => {
        const codes = tf.tensor2d(Array.from({ length: k }, (_, i) => k - i), [k, 1]);
        return tf.add(gapToMax(tf.reshape(phases, [k, m]), tf.reshape(y, [1, m])), codes);
      });
      phases.dispose();
      const best = tf.maxPool(tf.reshape(score, [1, k, m / c, c]) as tf.Tensor4D, [k, 1], 1, 'valid');
      const grad = tf.tidy(() => tf.mul(tf.relu(tf.sub(score, tf.reshape(tf.sub(best, 1), [1, m]))), tf.reshape(dy, [1, m]))); // dy at the best tap
      tf.dispose([score, best]);
      return fromPhases(tf.reshape(grad, [sh, sw, n * oh, ow * c]) as tf.Tensor4D, g);
    }
    const phases = toPhases(x, g);
    let rest: tf.Tensor = dy;
    // Per phase, the sum of the (shifted) tap gradients that land in it.
    const acc: (tf.Tensor4D | undefined)[] = new Array(sh * sw).fill(undefined);
    for (let a = 0; a < kh; a++) {
      for (let b = 0; b < kw; b++) {
        const p = (a % sh) * sw + (b % sw);
        const qa = Math.floor(a / sh);
        const qb = Math.floor(b / sw);
        const block = tf.reshape(tf.slice(phases, [a % sh, b % sw, 0, 0], [1, 1, n * hq, wq * c]), [n, hq, wq, c]);
        const tap = hq === oh && wq === ow ? block : tf.slice(block, [0, qa, qb, 0], [n, oh, ow, c]);
        const hit = tf.relu(tf.add(gapToMax(tap, y), 1)); // 1 where the tap holds the maximum, else 0
        const grad = tf.mul(hit, rest) as tf.Tensor4D;
        if (a < kh - 1 || b < kw - 1) rest = tf.sub(rest, grad);
        const placed =
          hq === oh && wq === ow
            ? grad
            : (tf.pad(grad, [
                [0, 0],
                [qa, hq - oh - qa],
                [qb, wq - ow - qb],
                [0, 0],
              ]) as tf.Tensor4D);
        const prev = acc[p];
        acc[p] = prev === undefined ? placed : (tf.add(prev, placed) as tf.Tensor4D);
      }
    }
    const empty = tf.zeros([n, hq, wq, c]);
    const blocks = acc.map((v) => tf.reshape(v ?? empty, [1, n * hq * wq * c]));
    const stacked = tf.reshape(blocks.length === 1 ? blocks[0] : tf.concat(blocks, 0), [sh, sw, n * hq, wq * c]) as tf.Tensor4D;
    return fromPhases(stacked, g);
  });
}

/**
 * Replaces tfjs's MaxPool gradient: on wasm with {@link maxPoolGradFirstTap} (exact and faster than the
 * backend's MaxPoolGrad kernel); elsewhere with the backend's own MaxPoolGrad kernel (cpu's and
 * tfjs-node's already pick the first maximal tap).
 */
export function registerMaxPoolGradient(): void {
  tf.registerGradient({
    kernelName: tf.MaxPool,
    inputsToSave: ['x'],
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [x, y] = saved as [tf.Tensor4D, tf.Tensor4D];
      const { filterSize, strides, pad, dimRoundingMode } = attrs as unknown as tf.MaxPoolAttrs;
      return {
        x: () => {
          if (tf.getBackend() !== 'wasm') {
            return tf.engine().runKernel(tf.MaxPoolGrad, { dy: dy as tf.Tensor, input: x, output: y }, { filterSize, strides, pad, dimRoundingMode } as unknown as tf.NamedAttrMap) as tf.Tensor4D;
          }
          const info = tf.backend_util.computePool2DInfo(x.shape, filterSize, strides, 1, pad, dimRoundingMode);
          return maxPoolGradFirstTap(dy as tf.Tensor4D, x, y, info);
        },
      };
    },
  });
}
