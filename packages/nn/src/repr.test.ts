import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { Identity, ReLU } from './layers/activation';
import { BatchNorm2d, FrozenBatchNorm2d } from './layers/batch-norm';
import { ModuleDict, ModuleList, Sequential } from './layers/containers';
import { Conv2d } from './layers/conv2d';
import { Dropout } from './layers/dropout';
import { Flatten } from './layers/flatten';
import { Upsample } from './layers/interpolate';
import { L2Norm } from './layers/l2norm';
import { Linear } from './layers/linear';
import { AdaptiveAvgPool2d, MaxPool2d } from './layers/pooling';
import { type AnyModule, Module } from './module';
import { addIndent, pyFloat, pyValue } from './repr';
import { assertNoLeaks, fixture, useCpuBackend } from './test-helpers.test-helper';

const R = fixture<{ ssd7: string; modules: Record<string, string> }>('reprs.json');

/** The seed's SSD7 (000_*.txt) plus an L2Norm and a ModuleDict, as built in scripts/fixtures/nn_reference.py. */
class SSD7 extends Module {
  constructor() {
    super();
    const channels = [3, 32, 48, 64, 64, 48, 48, 32];
    const base: AnyModule[] = [];
    for (let i = 0; i < 7; i++) {
      base.push(new Conv2d(channels[i], channels[i + 1], 3, { padding: 1 }), new BatchNorm2d(channels[i + 1]), new ReLU(true));
      if (i < 6) base.push(new MaxPool2d(2, { stride: 2 }));
    }
    this.registerModule('base', new ModuleList(base));
    this.registerModule('loc', new ModuleList([64, 48, 48, 32].map((c) => new Conv2d(c, 16, 3, { padding: 1 }))));
    this.registerModule('conf', new ModuleList([64, 48, 48, 32].map((c) => new Conv2d(c, 84, 3, { padding: 1 }))));
    this.registerModule('l2norm', new L2Norm(64, 20));
    this.registerModule('heads', new ModuleDict({ box_predictor: new Linear(32, 8), dropout: new Dropout(0.2) }));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

describe('PyTorch repr', () => {
  useCpuBackend();
  assertNoLeaks();

  it('pyFloat follows Python float repr', () => {
    const cases: [number, string][] = [
      [1e-5, '1e-05'],
      [0.1, '0.1'],
      [20, '20.0'],
      [1e-3, '0.001'],
      [1e-4, '0.0001'],
      [1.5e-7, '1.5e-07'],
      [1e16, '1e+16'],
      [1.2345e20, '1.2345e+20'],
      [123456789012345.6, '123456789012345.6'],
      [-2.5, '-2.5'],
      [0, '0.0'],
      [1e-100, '1e-100'],
      [Number.POSITIVE_INFINITY, 'inf'],
      [Number.NaN, 'nan'],
    ];
    for (const [v, s] of cases) expect(pyFloat(v)).toBe(s);
    expect(pyValue([2, 1.5], true)).toBe('(2.0, 1.5)');
    expect(pyValue([null, 7])).toBe('(None, 7)');
    expect(pyValue(true)).toBe('True');
    expect(addIndent('a\nb', 2)).toBe('a\n  b');
  });

  it("prints the seed's SSD7 tree exactly as torch 1.13 does", () => {
    const before = tf.memory().numTensors;
    const model = new SSD7();
    expect(model.toString()).toBe(R.ssd7);
    expect(String(model)).toBe(R.ssd7);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('prints every layer like torch', () => {
    const before = tf.memory().numTensors;
    const m = R.modules;
    const built: Record<string, AnyModule> = {
      conv_basic: new Conv2d(3, 32, 3, { padding: 1 }),
      conv_full: new Conv2d(4, 8, [3, 5], { stride: [2, 1], padding: [1, 2], dilation: 2, groups: 4, bias: false }),
      conv_same: new Conv2d(3, 3, 3, { padding: 'same' }),
      conv_valid: new Conv2d(3, 3, 1),
      bn: new BatchNorm2d(32),
      bn_options: new BatchNorm2d(8, { eps: 1e-3, momentum: null, affine: false, trackRunningStats: false }),
      bn_eps_small: new BatchNorm2d(8, { eps: 1.5e-7, momentum: 0.03 }),
      frozen_bn: new FrozenBatchNorm2d(64),
      relu: new ReLU(),
      relu_inplace: new ReLU({ inplace: true }),
      maxpool: new MaxPool2d(2, { stride: 2 }),
      maxpool_tuple: new MaxPool2d([3, 3]),
      maxpool_ceil: new MaxPool2d(3, { stride: 2, padding: 1, ceilMode: true }),
      adaptive_int: new AdaptiveAvgPool2d(1),
      adaptive_tuple: new AdaptiveAvgPool2d([6, 6]),
      adaptive_none: new AdaptiveAvgPool2d([null, 7]),
      linear: new Linear(4096, 21),
      linear_nobias: new Linear(3, 2, { bias: false }),
      dropout: new Dropout(),
      dropout_p: new Dropout(0.1),
      upsample_scale: new Upsample({ scaleFactor: 2, mode: 'bilinear', alignCorners: false }),
      upsample_size: new Upsample({ size: [3, 4] }),
      upsample_scale_tuple: new Upsample({ scaleFactor: [2, 1.5], mode: 'nearest' }),
      flatten: new Flatten(),
      identity: new Identity(),
      l2norm: new L2Norm(512, 20),
      sequential_empty: new Sequential(),
      sequential_named: Sequential.named({
        conv: new Conv2d(1, 2, 3),
        inner: new Sequential(new ReLU(), new Sequential()),
        pool: new AdaptiveAvgPool2d(1),
      }),
      module_dict: new ModuleDict({ a: new ReLU(), b: new ModuleList([new Identity()]) }),
    };
    expect(Object.keys(built).sort()).toEqual(Object.keys(m).sort());
    for (const [key, module] of Object.entries(built)) {
      expect(module.toString(), key).toBe(m[key]);
      module.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a subclass of a built-in layer prints its own class name; null children print None', () => {
    class MyConv extends Conv2d {}
    class Holder extends Module {
      constructor() {
        super();
        this.registerModule('head', null);
      }
      forward(x: tf.Tensor) {
        return x;
      }
    }
    const c = new MyConv(1, 1, 1);
    expect(c.toString()).toBe('MyConv(1, 1, kernel_size=(1, 1), stride=(1, 1))');
    expect(new Holder().toString()).toBe('Holder(\n  (head): None\n)');
    c.dispose();
  });
});
