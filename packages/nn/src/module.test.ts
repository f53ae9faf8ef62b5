import { DetError, InvalidConfigError } from '@det/core';
import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { freezeExcept, RESNET_TRAINABLE_LAYERS, setTrainableLayers } from './freeze';
import { Identity, ReLU } from './layers/activation';
import { Flatten } from './layers/flatten';
import { BatchNorm2d, FrozenBatchNorm2d, freezeBatchNorm } from './layers/batch-norm';
import { ModuleDict, ModuleList, Sequential } from './layers/containers';
import { Conv2d } from './layers/conv2d';
import { Dropout } from './layers/dropout';
import { Linear } from './layers/linear';
import { MaxPool2d } from './layers/pooling';
import { type AnyModule, Module } from './module';
import { assertNoLeaks, maxAbsDiff, useCpuBackend } from './test-helpers.test-helper';

/** A torchvision-like tree: features (conv, bn, relu, pool), roi_heads.box_predictor, and a field that holds a child. */
class Detector extends Module {
  head: Linear;
  constructor() {
    super();
    this.registerModule('features', new Sequential(new Conv2d(3, 4, 3, { padding: 1 }), new BatchNorm2d(4), new ReLU(true), new MaxPool2d(2)));
    const roi = new Sequential();
    roi.registerModule('box_predictor', new Linear(4, 3));
    this.registerModule('roi_heads', roi);
    this.head = this.registerModule('head', new Linear(3, 2));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.tidy(() => {
      const f = tf.mean(this.get('features').forward(x), [1, 2]);
      return this.head.forward(this.get('roi_heads.box_predictor').forward(f));
    });
  }
}

/** torchvision ResNet's top-level names, for the trainable_layers rule. */
class TinyResNet extends Module {
  constructor() {
    super();
    this.registerModule('conv1', new Conv2d(3, 4, 3, { bias: false }));
    this.registerModule('bn1', new BatchNorm2d(4));
    for (const name of ['layer1', 'layer2', 'layer3', 'layer4']) this.registerModule(name, new Sequential(new Conv2d(4, 4, 1)));
    this.registerModule('fc', new Linear(4, 2));
  }

  forward(x: tf.Tensor): tf.Tensor {
    return x;
  }
}

