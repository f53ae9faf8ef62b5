import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { resnet34, SSD7Base } from '@det/backbones';
import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { readSafetensors, toTorchStateDict } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertNoLeaks } from '../../nn/src/test-helpers.test-helper';
import { ssd, ssd7, ssd7DefaultBoxes, ssd300Vgg16 } from './builders';
import { fromSsdPytorch } from './ssd-pytorch-keys';
import { generateReference, hasTorchvision } from './test-support.test-helper';

/** max |a − b| / max |b|. */
function relError(got: Float32Array | Int32Array | Uint8Array, want: Float32Array | Int32Array | Uint8Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    diff = Math.max(diff, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return diff / scale;
}

describe.skipIf(!hasTorchvision())('ssd300Vgg16 vs torchvision ssd300_vgg16 [wasm]', () => {
  let dir = '';
  beforeAll(async () => {
    await initBackend('wasm');
    dir = generateReference('ssd_reference.py');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('loads the torchvision state dict by key and reproduces head(backbone(x)) within 1e-3 of scale', async () => {
    const before = tf.memory().numTensors;
    const model = ssd300Vgg16({ numClasses: 21 });
    const weights = await readSafetensors(join(dir, 'weights.safetensors'));
    const result = model.loadStateDict(weights.tensors, { source: 'torchvision' });
    expect(result).toEqual({ missingKeys: [], unexpectedKeys: [] });
    tf.dispose([...weights.tensors.values()]);
    model.eval();
    const io = await readSafetensors(join(dir, 'io.safetensors'));
    const x = tf.transpose(io.tensors.get('x') as tf.Tensor, [0, 2, 3, 1]);
    const { loc, conf } = model.forward(x);
    expect(loc.shape).toEqual([1, 8732, 4]);
    expect(conf.shape).toEqual([1, 8732, 21]);
    const locErr = relError(loc.dataSync(), (io.tensors.get('bbox_regression') as tf.Tensor).dataSync());
    const confErr = relError(conf.dataSync(), (io.tensors.get('cls_logits') as tf.Tensor).dataSync());
    console.log(`ssd300_vgg16 parity: bbox_regression ${locErr.toExponential(2)}, cls_logits ${confErr.toExponential(2)} (max abs diff / max abs value)`);
    expect(locErr).toBeLessThan(1e-3);
    expect(confErr).toBeLessThan(1e-3);
    tf.dispose([x, loc, conf, ...io.tensors.values()]);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('ssd300Vgg16 structure', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('has torchvision’s module names and every ssd.pytorch key maps onto one of them', () => {
    const model = ssd300Vgg16({ numClasses: 21 });
    const keys = [...model.stateDict().keys()];
    expect(keys).toContain('backbone.scale_weight');
    expect(keys).toContain('backbone.extra.0.7.1.weight'); // conv6 (dilated)
    expect(keys).toContain('head.classification_head.module_list.5.bias');
    const convIdx = [0, 2, 5, 7, 10, 12, 14, 17, 19, 21, 24, 26, 28, 31, 33];
    const ssdPytorch = [
      ...convIdx.flatMap((i) => [`vgg.${i}.weight`, `vgg.${i}.bias`]),
      'L2Norm.weight',
      ...Array.from({ length: 8 }, (_, i) => [`extras.${i}.weight`, `extras.${i}.bias`]).flat(),
      ...Array.from({ length: 6 }, (_, i) => [`loc.${i}.weight`, `loc.${i}.bias`, `conf.${i}.weight`, `conf.${i}.bias`]).flat(),
    ];
    const mapped = [...fromSsdPytorch(Object.fromEntries(ssdPytorch.map((k) => [k, 0]))).keys()];
    expect(new Set(mapped)).toEqual(new Set(keys));
    expect(model.numPriors).toBe(8732);
    expect(String(model.get('backbone.extra.0.7'))).toContain('Conv2d(512, 1024, kernel_size=(3, 3), stride=(1, 1), padding=(6, 6), dilation=(6, 6))');
    expect(() => fromSsdPytorch({ 'vgg.0.weightx': 1, 'bogus.1.weight': 2 })).toThrow(/bogus\.1\.weight/);
    model.dispose();
  });

  it("loads an ssd.pytorch-layout SSD7 state dict with source: 'ssd.pytorch'", () => {
    const a = ssd7({ numClasses: 3, imageSize: 64 });
    const b = ssd7({ numClasses: 3, imageSize: 64 });
    // Our dict renamed back to pytorch-ssd7's keys (backbone.i → base.i, heads → loc/conf), in PyTorch layout.
    const torch = new Map<string, tf.Tensor>();
    for (const [k, v] of toTorchStateDict(a)) {
      const key = k.replace(/^backbone\./, 'base.').replace(/^head\.regression_head\.module_list\./, 'loc.').replace(/^head\.classification_head\.module_list\./, 'conf.');
      torch.set(key, v);
    }
    expect(b.loadStateDict(torch, { source: 'ssd.pytorch' })).toEqual({ missingKeys: [], unexpectedKeys: [] });
    const w = (m: typeof a) => m.getParameter('head.classification_head.module_list.2.weight').dataSync();
    expect(Array.from(w(b))).toEqual(Array.from(w(a)));
    tf.dispose([...torch.values()]);
    a.dispose();
    b.dispose();
  });
});

describe('ssd7 [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  assertNoLeaks();

  it('derives default boxes for any input size and matches the seed at 300', () => {
    expect(ssd7DefaultBoxes(300).featureMaps).toEqual([37, 18, 9, 4]);
    expect(ssd7DefaultBoxes(128).featureMaps).toEqual([16, 8, 4, 2]);
    expect(() => ssd7DefaultBoxes(32)).toThrow(InvalidConfigError);
  });

  it('trains: finite loss (images without objects included), a gradient for every parameter, no leaks over steps', () => {
    const model = ssd7({ numClasses: 4, imageSize: 128 });
    expect(model.numPriors).toBe((16 * 16 + 8 * 8 + 4 * 4 + 2 * 2) * 4);
    const x = tf.randomNormal([2, 128, 128, 3]);
    const truths = [
      { boxes: [0.1, 0.1, 0.5, 0.6, 0.55, 0.5, 0.9, 0.95], labels: [0, 2] },
      { boxes: [], labels: [] },
    ];
    const params = model.trainableParameters();
    const before = tf.memory().numTensors;
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const { value, grads } = tf.variableGrads(() => model.computeLoss(x, truths).loss, params);
      losses.push(value.dataSync()[0]);
      expect(Object.keys(grads).length).toBe(params.length);
      tf.tidy(() => {
        for (const p of params) p.assign(tf.sub(p, tf.mul(grads[p.name], 0.01)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses[4]).toBeLessThan(losses[0]);
    tf.dispose(x);
    model.dispose();
  });

  it('predicts pixel boxes per image, from images or a tensor batch', () => {
    const model = ssd7({ numClasses: 3, imageSize: 128 });
    const image = { width: 200, height: 100, data: new Float32Array(200 * 100 * 3).fill(128) };
    const [det] = model.predict([image], { scoreThreshold: 0 });
    expect(det.boxes.length / 4).toBe(det.scores.length);
    expect(det.scores.length).toBeGreaterThan(0);
    for (let i = 0; i < det.boxes.length; i += 4) {
      expect(det.boxes[i + 2]).toBeLessThanOrEqual(200 * 1.0001);
      expect(det.boxes[i + 3]).toBeLessThanOrEqual(100 * 1.0001);
    }
    expect(Math.max(...det.labels)).toBeLessThan(2);
    const x = tf.zeros([2, 128, 128, 3]) as tf.Tensor4D;
    expect(model.predict(x).length).toBe(2);
    expect(model.training).toBe(true);
    expect(() => model.predict([{ width: 2, height: 2, data: new Float32Array(5) }])).toThrow(ShapeMismatchError);
    tf.dispose(x);
    model.dispose();
  });

  it('rejects a wrong input size and a backbone/default-box mismatch, naming them', () => {
    const model = ssd7({ numClasses: 3, imageSize: 128 });
    const x = tf.zeros([1, 96, 96, 3]);
    expect(() => model.forward(x)).toThrow(/\[N, 128, 128, 3\]/);
    tf.dispose(x);
    model.dispose();
    const base = new SSD7Base();
    expect(() => ssd({ backbone: base, defaultBoxes: { ...ssd7DefaultBoxes(128), featureMaps: [16, 8, 4] , steps: [8, 16, 32], minSizes: [1, 2, 3], maxSizes: [2, 3, 4], aspectRatios: [[2], [2], [2]] }, numClasses: 3 })).toThrow(/source maps/);
    const wrongSizes = ssd({ backbone: new SSD7Base(), defaultBoxes: { ...ssd7DefaultBoxes(128), featureMaps: [15, 8, 4, 2] }, numClasses: 3 });
    const y = tf.zeros([1, 128, 128, 3]);
    expect(() => wrongSizes.forward(y)).toThrow(/source map 0 \(14\)/);
    tf.dispose(y);
    wrongSizes.dispose();
    base.dispose();
  });

  it('swaps the base net: SSD7 base sources 4–5 plus two extra blocks', () => {
    const model = ssd({
      backbone: new SSD7Base(),
      sources: ['14', '18'],
      extras: [64, 32],
      defaultBoxes: { imageSize: 128, featureMaps: [16, 8, 4, 2], steps: [8, 16, 32, 64], minSizes: [13, 26, 47, 69], maxSizes: [26, 47, 69, 91], aspectRatios: [[2], [2], [2], [2]], clip: true },
      numClasses: 5,
    });
    expect(model.backbone.featureMaps.map((f) => f.name)).toEqual(['body.14', 'body.18', 'extra.0', 'extra.1']);
    const x = tf.zeros([1, 128, 128, 3]);
    const { loc, conf } = model.forward(x);
    expect(loc.shape).toEqual([1, model.numPriors, 4]);
    expect(conf.shape).toEqual([1, model.numPriors, 5]);
    tf.dispose([x, loc, conf]);
    model.dispose();
  });

  it('swaps in a ResNet-34 (the README example): layer3 + layer4 + 4 extras at 300 px', () => {
    const model = ssd({
      backbone: resnet34({ includeTop: false }),
      sources: ['layer3', 'layer4'],
      extras: [512, 256, 256, 256],
      defaultBoxes: {
        imageSize: 300,
        featureMaps: [19, 10, 5, 3, 2, 1],
        steps: [16, 32, 64, 100, 150, 300],
        minSizes: [30, 60, 111, 162, 213, 264],
        maxSizes: [60, 111, 162, 213, 264, 315],
        aspectRatios: [[2], [2, 3], [2, 3], [2, 3], [2], [2]],
        clip: true,
      },
      numClasses: 21,
    }).eval();
    const x = tf.zeros([1, 300, 300, 3]);
    const { loc, conf } = model.forward(x);
    expect(conf.shape).toEqual([1, model.numPriors, 21]);
    expect(model.has('backbone.body.layer4.2.conv2')).toBe(true);
    tf.dispose([x, loc, conf]);
    model.dispose();
  });
});
