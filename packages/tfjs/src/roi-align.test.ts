import { expect, it } from 'vitest';
import { describeBackends, loadFixture, relativeError } from './backends.test-helper';
import { tf } from './index';
import { multiScaleRoiAlign, roiAlign } from './roi-align';

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
});
