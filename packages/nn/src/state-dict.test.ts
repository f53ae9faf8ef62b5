import { readFileSync } from 'node:fs';
import { DetError, InvalidConfigError, ShapeMismatchError } from '@det/core';
import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { ReLU } from './layers/activation';
import { BatchNorm2d, FrozenBatchNorm2d, freezeBatchNorm } from './layers/batch-norm';
import { Sequential } from './layers/containers';
import { Conv2d } from './layers/conv2d';
import { Flatten } from './layers/flatten';
import { Linear } from './layers/linear';
import { AdaptiveAvgPool2d, MaxPool2d } from './layers/pooling';
import { decodeSafetensors, encodeSafetensors } from './safetensors';
import { toTorchStateDict } from './state-dict';
import { assertNoLeaks, describeBackends, expectClose, fixture, fixturePath, maxAbsDiff, useCpuBackend } from './test-helpers.test-helper';

const T = fixture('tiny.json');
const torchFile = () => decodeSafetensors(new Uint8Array(readFileSync(fixturePath('tiny.safetensors'))));

/** The torchvision-style model of scripts/fixtures/nn_reference.py. */
function tinyModel(): Sequential {
  return Sequential.named({
    features: new Sequential(
      new Conv2d(3, 4, 3, { padding: 1 }),
      new BatchNorm2d(4),
      new ReLU(true),
      new MaxPool2d(2, { stride: 2, ceilMode: true }),
      new Conv2d(4, 6, 3, { stride: 2, padding: 1, groups: 2, bias: false }),
      new BatchNorm2d(6),
      new ReLU(true),
    ),
    avgpool: new AdaptiveAvgPool2d([2, 2]),
    flatten: new Flatten(),
    classifier: new Linear(24, 5),
  });
}

function disposeAll(dict: Map<string, tf.Tensor>): void {
  tf.dispose([...dict.values()]);
}

