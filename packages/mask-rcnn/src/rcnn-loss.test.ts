import { createRandom, InvalidBoxError, InvalidLabelError, ShapeMismatchError } from '@det/core';
import { initBackend, tf } from '@det/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resnetFpnBackbone } from './backbone-with-fpn';
import { FastRCNNPredictor } from './box-head';
import type { RcnnPixels } from './images';
import { MaskRCNNHeads, MaskRCNNPredictor } from './mask-head';
import { MaskRCNN } from './mask-rcnn';
import type { RcnnTarget } from './transform';
import { instanceTargetsFromVoc } from './voc-targets';

/** An image of `h`×`w` (RGB in [0, 1]) with the given objects painted on a noisy background, and its targets. */
function scene(h: number, w: number, objects: { box: [number, number, number, number]; label: number; ellipse?: boolean; rgb: [number, number, number] }[], seed: number): { image: RcnnPixels; target: RcnnTarget } {
  const rand = createRandom(seed);
  const data = new Float32Array(h * w * 3);
  for (let i = 0; i < data.length; i++) data[i] = 0.3 + 0.2 * rand();
  const masks = objects.map(({ box: [x1, y1, x2, y2], ellipse, rgb }) => {
    const m = new Uint8Array(h * w);
    const cx = (x1 + x2) / 2;
    const cy = (y1 + y2) / 2;
    for (let y = y1; y < y2; y++) {
      for (let x = x1; x < x2; x++) {
        const inside = !ellipse || ((x + 0.5 - cx) / ((x2 - x1) / 2)) ** 2 + ((y + 0.5 - cy) / ((y2 - y1) / 2)) ** 2 <= 1;
        if (!inside) continue;
        m[y * w + x] = 1;
        for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = rgb[c];
      }
    }
    return m;
  });
  return {
    image: { data, width: w, height: h },
    target: { boxes: Float32Array.from(objects.flatMap((o) => o.box)), labels: Int32Array.from(objects, (o) => o.label), masks },
  };
}

const numClasses = 20;

