import { expect, it } from 'vitest';
import { describeBackends, loadFixture, relativeError } from './backends.test-helper';
import { tf } from './index';
import { multiScaleRoiAlign, roiAlign, roiAlignTensor } from './roi-align';

interface RoiCase {
  aligned: boolean;
  sampling_ratio: number;
  output_size: [number, number];
  spatial_scale: number;
  r: number[];
  out: number[];
  grad: number[];
}
const fixture = loadFixture<{
  features_shape: [number, number, number, number];
  features: number[];
  boxes: number[];
  box_index: number[];
  cases: RoiCase[];
}>('roi_align.json');

/** Deterministic PRNG (mulberry32) for the property tests. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Random boxes in input pixels over an `extent`-sized image: inside, straddling or past the border, tiny, empty and inverted. */
function randomBoxes(rand: () => number, k: number, extent: number, n: number): { boxes: Float32Array; index: Int32Array } {
  const boxes = new Float32Array(4 * k);
  const index = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    const x1 = (rand() * 1.4 - 0.2) * extent;
    const y1 = (rand() * 1.4 - 0.2) * extent;
    const kind = i % 6;
    const w = kind === 4 ? 0 : kind === 5 ? -rand() * 3 : kind === 3 ? rand() * 0.8 : rand() * extent;
    const h = kind === 4 ? rand() * 3 : kind === 5 ? rand() * extent : kind === 3 ? rand() * 0.8 : rand() * extent;
    boxes.set([x1, y1, x1 + w, y1 + h], 4 * i);
    index[i] = Math.floor(rand() * n);
  }
  return { boxes, index };
}