describeBackends('state dicts', () => {
  assertNoLeaks();

  it('loads a state dict saved by torch (safetensors, PyTorch layout) by key and reproduces its eval output', () => {
    const before = tf.memory().numTensors;
    const model = tinyModel();
    expect(model.toString()).toBe(T.repr);
    expect([...model.stateDict().keys()]).toEqual(T.keys);
    const { tensors, metadata } = torchFile();
    expect(metadata.format).toBe('pt');
    expect(tensors.get('features.1.num_batches_tracked')?.dtype).toBe('int32'); // I64 in the file
    const result = model.loadStateDict(tensors, { source: 'torchvision' });
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    disposeAll(tensors); // the module holds its own copies
    expect(model.getBuffer('features.1.num_batches_tracked').dataSync()[0]).toBe(3);
    model.eval();
    const x = tf.tensor4d(T.x, T.x_shape);
    const y = model.forward(x);
    expect(y.shape).toEqual(T.out_shape);
    expectClose(y, T.out, 1e-4, 'out');
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('toTorchStateDict gives back the PyTorch-layout tensors; a det-layout state dict loads into a fresh model', () => {
    const before = tf.memory().numTensors;
    const a = tinyModel();
    const file = torchFile();
    a.loadStateDict(file.tensors, { source: 'torchvision' });
    const torchLayout = toTorchStateDict(a);
    for (const [k, t] of file.tensors) {
      expect(torchLayout.get(k)?.shape, k).toEqual(t.shape);
      expect(maxAbsDiff(torchLayout.get(k) as tf.Tensor, t), k).toBe(0);
    }
    const b = tinyModel();
    b.loadStateDict(a.stateDict()); // source 'det'
    a.eval();
    b.eval();
    const x = tf.tensor4d(T.x, T.x_shape);
    const ya = a.forward(x);
    const yb = b.forward(x);
    expect(maxAbsDiff(ya, yb)).toBe(0);
    tf.dispose([x, ya, yb]);
    disposeAll(torchLayout);
    disposeAll(file.tensors);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('FrozenBatchNorm2d models load BatchNorm2d checkpoints (num_batches_tracked dropped) and match torch in eval', () => {
    const before = tf.memory().numTensors;
    const model = tinyModel();
    expect(freezeBatchNorm(model)).toBe(2);
    expect(model.get('features.1')).toBeInstanceOf(FrozenBatchNorm2d);
    const { tensors } = torchFile();
    expect(model.loadStateDict(tensors, { source: 'torchvision' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    disposeAll(tensors);
    const x = tf.tensor4d(T.x, T.x_shape);
    const y = model.forward(x); // training mode: frozen statistics all the same
    expectClose(y, T.out, 1e-4, 'out');
    tf.dispose([x, y]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('loadStateDict errors', () => {
  useCpuBackend();
  assertNoLeaks();

  it('strict: missing and unexpected keys, named in a DetError; nothing is changed', () => {
    const before = tf.memory().numTensors;
    const model = tinyModel();
    const { tensors } = torchFile();
    const w = tensors.get('classifier.weight') as tf.Tensor;
    tensors.delete('classifier.weight');
    tensors.set('classifier.scale', tf.ones([5]));
    const snapshot = tf.clone(model.getParameter('features.0.weight'));
    let err: unknown;
    try {
      model.loadStateDict(tensors, { source: 'torchvision' });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(InvalidConfigError);
    expect(err).toBeInstanceOf(DetError);
    expect((err as DetError).field).toBe('classifier.weight');
    expect((err as Error).message).toMatch(/missing key\(s\): "classifier.weight"; unexpected key\(s\): "classifier.scale"/);
    expect(maxAbsDiff(snapshot, model.getParameter('features.0.weight'))).toBe(0);

    const res = model.loadStateDict(tensors, { source: 'torchvision', strict: false });
    expect(res).toEqual({ missingKeys: ['classifier.weight'], unexpectedKeys: ['classifier.scale'] });
    expect(maxAbsDiff(snapshot, model.getParameter('features.0.weight'))).toBeGreaterThan(0);

    // Old checkpoints without num_batches_tracked load (PyTorch keeps 0 then).
    const removed: tf.Tensor[] = [tensors.get('classifier.scale') as tf.Tensor];
    tensors.set('classifier.weight', w);
    tensors.delete('classifier.scale');
    for (const k of [...tensors.keys()]) {
      if (!k.endsWith('num_batches_tracked')) continue;
      removed.push(tensors.get(k) as tf.Tensor);
      tensors.delete(k);
    }
    expect(model.loadStateDict(tensors, { source: 'torchvision' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    disposeAll(tensors);
    tf.dispose([snapshot, ...removed]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shape mismatch: a ShapeMismatchError naming the key and the expected shape in both layouts', () => {
    const before = tf.memory().numTensors;
    const model = tinyModel();
    const dict = new Map<string, tf.Tensor>([['features.0.weight', tf.zeros([4, 3, 5, 5])]]);
    let err: unknown;
    try {
      model.loadStateDict(dict, { source: 'torchvision', strict: false });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ShapeMismatchError);
    expect((err as DetError).field).toBe('features.0.weight');
    expect((err as Error).message).toContain('size mismatch for features.0.weight: expected [4, 3, 3, 3] (PyTorch layout; [3, 3, 3, 4] in @det layout), got [4, 3, 5, 5]');
    const transposed = new Map<string, tf.Tensor>([['classifier.weight', tf.zeros([5, 24])]]);
    expect(() => model.loadStateDict(transposed, { strict: false })).toThrow(/expected \[24, 5\], got \[5, 24\]/);
    expect(() => model.loadStateDict(dict, { source: 'pytorch' as 'det' })).toThrow(InvalidConfigError);
    disposeAll(dict);
    disposeAll(transposed);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trips through encode/decode: a state dict written by us loads back', () => {
    const before = tf.memory().numTensors;
    const a = tinyModel();
    const bytes = encodeSafetensors(a.stateDict());
    const { tensors } = decodeSafetensors(bytes);
    const b = tinyModel();
    b.loadStateDict(tensors);
    for (const [k, t] of a.stateDict()) expect(maxAbsDiff(t, b.stateDict().get(k) as tf.Tensor), k).toBe(0);
    disposeAll(tensors);
    a.dispose();
    b.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
