import { Conv2d } from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { fcn8s, fcn16s, fcn32s } from './fcn-vgg';
import { pixelCrossEntropy } from './loss';
import { PSPNET_AUX_WEIGHT, pspnet } from './pspnet';

describe('segmentation models [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  it('PSPNet-ResNet50: tree (channels, bins, output stride 8) and a gradient through every dilated conv', () => {
    const model = pspnet({ numClasses: 5 });
    expect(model.outputStride).toBe(8);
    const tree = String(model);
    expect(tree).toContain('(ppm): PyramidPoolingModule(\n    bins=(1, 2, 3, 6)');
    expect(tree).toContain('AdaptiveAvgPool2d(output_size=(6, 6))');
    expect(tree).toContain('Conv2d(2048, 512, kernel_size=(1, 1), stride=(1, 1), bias=False)');
    expect(tree).toContain('(cls): FCNHead(\n    (0): Conv2d(4096, 512, kernel_size=(3, 3)');
    expect(tree).toContain('(aux): FCNHead(\n    (0): Conv2d(1024, 256, kernel_size=(3, 3)');
    expect(tree).toContain('Conv2d(512, 512, kernel_size=(3, 3), stride=(1, 1), padding=(4, 4), dilation=(4, 4), bias=False)');
    const dilated = model.namedModules().filter(([, m]) => m instanceof Conv2d && (m as Conv2d).dilation[0] > 1);
    // torchvision: a layer's first block keeps the previous dilation: layer3 blocks 1–5 (dilation 2), layer4 all 3 (2, 4, 4).
    expect(dilated.length).toBe(5 + 3);
    const x = tf.randomNormal([2, 32, 32, 3]);
    const labels = new Int32Array(2 * 32 * 32).map((_, i) => (i % 7 === 0 ? 255 : i % 5));
    const before = tf.memory().numTensors;
    const params = model.trainableParameters();
    const { value, grads } = tf.variableGrads(() => {
      const { out, aux } = model.forward(x, { training: true });
      expect(out.shape).toEqual([2, 32, 32, 5]);
      return tf.add(pixelCrossEntropy(out, labels), tf.mul(pixelCrossEntropy(aux as tf.Tensor, labels), PSPNET_AUX_WEIGHT)) as tf.Scalar;
    }, params);
    expect(Number.isFinite(value.dataSync()[0])).toBe(true);
    for (const [name, conv] of dilated) {
      const g = grads[(conv as Conv2d).weight.name];
      expect(g, name).toBeDefined();
      expect(tf.tidy(() => tf.sum(tf.abs(g)).dataSync()[0]), `${name} gradient`).toBeGreaterThan(0);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(x);
    model.dispose();
  });

  it('FCN-32s/16s/8s on VGG16: full-size logits, bilinear-initialised upsampling, gradients, no leaks', () => {
    const x = tf.randomNormal([1, 64, 64, 3]);
    for (const build of [fcn32s, fcn16s, fcn8s]) {
      const model = build({ numClasses: 3 });
      const before = tf.memory().numTensors;
      const { out } = model.forward(x);
      expect(out.shape).toEqual([1, 64, 64, 3]);
      tf.dispose(out);
      const labels = new Int32Array(64 * 64).map((_, i) => i % 3);
      const params = model.trainableParameters();
      const { value, grads } = tf.variableGrads(() => pixelCrossEntropy(model.forward(x).out, labels), params);
      expect(Object.keys(grads).length).toBe(params.length);
      tf.dispose([value, ...Object.values(grads)]);
      expect(tf.memory().numTensors).toBe(before);
      model.dispose();
    }
    // The ×2 transposed convolution starts as bilinear upsampling: a constant map stays constant inside.
    const m = fcn16s({ numClasses: 2 });
    const c = tf.ones([1, 4, 4, 2]);
    const up = m.get('upscore2').forward(c) as tf.Tensor;
    expect(up.shape).toEqual([1, 8, 8, 2]);
    const v = up.dataSync();
    expect(v[(3 * 8 + 3) * 2]).toBeCloseTo(1, 5);
    tf.dispose([x, c, up]);
    m.dispose();
  });
});