describeBackends('roiAlign vs torchvision.ops.roi_align', () => {
  for (const c of fixture.cases) {
    it(`aligned=${c.aligned} sampling=${c.sampling_ratio} out=${c.output_size.join('×')}: values and feature gradient`, () => {
      const before = tf.memory().numTensors;
      const features = tf.tensor4d(fixture.features, fixture.features_shape);
      const boxes = Float32Array.from(fixture.boxes);
      const index = Int32Array.from(fixture.box_index);
      const opts = { spatialScale: c.spatial_scale, samplingRatio: c.sampling_ratio, aligned: c.aligned };
      const out = roiAlign(features, boxes, index, c.output_size, opts);
      expect(relativeError(out.dataSync(), c.out)).toBeLessThan(1e-3);
      const r = tf.tensor4d(c.r, out.shape as [number, number, number, number]);
      const grad = tf.grad((f: tf.Tensor) => tf.sum(tf.mul(roiAlign(f as tf.Tensor4D, boxes, index, c.output_size, opts), r)))(features);
      expect(relativeError(grad.dataSync(), c.grad)).toBeLessThan(1e-3);
      tf.dispose([features, out, r, grad]);
      expect(tf.memory().numTensors).toBe(before);
    });
  }

  it('multiScaleRoiAlign maps boxes to FPN levels (torchvision LevelMapper) and keeps box order', () => {
    tf.tidy(() => {
      const p2 = tf.randomNormal([1, 64, 64, 2], 0, 1, 'float32', 3) as tf.Tensor4D;
      const p3 = tf.randomNormal([1, 32, 32, 2], 0, 1, 'float32', 4) as tf.Tensor4D;
      const boxes = Float32Array.from([0, 0, 40, 40, 0, 0, 250, 250]); // √area 40 → level 2; 250 → level 3 (clamped)
      const index = Int32Array.from([0, 0]);
      const out = multiScaleRoiAlign([p2, p3], boxes, index, [7, 7], { scales: [1 / 4, 1 / 8], samplingRatio: 2 });
      const a = roiAlign(p2, boxes.subarray(0, 4), index.subarray(0, 1), [7, 7], { spatialScale: 1 / 4, samplingRatio: 2 });
      const b = roiAlign(p3, boxes.subarray(4), index.subarray(1), [7, 7], { spatialScale: 1 / 8, samplingRatio: 2 });
      expect(tf.max(tf.abs(tf.sub(out, tf.concat([a, b])))).dataSync()[0]).toBe(0);
    });
  });

  it('rejects a box index outside the batch, naming it', () => {
    const f = tf.zeros([1, 4, 4, 1]) as tf.Tensor4D;
    expect(() => roiAlign(f, Float32Array.from([0, 0, 2, 2]), Int32Array.from([1]), [2, 2])).toThrow(/field 'boxIndex', index 0/);
    f.dispose();
  });

  it('host path equals the tensor path on random inputs: values, feature gradient, gradient through a conv', () => {
    const rand = rng(7);
    const settings = [
      { aligned: false, samplingRatio: 2, spatialScale: 0.5, out: [3, 2] as [number, number] },
      { aligned: true, samplingRatio: 0, spatialScale: 0.25, out: [2, 3] as [number, number] },
      { aligned: true, samplingRatio: 1, spatialScale: 1, out: [4, 4] as [number, number] },
      { aligned: false, samplingRatio: -1, spatialScale: 0.5, out: [1, 1] as [number, number] },
    ];
    const before = tf.memory().numTensors;
    for (const [s, o] of settings.entries()) {
      const [n, h, w, c] = [2, 5 + s, 7 - s, 3 + s];
      const extent = Math.max(h, w) / o.spatialScale;
      const { boxes, index } = randomBoxes(rand, 12, extent, n);
      const opts = { aligned: o.aligned, samplingRatio: o.samplingRatio, spatialScale: o.spatialScale };
      tf.tidy(() => {
        const x = tf.randomNormal([n, h, w, 2], 0, 1, 'float32', 10 + s) as tf.Tensor4D;
        const kernel = tf.randomNormal([3, 3, 2, c], 0, 0.5, 'float32', 20 + s) as tf.Tensor4D;
        const features = tf.conv2d(x, kernel, 1, 'same');
        const fast = roiAlign(features, boxes, index, o.out, opts);
        const slow = roiAlignTensor(features, boxes, index, o.out, opts);
        expect(fast.shape).toEqual([12, ...o.out, c]);
        expect(relativeError(fast.dataSync(), slow.dataSync())).toBeLessThan(1e-5);
        const r = tf.randomNormal(fast.shape, 0, 1, 'float32', 30 + s);
        const loss = (align: typeof roiAlign) => (f: tf.Tensor) => tf.sum(tf.mul(align(f as tf.Tensor4D, boxes, index, o.out, opts), r));
        expect(relativeError(tf.grad(loss(roiAlign))(features).dataSync(), tf.grad(loss(roiAlignTensor))(features).dataSync())).toBeLessThan(1e-5);
        // Composes with the tape: gradients reach the conv's input and kernel through the custom gradient.
        const through = (align: typeof roiAlign) => tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(align)(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same')))([x, kernel]);
        const [gxFast, gkFast] = through(roiAlign);
        const [gxSlow, gkSlow] = through(roiAlignTensor);
        expect(relativeError(gxFast.dataSync(), gxSlow.dataSync())).toBeLessThan(1e-5);
        expect(relativeError(gkFast.dataSync(), gkSlow.dataSync())).toBeLessThan(1e-5);
      });
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('multiScaleRoiAlign equals per-level tensor-path pooling in box order, values and gradients of every level', () => {
    const rand = rng(11);
    const { boxes, index } = randomBoxes(rand, 18, 64, 2);
    boxes.set([0, 0, 30, 30, 2, 2, 70, 60, 5, 5, 5, 5], 0); // level 2, level 3, zero area (level 2)
    const opts = { scales: [1 / 4, 1 / 8], samplingRatio: 0, aligned: true };
    const level = Array.from({ length: 18 }, (_, i) => {
      const area = (boxes[4 * i + 2] - boxes[4 * i]) * (boxes[4 * i + 3] - boxes[4 * i + 1]);
      return Math.min(Math.max(Math.floor(4 + Math.log2(Math.sqrt(area) / 224) + 1e-6), 2), 3) - 2;
    });
    expect(new Set(level).size).toBe(2);
    const before = tf.memory().numTensors;
    tf.tidy(() => {
      const p2 = tf.randomNormal([2, 16, 16, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
      const p3 = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 6) as tf.Tensor4D;
      const r = tf.randomNormal([18, 2, 3, 3], 0, 1, 'float32', 7);
      const reference = (a: tf.Tensor4D, b: tf.Tensor4D) =>
        tf.concat(
          level.map((l, i) =>
            roiAlignTensor(l === 0 ? a : b, boxes.subarray(4 * i, 4 * i + 4), index.subarray(i, i + 1), [2, 3], { ...opts, spatialScale: opts.scales[l] }),
          ),
        );
      const fast = multiScaleRoiAlign([p2, p3], boxes, index, [2, 3], opts);
      expect(relativeError(fast.dataSync(), reference(p2, p3).dataSync())).toBeLessThan(1e-5);
      const [g2, g3] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(multiScaleRoiAlign([a as tf.Tensor4D, b as tf.Tensor4D], boxes, index, [2, 3], opts), r)))([p2, p3]);
      const [h2, h3] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(reference(a as tf.Tensor4D, b as tf.Tensor4D), r)))([p2, p3]);
      expect(relativeError(g2.dataSync(), h2.dataSync())).toBeLessThan(1e-5);
      expect(relativeError(g3.dataSync(), h3.dataSync())).toBeLessThan(1e-5);
    });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('leaks no tensors: forward, tf.grad, variableGrads through a variable, multi-scale, no boxes', () => {
    const features = tf.randomNormal([1, 6, 6, 4], 0, 1, 'float32', 1) as tf.Tensor4D;
    const v = tf.variable(tf.randomNormal([1, 6, 6, 4], 0, 1, 'float32', 2));
    const boxes = Float32Array.from([0, 0, 4, 4, 1, 2, 5, 6]);
    const index = Int32Array.from([0, 0]);
    const before = tf.memory().numTensors;
    for (let i = 0; i < 2; i++) {
      roiAlign(features, boxes, index, [2, 2]).dispose();
      tf.grad((f: tf.Tensor) => tf.sum(roiAlign(f as tf.Tensor4D, boxes, index, [2, 2], { samplingRatio: 2 })))(features).dispose();
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(roiAlign(v as unknown as tf.Tensor4D, boxes, index, [3, 3]))) as tf.Scalar);
      tf.dispose([value, ...Object.values(grads)]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(multiScaleRoiAlign([a as tf.Tensor4D, b as tf.Tensor4D], boxes, index, [2, 2], { scales: [1, 1 / 2] })))([
        features,
        features,
      ]).forEach((g) => {
        g.dispose();
      });
      const empty = roiAlign(features, new Float32Array(0), new Int32Array(0), [7, 7]);
      expect(empty.shape).toEqual([0, 7, 7, 4]);
      const emptyMulti = multiScaleRoiAlign([features, features], new Float32Array(0), new Int32Array(0), [7, 7], { scales: [1, 1 / 2] });
      expect(emptyMulti.shape).toEqual([0, 7, 7, 4]);
      tf.dispose([empty, emptyMulti]);
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([features, v]);
  });
});
