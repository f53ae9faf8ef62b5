import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { Module } from '../module';
import { pyValue } from '../repr';
import { mixAxis } from './axis-ops';
import { check4d, checkPair, type IntPair, pair } from './util';

/** PyTorch's pooling output size, including the ceil-mode rule that drops a last window starting in the padding. */
export function poolOutputSize(size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * padding - dilation * (kernel - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

export interface MaxPool2dOptions {
  /** Default: the kernel size. */
  stride?: IntPair;
  /** Implicit −∞ padding on each side, at most half the kernel. Default 0. */
  padding?: IntPair;
  /** Only 1 is supported. */
  dilation?: IntPair;
  /** Output size rounds up: windows may run off the bottom/right edge (never start in the padding). Default false. */
  ceilMode?: boolean;
}

/**
 * Max pooling over NHWC, PyTorch `nn.MaxPool2d` semantics including `ceil_mode` (tfjs has none: the input is
 * padded with −∞ to exactly the size the output needs). The gradient goes to the first maximal tap of each window,
 * as in PyTorch (ties included), on every backend: @det/tfjs registers that MaxPool gradient (tfjs-backend-wasm's
 * own MaxPoolGrad is wrong). The constructor values are printed as given.
 */
export class MaxPool2d extends Module {
  static override readonly torchName = 'MaxPool2d';
  readonly kernelSize: IntPair;
  readonly stride: IntPair;
  readonly padding: IntPair;
  readonly dilation: IntPair;
  readonly ceilMode: boolean;

  constructor(kernelSize: IntPair, { stride, padding = 0, dilation = 1, ceilMode = false }: MaxPool2dOptions = {}) {
    super();
    checkPair(kernelSize, 'kernelSize', 1);
    if (stride !== undefined) checkPair(stride, 'stride', 1);
    checkPair(padding, 'padding', 0);
    checkPair(dilation, 'dilation', 1);
    const [kh, kw] = pair(kernelSize);
    const [ph, pw] = pair(padding);
    if (ph > kh / 2 || pw > kw / 2) {
      throw new InvalidConfigError('pad should be at most half of the kernel size', { field: 'padding', expected: `≤ ${kh / 2}, ${kw / 2}`, received: padding });
    }
    if (pair(dilation).some((d) => d !== 1)) {
      throw new InvalidConfigError('MaxPool2d supports dilation 1 only', { field: 'dilation', expected: '1', received: dilation });
    }
    this.kernelSize = kernelSize;
    this.stride = stride ?? kernelSize;
    this.padding = padding;
    this.dilation = dilation;
    this.ceilMode = ceilMode;
  }

  /** Output (H, W) for an input (H, W). */
  outputSize(h: number, w: number): [number, number] {
    const [kh, kw] = pair(this.kernelSize);
    const [sh, sw] = pair(this.stride);
    const [ph, pw] = pair(this.padding);
    return [poolOutputSize(h, kh, sh, ph, 1, this.ceilMode), poolOutputSize(w, kw, sw, pw, 1, this.ceilMode)];
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'MaxPool2d');
    const [, h, w] = x.shape;
    const [kh, kw] = pair(this.kernelSize);
    const [sh, sw] = pair(this.stride);
    const [ph, pw] = pair(this.padding);
    const [oh, ow] = this.outputSize(h, w);
    if (oh < 1 || ow < 1) {
      throw new InvalidConfigError('MaxPool2d input is smaller than the kernel', { field: 'x', expected: `H, W ≥ ${kh}, ${kw} (with padding)`, received: x.shape });
    }
    return tf.tidy(() => {
      // Pad (−∞) or crop to exactly the extent the output windows cover, then pool without padding.
      const bottom = (oh - 1) * sh + kh - h - ph;
      const right = (ow - 1) * sw + kw - w - pw;
      let xp = x as tf.Tensor4D;
      if (ph > 0 || pw > 0 || bottom > 0 || right > 0) {
        xp = tf.pad(
          xp,
          [
            [0, 0],
            [ph, Math.max(0, bottom)],
            [pw, Math.max(0, right)],
            [0, 0],
          ],
          Number.NEGATIVE_INFINITY,
        );
      }
      if (bottom < 0 || right < 0) {
        const [n, hp, wp, c] = xp.shape;
        xp = tf.slice(xp, [0, 0, 0, 0], [n, hp + Math.min(0, bottom), wp + Math.min(0, right), c]);
      }
      // The gradient is @det/tfjs's MaxPool gradient: the first maximal tap of each window (PyTorch's rule), also on
      // wasm, whose own MaxPoolGrad is wrong for all-negative windows and ties.
      return tf.maxPool(xp, [kh, kw], [sh, sw], 'valid');
    });
  }

  override extraRepr(): string {
    return `kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}, padding=${pyValue(this.padding)}, dilation=${pyValue(this.dilation)}, ceil_mode=${pyValue(this.ceilMode)}`;
  }
}

/** Output size of adaptive pooling: an int (square), or (H, W) where null keeps the input's size. */
export type AdaptiveSize = number | [number | null, number | null];

/**
 * Row-stochastic [out, in] averaging matrix with PyTorch's adaptive bins: output i averages input
 * ⌊i·in/out⌋ … ⌈(i+1)·in/out⌉ − 1.
 */
export function adaptiveBins(inSize: number, outSize: number): Float32Array {
  const m = new Float32Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return m;
}

/**
 * Average pooling to a fixed output size, PyTorch `nn.AdaptiveAvgPool2d` bins (overlapping when the size does
 * not divide), any output size (larger than the input too). NHWC [N, H, W, C] → [N, oh, ow, C]. Uses a mean for
 * (1, 1), a reshaped mean when the sizes divide, else per-axis averaging matrices.
 */
export class AdaptiveAvgPool2d extends Module {
  static override readonly torchName = 'AdaptiveAvgPool2d';
  readonly outputSize: AdaptiveSize;

  constructor(outputSize: AdaptiveSize) {
    super();
    const sizes = typeof outputSize === 'number' ? [outputSize] : outputSize;
    for (const s of sizes) {
      if (s !== null && (!Number.isInteger(s) || s < 1)) {
        throw new InvalidConfigError('invalid output size', { field: 'outputSize', expected: 'positive integers (or null to keep a side)', received: outputSize });
      }
    }
    this.outputSize = outputSize;
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'AdaptiveAvgPool2d');
    const [, h, w] = x.shape;
    const [rh, rw] = typeof this.outputSize === 'number' ? [this.outputSize, this.outputSize] : this.outputSize;
    const oh = rh ?? h;
    const ow = rw ?? w;
    return tf.tidy(() => {
      if (oh === h && ow === w) return tf.clone(x) as tf.Tensor4D;
      if (oh === 1 && ow === 1) return tf.mean(x, [1, 2], true) as tf.Tensor4D;
      if (h % oh === 0 && w % ow === 0) {
        // Equal, disjoint bins: a reshape and a mean (its gradient is a broadcast, on every backend).
        const [n, , , c] = x.shape;
        return tf.mean(tf.reshape(x, [n, oh, h / oh, ow, w / ow, c]), [2, 4]) as tf.Tensor4D;
      }
      let y = x;
      if (oh !== h) y = mixAxis(y, adaptiveBins(h, oh), oh, 1);
      if (ow !== w) y = mixAxis(y, adaptiveBins(w, ow), ow, 2);
      return y as tf.Tensor4D;
    });
  }

  override extraRepr(): string {
    return `output_size=${pyValue(this.outputSize)}`;
  }
}