describe('Module', () => {
  useCpuBackend();
  assertNoLeaks();

  it('names parameters, buffers and modules like PyTorch, in registration order', () => {
    const before = tf.memory().numTensors;
    const m = new Detector();
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['features.0.weight', [3, 3, 3, 4]],
      ['features.0.bias', [4]],
      ['features.1.weight', [4]],
      ['features.1.bias', [4]],
      ['roi_heads.box_predictor.weight', [4, 3]],
      ['roi_heads.box_predictor.bias', [3]],
      ['head.weight', [3, 2]],
      ['head.bias', [2]],
    ]);
    expect(m.namedBuffers().map(([n]) => n)).toEqual(['features.1.running_mean', 'features.1.running_var', 'features.1.num_batches_tracked']);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'features', 'features.0', 'features.1', 'features.2', 'features.3', 'roi_heads', 'roi_heads.box_predictor', 'head']);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['features', 'roi_heads', 'head']);
    expect([...m.stateDict().keys()]).toEqual([
      'features.0.weight',
      'features.0.bias',
      'features.1.weight',
      'features.1.bias',
      'features.1.running_mean',
      'features.1.running_var',
      'features.1.num_batches_tracked',
      'roi_heads.box_predictor.weight',
      'roi_heads.box_predictor.bias',
      'head.weight',
      'head.bias',
    ]);
    expect(m.namedParameters({ prefix: 'model', recurse: false })).toEqual([]);
    expect(m.get('features').namedParameters({ prefix: 'features' })[0][0]).toBe('features.0.weight');
    expect(m.parameters().every((p) => p instanceof tf.Variable && p.trainable)).toBe(true);
    expect(m.buffers().every((b) => !b.trainable)).toBe(true);
    expect(m.numParameters()).toBe(3 * 3 * 3 * 4 + 4 + 4 + 4 + 12 + 3 + 6 + 2);
    m.dispose();
    expect(m.isDisposed).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shares a module registered twice: its parameters appear once', () => {
    const shared = new Linear(2, 2);
    const s = new Sequential(shared, new ReLU(), shared);
    expect(s.parameters()).toHaveLength(2);
    expect(s.namedModules().map(([n]) => n)).toEqual(['', '0', '1']);
    expect([...s.stateDict().keys()]).toEqual(['0.weight', '0.bias', '2.weight', '2.bias']);
    s.dispose();
  });

  it('train() / eval() set the mode recursively; BatchNorm and Dropout follow it', () => {
    const before = tf.memory().numTensors;
    const m = new Sequential(new Conv2d(1, 2, 1), new BatchNorm2d(2), new Dropout(0.5));
    expect(m.modules().every((x) => x.training)).toBe(true);
    expect(m.eval()).toBe(m);
    expect(m.modules().every((x) => !x.training)).toBe(true);
    const x = tf.randomNormal([2, 3, 3, 1], 0, 1, 'float32', 1);
    const a = m.forward(x);
    const b = m.forward(x);
    expect(maxAbsDiff(a, b)).toBe(0); // eval: deterministic, running stats unchanged
    expect(m.getBuffer('1.num_batches_tracked').dataSync()[0]).toBe(0);
    m.train();
    tf.dispose(m.forward(x));
    expect(m.getBuffer('1.num_batches_tracked').dataSync()[0]).toBe(1);
    tf.dispose([x, a, b]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('requiresGrad(false) freezes a subtree: no gradients for it, trainableParameters() leaves it out', () => {
    const before = tf.memory().numTensors;
    const m = new Detector();
    m.get('features').requiresGrad(false);
    expect(m.trainableParameters()).toHaveLength(4);
    expect(m.numParameters({ trainableOnly: true })).toBe(12 + 3 + 6 + 2);
    const x = tf.randomNormal([1, 4, 4, 3], 0, 1, 'float32', 2);
    const { value, grads } = tf.variableGrads(() => tf.sum(m.forward(x)) as tf.Scalar);
    const frozen = new Set(m.get('features').parameters().map((p) => p.name));
    for (const name of Object.keys(grads)) expect(frozen.has(name)).toBe(false);
    for (const p of m.trainableParameters()) expect(grads[p.name]).toBeDefined();
    m.getParameter('head.bias').trainable = false;
    expect(m.trainableParameters()).toHaveLength(3);
    m.requiresGrad();
    expect(m.trainableParameters()).toHaveLength(8);
    tf.dispose([x, value, ...Object.values(grads)]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("setTrainableLayers follows torchvision's trainable_layers rule", () => {
    const m = new TinyResNet();
    const trainable = () => [...new Set(m.namedParameters().filter(([, p]) => p.trainable).map(([n]) => n.split('.')[0]))];
    expect(setTrainableLayers(m, 3)).toEqual(['layer4', 'layer3', 'layer2']);
    expect(trainable()).toEqual(['layer2', 'layer3', 'layer4']);
    setTrainableLayers(m, 0);
    expect(trainable()).toEqual([]);
    expect(setTrainableLayers(m, 5)).toEqual([...RESNET_TRAINABLE_LAYERS, 'bn1']);
    expect(trainable()).toEqual(['conv1', 'bn1', 'layer1', 'layer2', 'layer3', 'layer4']);
    expect(() => setTrainableLayers(m, 6)).toThrow(InvalidConfigError);
    expect(freezeExcept(m, ['fc'])).toBe(2);
    expect(trainable()).toEqual(['fc']);
    m.dispose();
  });

  it('freezeBatchNorm swaps BatchNorm2d for FrozenBatchNorm2d with the same statistics and output', () => {
    const before = tf.memory().numTensors;
    const m = new Sequential(new Conv2d(2, 3, 1), new BatchNorm2d(3), new Sequential(new BatchNorm2d(3)));
    const x = tf.randomNormal([2, 3, 3, 2], 0, 1, 'float32', 3);
    m.train();
    tf.tidy(() => {
      m.forward(x);
    });
    m.eval();
    const y0 = m.forward(x);
    expect(freezeBatchNorm(m)).toBe(2);
    expect(m.get('1')).toBeInstanceOf(FrozenBatchNorm2d);
    expect(m.get('2.0')).toBeInstanceOf(FrozenBatchNorm2d);
    expect(m.parameters()).toHaveLength(2);
    const y1 = m.forward(x);
    expect(maxAbsDiff(y0, y1)).toBeLessThan(1e-5);
    tf.dispose([x, y0, y1]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('model surgery: set() replaces a child by dotted path, keeping order, names, fields and state dict consistent', () => {
    const before = tf.memory().numTensors;
    const m = new Detector();
    const oldHead = m.get('roi_heads.box_predictor');
    const oldVars = oldHead.parameters();
    const replacement = new Linear(4, 7);
    const returned = m.set('roi_heads.box_predictor', replacement);
    expect(returned).toBe(oldHead);
    expect(returned?.isDisposed).toBe(false);
    expect(m.get('roi_heads.box_predictor')).toBe(replacement);
    expect(m.stateDict().get('roi_heads.box_predictor.weight')?.shape).toEqual([4, 7]);
    expect(m.parameters()).not.toContain(oldVars[0]);
    returned?.dispose();
    expect(oldVars.every((v) => v.isDisposed)).toBe(true);

    // Replacing in place keeps the position; a field that pointed at the old child follows.
    const newHead = new Linear(7, 2);
    const old = m.set('head', newHead, { dispose: true });
    expect(old?.isDisposed).toBe(true);
    expect(m.head).toBe(newHead);
    expect(m.namedChildren().map(([n]) => n)).toEqual(['features', 'roi_heads', 'head']);
    const x = tf.randomNormal([1, 4, 4, 3], 0, 1, 'float32', 4);
    const y = m.forward(x);
    expect(y.shape).toEqual([1, 2]);

    // Inside a Sequential, by index; a new name is appended.
    m.set('features.2', new ReLU(false), { dispose: true });
    expect(m.get('features.2').toString()).toBe('ReLU()');
    expect(m.set('features.extra', new ReLU())).toBeUndefined();
    expect(m.get('features').namedChildren().map(([n]) => n)).toEqual(['0', '1', '2', '3', 'extra']);
    tf.dispose([x, y]);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('get() and getParameter() name the missing path', () => {
    const m = new Detector();
    expect(() => m.get('roi_heads.mask_predictor')).toThrow(/no submodule 'mask_predictor' in roi_heads.*box_predictor/);
    expect(() => m.getParameter('head.scale')).toThrow(DetError);
    expect(m.has('features.0')).toBe(true);
    expect(m.has('features.9')).toBe(false);
    expect(m.getBuffer('features.1.running_var').shape).toEqual([4]);
    m.dispose();
  });

  it('rejects bad names and duplicate members', () => {
    class Bad extends Module {
      forward(x: tf.Tensor) {
        return x;
      }
    }
    const b = new Bad();
    expect(() => b.registerModule('a.b', new ReLU())).toThrow(InvalidConfigError);
    expect(() => b.registerModule('', new ReLU())).toThrow(InvalidConfigError);
    b.registerParameter('w', tf.zeros([1]));
    const spare = tf.zeros([1]);
    expect(() => b.registerBuffer('w', spare)).toThrow(/already used/); // not adopted: still the caller's
    spare.dispose();
    expect(() => b.registerModule('w', new ReLU())).toThrow(/already used/);
    b.registerBuffer('tmp', tf.zeros([2]), { persistent: false });
    expect([...b.stateDict().keys()]).toEqual(['w']);
    expect(b.namedBuffers().map(([n]) => n)).toEqual(['tmp']);
    b.dispose();
  });

  it('containers: Sequential, ModuleList, ModuleDict', () => {
    const s = new Sequential(new ReLU()).append(new ReLU(true));
    expect(s.length).toBe(2);
    expect(s.at(-1).toString()).toBe('ReLU(inplace=True)');
    expect([...s].length).toBe(2);
    const l = new ModuleList<Linear>([new Linear(1, 1)]).extend([new Linear(1, 2)]);
    expect(l.map((m) => m.outFeatures)).toEqual([1, 2]);
    expect(l.at(1).outFeatures).toBe(2);
    expect(() => l.at(2)).toThrow(InvalidConfigError);
    expect(() => (l as AnyModule).forward()).toThrow(/no forward/);
    const d = new ModuleDict({ a: new ReLU(), b: new Linear(1, 1) });
    expect(d.keys()).toEqual(['a', 'b']);
    expect(d.size).toBe(2);
    expect(d.get('b')).toBeInstanceOf(Linear);
    const seq = new Sequential(new Linear(2, 2));
    const ones = tf.ones([1, 2]);
    const out = seq.call(ones);
    expect(out.shape).toEqual([1, 2]);
    tf.dispose([out, ones]);
    for (const m of [s, l, d, seq]) m.dispose();
  });

  it('Dropout, Flatten and Identity', () => {
    const x = tf.ones([4, 50, 50, 1]);
    const d = new Dropout(0.3, { seed: 1 });
    const y = d.forward(x);
    const v = y.dataSync();
    const zeros = v.filter((e) => e === 0).length / v.length;
    expect(zeros).toBeGreaterThan(0.25);
    expect(zeros).toBeLessThan(0.35);
    expect(v.every((e) => e === 0 || Math.abs(e - 1 / 0.7) < 1e-6)).toBe(true); // survivors scaled by 1/(1 − p)
    d.eval();
    expect(d.forward(x)).toBe(x); // identity in eval mode
    const all = new Dropout(1).forward(x);
    expect(all.dataSync().every((e) => e === 0)).toBe(true);
    // Flatten of NHWC follows PyTorch's NCHW order: [N, H, W, C] → C·H·W with channels slowest.
    const t = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]); // values = (h·2 + w)·2 + c + 1
    const flat = new Flatten().forward(t);
    expect(Array.from(flat.dataSync())).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    const ones3 = tf.ones([2, 3, 4]);
    const f3 = new Flatten(0, 1).forward(ones3);
    expect(f3.shape).toEqual([6, 4]);
    expect(() => new Flatten(2, 1).forward(t)).toThrow(InvalidConfigError);
    expect(new Identity().forward(t)).toBe(t);
    tf.dispose([x, y, all, t, flat, f3, ones3]);
  });

  it('layers check their inputs and options', () => {
    expect(() => new Conv2d(3, 4, 3, { groups: 2 })).toThrow(/divisible by groups/);
    expect(() => new Conv2d(3, 4, 3, { padding: 'same', stride: 2 })).toThrow(InvalidConfigError);
    expect(() => new MaxPool2d(2, { padding: 2 })).toThrow(/at most half/);
    expect(() => new BatchNorm2d(0)).toThrow(InvalidConfigError);
    const conv = new Conv2d(3, 4, 3);
    const x = tf.zeros([1, 5, 5, 2]);
    expect(() => conv.forward(x)).toThrow(/3 input channels/);
    const bn = new BatchNorm2d(2);
    const one = tf.zeros([1, 1, 1, 2]);
    expect(() => bn.forward(one)).toThrow(/more than 1 value per channel/);
    tf.dispose([x, one]);
    conv.dispose();
    bn.dispose();
  });
});
