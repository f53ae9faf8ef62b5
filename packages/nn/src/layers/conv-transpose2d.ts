import { InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { defaultInit } from '../init';
import { Module } from '../module';
import { pyValue } from '../repr';
import { check4d, checkPair, type IntPair, pair } from './util';

export interface ConvTranspose2dOptions {
  /** Default 1. */
  stride?: IntPair;
  /** Rows/columns cropped from each side of the full transposed output (PyTorch `padding`). Default 0. */
  padding?: IntPair;
  /** Extra rows/columns added at the bottom/right (PyTorch `output_padding`, < stride). Default 0. */
  outputPadding?: IntPair;
  /** Learnable bias. Default true. */
  bias?: boolean;
}

/**
 * Transposed 2-D convolution ("deconvolution"), PyTorch `nn.ConvTranspose2d` semantics on NHWC (groups 1,
 * dilation 1): [N, H, W, inChannels] → [N, Ho, Wo, outChannels], Ho = (H − 1)·strideH − 2·padH + kh + outputPadH.
 * `weight` is [kh, kw, outChannels, inChannels] (tfjs's conv2dTranspose filter; PyTorch's [in, out, kh, kw]
 * permuted on load). Computed as the full transposed convolution, then cropped by `padding`.
 */
export class ConvTranspose2d extends Module {
  static override readonly torchName = 'ConvTranspose2d';
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly padding: [number, number];
  readonly outputPadding: [number, number];

  constructor(inChannels: number, outChannels: number, kernelSize: IntPair, { stride = 1, padding = 0, outputPadding = 0, bias = true }: ConvTranspose2dOptions = {}) {
    super();
    for (const [v, f] of [
      [inChannels, 'inChannels'],
      [outChannels, 'outChannels'],
    ] as const) {
      if (!Number.isInteger(v) || v < 1) throw new InvalidConfigError(`${f} must be a positive integer`, { field: f, received: v });
    }
    checkPair(kernelSize, 'kernelSize', 1);
    checkPair(stride, 'stride', 1);
    checkPair(padding, 'padding', 0);
    checkPair(outputPadding, 'outputPadding', 0);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = pair(kernelSize);
    this.stride = pair(stride);
    this.padding = pair(padding);
    this.outputPadding = pair(outputPadding);
    if (this.outputPadding[0] >= this.stride[0] || this.outputPadding[1] >= this.stride[1]) {
      throw new InvalidConfigError('outputPadding must be smaller than stride', { field: 'outputPadding', expected: `< ${this.stride}`, received: outputPadding });
    }
    const [kh, kw] = this.kernelSize;
    // PyTorch computes fan-in from weight.size(1) * kh * kw = outChannels · kh · kw for transposed convolutions.
    const fanIn = outChannels * kh * kw;
    this.registerParameter('weight', defaultInit([kh, kw, outChannels, inChannels], fanIn));
    if (bias) this.registerParameter('bias', defaultInit([outChannels], fanIn));
    else this.registerParameter('bias', null);
  }

  /** [kh, kw, out, in]. */
  get weight(): tf.Variable {
    return this.param('weight');
  }

  get bias(): tf.Variable | null {
    return this.hasParam('bias') ? this.param('bias') : null;
  }

  /** Output (H, W) for an input (H, W). */
  outputSize(h: number, w: number): [number, number] {
    return [
      (h - 1) * this.stride[0] - 2 * this.padding[0] + this.kernelSize[0] + this.outputPadding[0],
      (w - 1) * this.stride[1] - 2 * this.padding[1] + this.kernelSize[1] + this.outputPadding[1],
    ];
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'ConvTranspose2d', this.inChannels);
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      const [kh, kw] = this.kernelSize;
      const [sh, sw] = this.stride;
      const fullH = (h - 1) * sh + kh + this.outputPadding[0];
      const fullW = (w - 1) * sw + kw + this.outputPadding[1];
      let y = tf.conv2dTranspose(x as tf.Tensor4D, this.weight as tf.Tensor4D, [n, fullH, fullW, this.outChannels], this.stride, 'valid');
      const [oh, ow] = this.outputSize(h, w);
      const [ph, pw] = this.padding;
      if (ph > 0 || pw > 0) y = tf.slice(y, [0, ph, pw, 0], [n, oh, ow, this.outChannels]);
      return (this.bias ? tf.add(y, this.bias) : y) as tf.Tensor4D;
    });
  }

  override torchPermutation(name: string, rank: number): number[] | undefined {
    return name === 'weight' && rank === 4 ? [2, 3, 1, 0] : undefined;
  }

  override extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyValue(this.kernelSize)}, stride=${pyValue(this.stride)}`;
    if (this.padding[0] !== 0 || this.padding[1] !== 0) s += `, padding=${pyValue(this.padding)}`;
    if (this.outputPadding[0] !== 0 || this.outputPadding[1] !== 0) s += `, output_padding=${pyValue(this.outputPadding)}`;
    if (this.bias === null) s += ', bias=False';
    return s;
  }
}
