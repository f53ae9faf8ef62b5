/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { HW } from './anchor-generator';
import type { FeatureDict } from './feature-dict';
import { reference, relError, tensorOf } from './fixture.test-helper';
import { inferScale, MultiScaleRoIAlign } from './poolers';

describe('MultiScaleRoIAlign vs torchvision [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const ref = reference().pooler;

  it("maps boxes to levels with LevelMapper's rule and pools them like roi_align", () => {
    const before = tf.memory().numTensors;
    const features: FeatureDict = {};
    for (const [k, v] of Object.entries(ref.features)) features[k] = tensorOf(v as any) as tf.Tensor4D;
    const pool = new MultiScaleRoIAlign(['0', '1', '2', '3'], 3, 2);
    expect(pool.scales(features, ref.imageShapes)).toEqual([1 / 4, 1 / 8, 1 / 16, 1 / 32]);
    const out = pool.forward(features, [Float32Array.from(ref.boxes)], ref.imageShapes as HW[]);
    expect(out.shape).toEqual(ref.outShape);
    expect(relError(out.dataSync(), ref.out)).toBeLessThan(1e-5);
    expect(String(pool)).toBe(ref.repr);
    tf.dispose([out, ...Object.values(features)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('infers power-of-two scales from the unpadded image size', () => {
    expect(inferScale(72, 280)).toBe(0.25);
    expect(inferScale(5, 280)).toBe(1 / 64);
    expect(inferScale(200, 800)).toBe(0.25);
  });
});
