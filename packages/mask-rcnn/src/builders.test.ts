import { InvalidConfigError } from '@det/core';
import type { AnyModule } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { resnetFpnBackbone } from './backbone-with-fpn';
import { FastRCNNPredictor } from './box-head';
import { fasterrcnnResnet50Fpn, maskrcnnResnet50Fpn } from './builders';
import { reference, torchShapes } from './fixture.test-helper';
import { MaskRCNNHeads, MaskRCNNPredictor } from './mask-head';
import { MaskRCNN } from './mask-rcnn';
import { overwriteEps } from './overwrite-eps';

interface Facts {
  repr: string;
  shapes: Record<string, number[]>;
  trainable: string[];
}

/** repr, state-dict keys (in order) and shapes in PyTorch layout, and the trainable parameters, as torchvision's. */
function expectLikeTorchvision(model: AnyModule, want: Facts): void {
  expect(String(model)).toBe(want.repr);
  const shapes = torchShapes(model);
  expect(Object.keys(shapes)).toEqual(Object.keys(want.shapes));
  expect(shapes).toEqual(want.shapes);
  expect(model.namedParameters().filter(([, p]) => p.trainable).map(([n]) => n)).toEqual(want.trainable);
}

describe('builders and model surgery vs torchvision [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const facts = reference().models;

  it('maskrcnnResnet50Fpn({ pretrained: false }) = maskrcnn_resnet50_fpn(weights=None, weights_backbone=None): BatchNorm2d, all layers trainable', () => {
    const model = maskrcnnResnet50Fpn({ numClasses: 91, pretrained: false });
    expectLikeTorchvision(model, facts.maskrcnn_untrained);
    model.dispose();
  });

  it('maskrcnnResnet50Fpn() = the pretrained layout: FrozenBatchNorm2d, layers 2-4 trainable', () => {
    const before = tf.memory().numTensors;
    const model = maskrcnnResnet50Fpn();
    expectLikeTorchvision(model, facts.maskrcnn_pretrained);
    // torchvision's overwrite_eps(model, 0.0) for its COCO_V1 weights: every FrozenBatchNorm2d of the ResNet-50.
    expect(overwriteEps(model, 0)).toBe(53);
    expect(String(model)).toContain('(bn1): FrozenBatchNorm2d(64, eps=0.0)');
    expect(String(model)).not.toContain('eps=1e-05');
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fasterrcnnResnet50Fpn({ trainableBackboneLayers: 2 })', () => {
    const model = fasterrcnnResnet50Fpn({ trainableBackboneLayers: 2 });
    expectLikeTorchvision(model, facts.fasterrcnn_pretrained_2);
    model.dispose();
  });

  it("seed 003's surgery: ResNet-101, 4 trainable layers, 20 classes, a deeper/wider mask head — one line per part", () => {
    const before = tf.memory().numTensors;
    const model = new MaskRCNN(resnetFpnBackbone('resnet101', { trainableLayers: 4 }), { numClasses: 20 });
    model.set('roi_heads.box_predictor', new FastRCNNPredictor(1024, 20), { dispose: true });
    model.set('roi_heads.mask_head', new MaskRCNNHeads(256, [256, 256, 512, 512, 1024], 1), { dispose: true });
    model.set('roi_heads.mask_predictor', new MaskRCNNPredictor(1024, 256, 20), { dispose: true });
    expectLikeTorchvision(model, facts.seed003);
    // The seed's `model.mask_predictor = …` would attach a module the model never calls: refused with a hint.
    const stray = new MaskRCNNPredictor(1024, 256, 20);
    expect(() => model.set('mask_predictor', stray)).toThrow(/did you mean 'roi_heads.mask_predictor'/);
    expect(() => model.set('roi_heads.mask_fcn', stray)).toThrow(InvalidConfigError);
    stray.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);

  it('resnetFpnBackbone checks trainable and returned layers before building the ResNet (a bad option leaves nothing behind)', () => {
    const before = tf.memory().numTensors;
    expect(() => resnetFpnBackbone('resnet18', { trainableLayers: 6 })).toThrow(/Trainable layers should be in the range \[0,5\], got 6/);
    expect(() => resnetFpnBackbone('resnet18', { returnedLayers: [0] as never })).toThrow(/Each returned layer should be in the range \[1,4\]/);
    expect(tf.memory().numTensors).toBe(before);
    const fpn = resnetFpnBackbone('resnet18', { returnedLayers: [3, 4], outChannels: 32 });
    expect(fpn.outChannels).toBe(32);
    fpn.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
