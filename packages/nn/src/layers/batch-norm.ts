import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { batchNormTrain, tf } from '@det/tfjs';
import { type AnyModule, Module } from '../module';
import { pyFloat, pyValue } from '../repr';
import { check4d } from './util';

export interface BatchNorm2dOptions {
  /** Added to the variance. Default 1e-5. */
  eps?: number;
  /** Weight of the new batch statistic in the running average; null = cumulative average (1/num_batches_tracked). Default 0.1. */
  momentum?: number | null;
  /** Learnable per-channel `weight` (γ, ones) and `bias` (β, zeros). Default true. */
  affine?: boolean;
  /** Keep `running_mean`, `running_var` and `num_batches_tracked` buffers, used in eval mode. Default true. */
  trackRunningStats?: boolean;
}

/**
 * Batch normalisation over N·H·W per channel of an NHWC input, PyTorch `nn.BatchNorm2d` semantics. Training mode
 * normalises with the batch mean and biased variance and updates the running statistics with
 * `running = (1 − momentum)·running + momentum·batch` using the unbiased variance (× M/(M−1), M = N·H·W);
 * eval mode uses the running statistics. Buffers: `running_mean` [C], `running_var` [C], `num_batches_tracked`
 * (int32 scalar; int64 in PyTorch). The training forward/backward is @det/tfjs's fused `batchNormTrain`.
 */
export class BatchNorm2d extends Module {
  static override readonly torchName = 'BatchNorm2d';
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;

