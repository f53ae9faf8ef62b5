/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { InvalidConfigError, ShapeMismatchError } from '@det/core';
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff, reference } from './fixture.test-helper';
import { GeneralizedRCNNTransform, IMAGENET_MEAN, IMAGENET_STD, resizeBoxes } from './transform';

describe('GeneralizedRCNNTransform vs torchvision [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const ref = reference().transform;

  it('normalises, resizes (float32 scale, ⌊side·scale⌋) and pads to multiples of 32 like torchvision', () => {
    for (const c of ref.cases) {
      const before = tf.memory().numTensors;
      const t = new GeneralizedRCNNTransform(c.minSize, c.maxSize).eval();
      const images = c.images.map((im: any) => ({ data: Float32Array.from(im.data), width: im.width, height: im.height }));
      const { imageList } = t.forward(images);
      expect(imageList.imageSizes).toEqual(c.imageSizes);
      expect(imageList.tensors.shape).toEqual(c.tensors.shape);
      expect(maxAbsDiff(imageList.tensors.dataSync(), c.tensors.values)).toBeLessThan(2e-5);
      imageList.tensors.dispose();
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('accepts tensors (HWC list or an NHWC batch) with the same result', () => {
    const c = ref.cases[1];
    const t = new GeneralizedRCNNTransform(c.minSize, c.maxSize).eval();
    const im = c.images[0];
    const x = tf.tensor3d(Float32Array.from(im.data), [im.height, im.width, 3]);
    const batch = tf.expandDims(x, 0) as tf.Tensor4D;
    for (const input of [[x], batch]) {
      const { imageList } = t.forward(input);
      expect(maxAbsDiff(imageList.tensors.dataSync(), c.tensors.values)).toBeLessThan(2e-5);
      imageList.tensors.dispose();
    }
    tf.dispose([x, batch]);
  });

  it('resizes training targets: boxes in float32, masks by nearest neighbour', () => {
    for (const c of ref.cases) {
      const t = new GeneralizedRCNNTransform(c.minSize, c.maxSize).train();
      const images = c.images.map((im: any) => ({ data: Float32Array.from(im.data), width: im.width, height: im.height }));
      const targets = c.targets.map((tg: any) => ({ boxes: Float32Array.from(tg.boxes), labels: Int32Array.of(1, 2), masks: tg.masks.map((m: number[]) => Uint8Array.from(m)) }));
      const { imageList, targets: out } = t.forward(images, targets);
      imageList.tensors.dispose();
      out?.forEach((o, i) => {
        expect(Array.from(o.boxes)).toEqual(Array.from(Float32Array.from(c.resizedTargets[i].boxes)));
        o.masks?.forEach((m, j) => {
          expect(Array.from(m)).toEqual(c.resizedTargets[i].masks[j]);
        });
      });
    }
  });

  it('resizeBoxes matches torchvision resize_boxes', () => {
    const r = ref.resizeBoxes;
    expect(Array.from(resizeBoxes(r.boxes, r.from, r.to))).toEqual(Array.from(Float32Array.from(r.out)));
  });

  it('prints as torchvision', () => {
    expect(String(new GeneralizedRCNNTransform(800, 1333, IMAGENET_MEAN, IMAGENET_STD))).toBe(ref.repr);
  });

  it('rejects integer pixels and malformed images', () => {
    const t = new GeneralizedRCNNTransform(32, 64).eval();
    expect(() => t.forward([{ data: new Uint8Array(12) as unknown as Float32Array, width: 2, height: 2 }])).toThrow(InvalidConfigError);
    expect(() => t.forward([{ data: new Float32Array(11), width: 2, height: 2 }])).toThrow(ShapeMismatchError);
    const ints = tf.zeros([4, 4, 3], 'int32') as tf.Tensor3D;
    expect(() => t.forward([ints])).toThrow(InvalidConfigError);
    ints.dispose();
  });
});
