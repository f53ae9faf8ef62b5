/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import type { AnyModule } from '../module';
import { assertNoLeaks, describeBackends, expectClose, fixture } from '../test-helpers.test-helper';
import { BatchNorm2d, FrozenBatchNorm2d } from './batch-norm';
import { Conv2d } from './conv2d';
import { interpolate, Upsample } from './interpolate';
import { L2Norm } from './l2norm';
import { Linear } from './linear';
import { AdaptiveAvgPool2d, MaxPool2d } from './pooling';

const F = fixture('layers.json');

function variable(values: number[], shape: number[]): tf.Variable {
  const t = tf.tensor(values, shape);
  const v = tf.variable(t);
  t.dispose();
  return v;
}

/**
 * Loads the fixture's parameters/buffers (already in @det layout) into `layer`, runs loss = Σ layer(x)·r and
 * compares the output, dx and every parameter gradient with PyTorch. No tensor may be left behind.
 */
function checkLayer(layer: AnyModule, c: any, opts: { tol?: number; params?: string[]; buffers?: string[] } = {}): void {
  const tol = opts.tol ?? 1e-4;
  const before = tf.memory().numTensors - layer.parameters().length - layer.buffers().length;
  const state = new Map<string, tf.Tensor>();
  for (const [name, v] of layer.stateDict()) if (c[name] !== undefined) state.set(name, tf.tensor(c[name], v.shape, v.dtype));
  layer.loadStateDict(state, { strict: false });
  tf.dispose([...state.values()]);
  const x = variable(c.x, c.x_shape);
  const r = tf.tensor(c.r, c.out_shape);
  const out = layer.forward(x);
  expect(out.shape).toEqual(c.out_shape);
  expectClose(out, c.out, tol, 'out');
  out.dispose();
  const params = layer.parameters().filter((p) => p.trainable);
  const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.forward(x), r)) as tf.Scalar, [x, ...params]);
  expectClose(grads[x.name], c.dx, tol, 'dx');
  for (const [name, p] of layer.namedParameters()) {
    if (c[`d${name}`] !== undefined) expectClose(grads[p.name], c[`d${name}`], tol, `d${name}`);
  }
  tf.dispose([value, x, r, ...Object.values(grads)]);
  layer.dispose();
  expect(tf.memory().numTensors).toBe(before);
}

describeBackends('layers vs PyTorch', () => {
  assertNoLeaks();

  for (const c of F.conv2d) {
    it(`Conv2d ${c.name}: output, dx, dweight, dbias`, () => {
      const layer = new Conv2d(c.in_channels, c.out_channels, c.kernel_size, {
        stride: c.stride,
        padding: c.padding,
        dilation: c.dilation,
        groups: c.groups,
        bias: c.bias,
      });
      expect(layer.toString()).toBe(c.repr);
      checkLayer(layer, c, { tol: 2e-4 });
    });
  }

  for (const c of F.batch_norm_train) {
    it(`BatchNorm2d training (${c.name}): output, gradients and running statistics after two batches`, () => {
      const before = tf.memory().numTensors;
      const bn = new BatchNorm2d(c.x_shape[3], { eps: c.eps, momentum: c.momentum });
      expect(bn.toString()).toBe(c.repr);
      tf.tidy(() => {
        bn.weight?.assign(tf.tensor1d(c.weight));
        bn.bias?.assign(tf.tensor1d(c.bias));
      });
      tf.tidy(() => {
        bn.forward(tf.tensor(c.first_x, c.first_x_shape));
      });
      const x = variable(c.x, c.x_shape);
      const r = tf.tensor(c.r, c.out_shape);
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(bn.forward(x), r)) as tf.Scalar, [x, bn.weight!, bn.bias!]);
      expectClose(grads[x.name], c.dx, 1e-4, 'dx');
      expectClose(grads[bn.weight!.name], c.dweight, 1e-4, 'dweight');
      expectClose(grads[bn.bias!.name], c.dbias, 1e-4, 'dbias');
      expectClose(bn.runningMean!, c.running_mean, 1e-4, 'running_mean');
      expectClose(bn.runningVar!, c.running_var, 1e-4, 'running_var');
      expect(bn.numBatchesTracked!.dataSync()[0]).toBe(c.num_batches_tracked);
      // The output of a third pass equals PyTorch's second-pass output only up to the stats update: check it in a fresh BN instead.
      const bn2 = new BatchNorm2d(c.x_shape[3], { eps: c.eps, momentum: c.momentum });
      tf.tidy(() => {
        bn2.weight?.assign(tf.tensor1d(c.weight));
        bn2.bias?.assign(tf.tensor1d(c.bias));
      });
      const y = bn2.forward(x);
      expectClose(y, c.out, 1e-4, 'out');
      tf.dispose([value, x, r, y, ...Object.values(grads)]);
      bn.dispose();
      bn2.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('BatchNorm2d eval: running statistics, gradients to x, weight and bias', () => {
    const c = F.batch_norm_eval;
    const bn = new BatchNorm2d(c.x_shape[3]).eval();
    checkLayer(bn, c);
  });

  it('FrozenBatchNorm2d: fixed scale/shift from buffers, no parameters', () => {
    const c = F.frozen_batch_norm;
    const bn = new FrozenBatchNorm2d(c.x_shape[3]);
    expect(bn.toString()).toBe(c.repr);
    expect(bn.parameters()).toHaveLength(0);
    checkLayer(bn, c);
  });

  for (const c of F.max_pool) {
    it(`MaxPool2d ${c.name}`, () => {
      const pool = new MaxPool2d(c.kernel_size, { stride: c.stride, padding: c.padding, ceilMode: c.ceil_mode });
      expect(pool.toString()).toBe(c.repr);
      checkLayer(pool, c);
    });
  }

  for (const c of F.adaptive_avg_pool) {
    it(`AdaptiveAvgPool2d [${c.x_shape.slice(1, 3)}] → (${c.output_size})`, () => {
      checkLayer(new AdaptiveAvgPool2d(c.output_size), c);
    });
  }

  it('Linear: 2-D and 3-D inputs, and without bias', () => {
    const [a, b, nb] = F.linear;
    checkLayer(new Linear(5, 3), a);
    checkLayer(new Linear(5, 3), b);
    const noBias = new Linear(4, 2, { bias: false });
    expect(noBias.bias).toBeNull();
    checkLayer(noBias, nb);
  });

  for (const c of F.interpolate) {
    it(`interpolate ${c.name} (Upsample prints ${c.repr})`, () => {
      const up = new Upsample({
        size: c.size,
        scaleFactor: c.scale_factor,
        mode: c.mode,
        alignCorners: c.align_corners ?? undefined,
      });
      expect(up.toString()).toBe(c.repr);
      checkLayer(up, c);
    });
  }

  it('L2Norm (SSD): output, dx and dweight', () => {
    const c = F.l2norm;
    checkLayer(new L2Norm(6, 20), c);
  });
});

it('interpolate rejects conflicting options', () => {
  const x = tf.zeros([1, 2, 2, 1]);
  expect(() => interpolate(x, { size: 3, scaleFactor: 2 })).toThrow(/exactly one/);
  expect(() => interpolate(x, { size: 3, mode: 'nearest', alignCorners: true })).toThrow(/bilinear/);
  x.dispose();
});