describe('GeneralizedRCNN.loss: training losses as torchvision [wasm]', () => {
  let model: MaskRCNN;
  const a = scene(
    64,
    96,
    [
      { box: [8, 10, 40, 50], label: 3, rgb: [0.9, 0.1, 0.1] },
      { box: [52, 6, 90, 40], label: 7, ellipse: true, rgb: [0.1, 0.2, 0.9] },
    ],
    1,
  );
  const b = scene(72, 72, [{ box: [20, 16, 60, 56], label: 12, ellipse: true, rgb: [0.1, 0.9, 0.2] }], 2);
  const empty = scene(48, 80, [], 3);

  beforeAll(async () => {
    await initBackend('wasm');
    // Seed 003's model, exactly: ResNet-101-FPN with 4 trainable layers, 20 classes, deeper/wider mask head. Small
    // images (no 800-px resize) and small training samples keep the 2-core wasm run short.
    model = new MaskRCNN(resnetFpnBackbone('resnet101', { trainableLayers: 4 }), {
      numClasses,
      minSize: 64,
      maxSize: 96,
      rpnPostNmsTopNTrain: 200,
      boxBatchSizePerImage: 8,
    });
    model.set('roi_heads.box_predictor', new FastRCNNPredictor(1024, numClasses), { dispose: true });
    model.set('roi_heads.mask_head', new MaskRCNNHeads(256, [256, 256, 512, 512, 1024], 1), { dispose: true });
    model.set('roi_heads.mask_predictor', new MaskRCNNPredictor(1024, 256, numClasses), { dispose: true });
    // Stand-in for the ImageNet-pretrained backbone the seed starts from: with identity FrozenBatchNorm2d statistics a
    // randomly initialised ResNet-101 multiplies its activations by ~10⁴ across layer3's 23 blocks (losses ~10⁴, SGD
    // diverges). Scaling each residual branch's last norm (bn3.weight = 0.1, torchvision's zero_init_residual idea
    // without the zero) keeps activations O(1) and every parameter's gradient non-zero.
    for (const [name, buffer] of model.namedBuffers()) if (name.endsWith('.bn3.weight')) buffer.assign(tf.fill(buffer.shape, 0.1));
    model.train();
  }, 60_000);

  afterAll(() => model?.dispose());

  it("trains seed 003's model: finite losses that fall over 3 SGD steps, a finite non-zero gradient for every trainable parameter, no leak", () => {
    console.log(String(model));
    const named = model.namedParameters().filter(([, p]) => p.trainable);
    const frozen = model.namedParameters().filter(([, p]) => !p.trainable);
    // torchvision's trainable_layers=4 freezes conv1 only (FrozenBatchNorm2d has no parameters).
    expect(frozen.map(([n]) => n)).toEqual(['backbone.body.conv1.weight']);
    const vars = named.map(([, v]) => v);
    console.log(`${named.length} trainable parameters (${model.numParameters({ trainableOnly: true })} values)`);
    const lr = 0.02;
    const totals: number[] = [];
    const before = tf.memory().numTensors;
    for (let step = 0; step < 3; step++) {
      const t0 = performance.now();
      let parts: Record<string, number> = {};
      const { value, grads } = tf.variableGrads(() => {
        const out = model.loss([a.image, b.image], [a.target, b.target], { random: createRandom(7) });
        parts = Object.fromEntries(Object.entries(out.parts).map(([k, v]) => [k, v.dataSync()[0]]));
        return out.loss;
      }, vars);
      const total = value.dataSync()[0];
      totals.push(total);
      expect(Object.keys(parts)).toEqual(['loss_classifier', 'loss_box_reg', 'loss_mask', 'loss_objectness', 'loss_rpn_box_reg']);
      for (const v of Object.values(parts)) expect(Number.isFinite(v)).toBe(true);
      expect(Math.abs(total - Object.values(parts).reduce((s, v) => s + v, 0))).toBeLessThan(1e-5 * Math.max(1, total));
      if (step === 0) {
        const missing = named.filter(([, v]) => grads[v.name] === undefined).map(([n]) => n);
        expect(missing).toEqual([]);
        const norms = tf.tidy(() => named.map(([, v]) => tf.sum(tf.square(grads[v.name])).dataSync()[0]));
        const bad = named.filter((_, i) => !(Number.isFinite(norms[i]) && norms[i] > 0)).map(([n]) => n);
        expect(bad).toEqual([]);
      }
      tf.tidy(() => {
        for (const v of vars) v.assign(tf.sub(v, tf.mul(grads[v.name], lr)));
      });
      tf.dispose([value, ...Object.values(grads)]);
      console.log(`step ${step}: ${(performance.now() - t0).toFixed(0)} ms, loss ${total.toFixed(4)}`, JSON.stringify(parts));
      expect(tf.memory().numTensors).toBe(before);
    }
    expect(totals[1]).toBeLessThan(totals[0]);
    expect(totals[2]).toBeLessThan(totals[1]);
  }, 120_000);

  it('takes images of different sizes and an image without objects; a batch without objects gives a zero mask loss', () => {
    const before = tf.memory().numTensors;
    const out = model.loss([a.image, empty.image], [a.target, empty.target], { random: createRandom(1) });
    const parts = Object.fromEntries(Object.entries(out.parts).map(([k, v]) => [k, v.dataSync()[0]]));
    for (const v of Object.values(parts)) expect(Number.isFinite(v)).toBe(true);
    expect(parts.loss_mask).toBeGreaterThan(0);
    tf.dispose([out.loss, ...Object.values(out.parts)]);

    const none = model.loss([empty.image], [empty.target], { random: createRandom(1) });
    const v = Object.fromEntries(Object.entries(none.parts).map(([k, t]) => [k, t.dataSync()[0]]));
    expect(Math.abs(v.loss_mask)).toBe(0);
    expect(Math.abs(v.loss_box_reg)).toBe(0);
    expect(Math.abs(v.loss_rpn_box_reg)).toBe(0);
    expect(v.loss_classifier).toBeGreaterThan(0);
    expect(v.loss_objectness).toBeGreaterThan(0);
    tf.dispose([none.loss, ...Object.values(none.parts)]);
    expect(tf.memory().numTensors).toBe(before);
  }, 60_000);

  it('reports malformed targets up front', () => {
    const { image, target } = a;
    expect(() => model.loss([image], [{ ...target, labels: Int32Array.of(3, 20) }])).toThrow(InvalidLabelError);
    expect(() => model.loss([image], [{ ...target, boxes: Float32Array.of(8, 10, 8, 50, 52, 6, 90, 40) }])).toThrow(InvalidBoxError);
    expect(() => model.loss([image], [{ ...target, masks: target.masks?.slice(1) }])).toThrow(ShapeMismatchError);
    expect(() => model.loss([image], [])).toThrow(ShapeMismatchError);
  });
});

describe('instanceTargetsFromVoc', () => {
  it('splits a SegmentationObject map into one mask per <object>, shifts labels, converts 1-based boxes', () => {
    // 4×3 map: object 1 on the left, object 2 on the right, a boundary pixel.
    const data = Uint8Array.of(1, 1, 0, 2, 1, 255, 2, 2, 0, 0, 0, 2);
    const t = instanceTargetsFromVoc({ width: 4, height: 3, data }, { boxes: Float32Array.of(1, 1, 2, 2, 3, 1, 4, 3), labels: Int32Array.of(0, 4) });
    expect(Array.from(t.labels)).toEqual([1, 5]);
    expect(Array.from(t.boxes)).toEqual([0, 0, 2, 2, 2, 0, 4, 3]);
    expect(t.masks?.map((m) => Array.from(m))).toEqual([
      [1, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0],
      [0, 0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 1],
    ]);
    expect(() => instanceTargetsFromVoc({ width: 4, height: 3, data }, { boxes: Float32Array.of(1, 1, 2, 2), labels: Int32Array.of(0) })).toThrow(InvalidLabelError);
  });
});