  constructor(numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = true, trackRunningStats = true }: BatchNorm2dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new InvalidConfigError('invalid number of features', { field: 'numFeatures', expected: 'a positive integer', received: numFeatures });
    }
    if (!(eps > 0)) throw new InvalidConfigError('eps must be positive', { field: 'eps', received: eps });
    if (momentum !== null && !(momentum >= 0 && momentum <= 1)) {
      throw new InvalidConfigError('momentum must be in [0, 1] or null', { field: 'momentum', received: momentum });
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = affine;
    this.trackRunningStats = trackRunningStats;
    if (affine) {
      this.registerParameter('weight', tf.ones([numFeatures]));
      this.registerParameter('bias', tf.zeros([numFeatures]));
    }
    if (trackRunningStats) {
      this.registerBuffer('running_mean', tf.zeros([numFeatures]));
      this.registerBuffer('running_var', tf.ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', tf.scalar(0, 'int32'));
    }
  }

  /** γ [C] (null without affine). */
  get weight(): tf.Variable | null {
    return this.affine ? this.param('weight') : null;
  }

  /** β [C] (null without affine). */
  get bias(): tf.Variable | null {
    return this.affine ? this.param('bias') : null;
  }

  get runningMean(): tf.Variable | null {
    return this.trackRunningStats ? this.buffer('running_mean') : null;
  }

  get runningVar(): tf.Variable | null {
    return this.trackRunningStats ? this.buffer('running_var') : null;
  }

  get numBatchesTracked(): tf.Variable | null {
    return this.trackRunningStats ? this.buffer('num_batches_tracked') : null;
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'BatchNorm2d', this.numFeatures);
    const c = this.numFeatures;
    return tf.tidy(() => {
      if (!this.training && this.trackRunningStats) {
        // y = x·scale + shift, scale = γ/√(running_var + eps), shift = β − running_mean·scale.
        const rm = this.buffer('running_mean');
        const rv = this.buffer('running_var');
        let scale: tf.Tensor = tf.rsqrt(tf.add(rv, this.eps));
        if (this.affine) scale = tf.mul(scale, this.param('weight'));
        let shift: tf.Tensor = tf.neg(tf.mul(rm, scale));
        if (this.affine) shift = tf.add(shift, this.param('bias'));
        return tf.add(tf.mul(x, scale), shift) as tf.Tensor4D;
      }
      const m = x.size / c;
      if (m <= 1) {
        throw new ShapeMismatchError('BatchNorm2d in training mode needs more than 1 value per channel', {
          field: 'x',
          expected: 'N·H·W > 1',
          received: x.shape,
        });
      }
      const gamma = this.affine ? (this.param('weight') as tf.Tensor1D) : tf.ones([c]);
      const beta = this.affine ? (this.param('bias') as tf.Tensor1D) : tf.zeros([c]);
      const { y, mean, variance } = batchNormTrain(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, this.eps);
      if (this.training && this.trackRunningStats) {
        const nbt = this.buffer('num_batches_tracked');
        nbt.assign(tf.add(nbt, tf.scalar(1, 'int32')));
        const f: tf.Tensor = this.momentum === null ? tf.div(1, tf.cast(nbt, 'float32')) : tf.scalar(this.momentum);
        const keep = tf.sub(1, f);
        const rm = this.buffer('running_mean');
        const rv = this.buffer('running_var');
        rm.assign(tf.add(tf.mul(rm, keep), tf.mul(mean, f)));
        rv.assign(tf.add(tf.mul(rv, keep), tf.mul(variance, tf.mul(f, m / (m - 1)))));
      }
      return y as tf.Tensor4D;
    });
  }

  /** Checkpoints from before PyTorch 0.4.1 lack `num_batches_tracked`; PyTorch then keeps 0, and so does this. */
  override optionalStateKeys(): readonly string[] {
    return ['num_batches_tracked'];
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${pyValue(this.affine)}, track_running_stats=${pyValue(this.trackRunningStats)}`;
  }
}

/**
 * torchvision's `FrozenBatchNorm2d`: batch normalisation with fixed statistics and affine parameters, all four
 * stored as buffers (`weight`, `bias`, `running_mean`, `running_var`, [C] each), so nothing in it trains and
 * train/eval modes behave the same: y = x·scale + (bias − running_mean·scale), scale = weight/√(running_var + eps).
 * A `num_batches_tracked` key in a loaded state dict is dropped silently (as torchvision does).
 */
export class FrozenBatchNorm2d extends Module {
  static override readonly torchName = 'FrozenBatchNorm2d';
  readonly numFeatures: number;
  readonly eps: number;

  constructor(numFeatures: number, { eps = 1e-5 }: { eps?: number } = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) {
      throw new InvalidConfigError('invalid number of features', { field: 'numFeatures', expected: 'a positive integer', received: numFeatures });
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.registerBuffer('weight', tf.ones([numFeatures]));
    this.registerBuffer('bias', tf.zeros([numFeatures]));
    this.registerBuffer('running_mean', tf.zeros([numFeatures]));
    this.registerBuffer('running_var', tf.ones([numFeatures]));
  }

  forward(x: tf.Tensor): tf.Tensor4D {
    check4d(x, 'FrozenBatchNorm2d', this.numFeatures);
    return tf.tidy(() => {
      const scale = tf.mul(this.buffer('weight'), tf.rsqrt(tf.add(this.buffer('running_var'), this.eps)));
      const shift = tf.sub(this.buffer('bias'), tf.mul(this.buffer('running_mean'), scale));
      return tf.add(tf.mul(x, scale), shift) as tf.Tensor4D;
    });
  }

  override ignoredStateKeys(): readonly string[] {
    return ['num_batches_tracked'];
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}`;
  }
}

/**
 * Replaces every `BatchNorm2d` in a module tree by a `FrozenBatchNorm2d` with the same statistics, affine
 * values and eps (what torchvision's detection models do with `norm_layer=FrozenBatchNorm2d`). The replaced
 * modules are disposed. Returns the number replaced.
 */
export function freezeBatchNorm(root: AnyModule): number {
  let count = 0;
  for (const [path, m] of root.namedModules()) {
    if (!(m instanceof BatchNorm2d) || path === '') continue;
    const frozen = new FrozenBatchNorm2d(m.numFeatures, { eps: m.eps });
    tf.tidy(() => {
      const c = m.numFeatures;
      frozen.getBuffer('weight').assign(m.weight ? tf.clone(m.weight) : tf.ones([c]));
      frozen.getBuffer('bias').assign(m.bias ? tf.clone(m.bias) : tf.zeros([c]));
      frozen.getBuffer('running_mean').assign(m.runningMean ? tf.clone(m.runningMean) : tf.zeros([c]));
      frozen.getBuffer('running_var').assign(m.runningVar ? tf.clone(m.runningVar) : tf.ones([c]));
    });
    root.set(path, frozen, { dispose: true });
    count++;
  }
  return count;
}
