import { InvalidConfigError } from '@det/core';
import { dilateFilter, tf } from '@det/tfjs';
import { defaultInit } from '../init';
import { Module } from '../module';
import { pyValue } from '../repr';
import { check4d, checkPair, type IntPair, pair } from './util';

export interface Conv2dOptions {
  /** Default 1. */
  stride?: IntPair;
  /**
   * Zero padding on each side: an int, (h, w), `'valid'` (= 0) or `'same'` (output size = input size; stride 1
   * only; an even effective kernel pads one more at the bottom/right, like PyTorch). Default 0.
   */
  padding?: IntPair | 'same' | 'valid';
  /** Default 1. */
  dilation?: IntPair;
  /** Channel groups: in and out channels are split into `groups` independent convolutions. Default 1. */
  groups?: number;
  /** Learnable bias. Default true. */
  bias?: boolean;
}

/**
 * 2-D convolution, PyTorch `nn.Conv2d` semantics on NHWC activations: input [N, H, W, inChannels] →
 * [N, Ho, Wo, outChannels] with Ho = ⌊(H + 2·padH − dilH·(kh − 1) − 1)/strideH⌋ + 1.
 * `weight` is HWIO [kh, kw, inChannels/groups, outChannels] (PyTorch's [out, in/groups, kh, kw] transposed
 * on load), `bias` [outChannels]. Initialised like PyTorch (U(±1/√fanIn)). Stride and dilation may both
 * exceed 1; dilated-convolution gradients come from @det/tfjs.
 */
export class Conv2d extends Module {
  static override readonly torchName = 'Conv2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number] | 'same' | 'valid';
  readonly dilation: [number, number];
  readonly groups: number;

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, options: Conv2dOptions = {}) {
    super();
    const { stride = 1, padding = 0, dilation = 1, groups = 1, bias = true } = options;
    checkPair(kernelSize, 'kernelSize', 1);
    checkPair(stride, 'stride', 1);
    checkPair(dilation, 'dilation', 1);
    if (typeof padding !== 'string') checkPair(padding, 'padding', 0);
    else if (padding !== 'same' && padding !== 'valid') {
      throw new InvalidConfigError('invalid padding', { field: 'padding', expected: "an int, a pair, 'same' or 'valid'", received: padding });
    }
    if (!Number.isInteger(groups) || groups < 1 || inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new InvalidConfigError('inChannels and outChannels must be divisible by groups', {
        field: 'groups',
        expected: `a divisor of ${inChannels} and ${outChannels}`,
        received: groups,
      });
    }
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = pair(stride);
    this.padding = typeof padding === 'string' ? padding : pair(padding);
    this.dilation = pair(dilation);
    this.groups = groups;
    if (padding === 'same' && (this.stride[0] !== 1 || this.stride[1] !== 1)) {
      throw new InvalidConfigError("padding 'same' is not supported for strided convolutions", { field: 'padding', expected: 'stride 1', received: stride });
    }
    const [kh, kw] = this.kernelSize;
    const fanIn = (inChannels / groups) * kh * kw;
    this.registerParameter('weight', defaultInit([kh, kw, inChannels / groups, outChannels], fanIn));
    if (bias) this.registerParameter('bias', defaultInit([outChannels], fanIn));
    else this.registerParameter('bias', null);
  }

  /** HWIO [kh, kw, in/groups, out]. */
  get weight(): tf.Variable {
    return this.param('weight');
  }

  /** [out], or null without bias. */
  get bias(): tf.Variable | null {
    return this.hasParam('bias') ? this.param('bias') : null;
  }

  /** Explicit (top, bottom, left, right) zero padding. */
  padAmounts(): [number, number, number, number] {
    if (this.padding === 'valid') return [0, 0, 0, 0];
    if (this.padding === 'same') {
      const th = this.dilation[0] * (this.kernelSize[0] - 1);
      const tw = this.dilation[1] * (this.kernelSize[1] - 1);
      return [th >> 1, th - (th >> 1), tw >> 1, tw - (tw >> 1)];
    }
    return [this.padding[0], this.padding[0], this.padding[1], this.padding[1]];
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'Conv2d', this.inChannels);
    return tf.tidy(() => {
      const [t, b, l, r] = this.padAmounts();
      const pad: 'valid' | tf.backend_util.ExplicitPadding =
        t + b + l + r === 0
          ? 'valid'
          : [
              [0, 0],
              [t, b],
              [l, r],
              [0, 0],
            ];
      const x4 = x as tf.Tensor4D;
      const w = this.weight as tf.Tensor4D;
      let y: tf.Tensor4D;
      if (this.groups === 1) y = this.#conv(x4, w, pad);
      else if (this.#useDepthwise()) {
        const [kh, kw] = this.kernelSize;
        const filter = tf.reshape(w, [kh, kw, this.inChannels, this.outChannels / this.inChannels]) as tf.Tensor4D;
        y = tf.depthwiseConv2d(x4, filter, this.stride, pad, 'NHWC', 1);
      } else {
        const xs = tf.split(x4, this.groups, 3) as tf.Tensor4D[];
        const ws = tf.split(w, this.groups, 3) as tf.Tensor4D[];
        y = tf.concat(
          xs.map((xi, i) => this.#conv(xi, ws[i], pad)),
          3,
        );
      }
      const bias = this.bias;
      return bias === null ? y : tf.add(y, bias);
    });
  }

  #conv(x: tf.Tensor4D, w: tf.Tensor4D, pad: 'valid' | tf.backend_util.ExplicitPadding): tf.Tensor4D {
    const [sh, sw] = this.stride;
    const [dh, dw] = this.dilation;
    // tfjs rejects stride > 1 together with dilation > 1: convolve with the explicitly dilated filter instead.
    if ((sh > 1 || sw > 1) && (dh > 1 || dw > 1)) return tf.conv2d(x, dilateFilter(w, dh, dw), this.stride, pad, 'NHWC', 1);
    return tf.conv2d(x, w, this.stride, pad, 'NHWC', this.dilation);
  }

  /** Depthwise kernels when groups = inChannels, dilation 1, and the backend has their gradient kernels. */
  #useDepthwise(): boolean {
    if (this.groups !== this.inChannels || this.dilation[0] !== 1 || this.dilation[1] !== 1) return false;
    const backend = tf.getBackend();
    try {
      return tf.getKernel('DepthwiseConv2dNativeBackpropFilter', backend) !== undefined && tf.getKernel('DepthwiseConv2dNativeBackpropInput', backend) !== undefined;
    } catch {
      return false;
    }
  }

  override torchPermutation(name: string, rank: number): number[] | undefined {
    return name === 'weight' && rank === 4 ? [2, 3, 1, 0] : undefined;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (typeof this.padding === 'string') s += `, padding=${this.padding}`;
    else if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${pyValue(this.padding)}`;
    if (this.dilation[0] !== 1 || this.dilation[1] !== 1) s += `, dilation=${pyValue(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
