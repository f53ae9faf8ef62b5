/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { initBackend, tf } from '@det/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { FeatureDict } from './feature-dict';
import { FeaturePyramidNetwork, LastLevelMaxPool, LastLevelP6P7 } from './feature-pyramid-network';
import { loadFixtureState, reference, relError, tensorOf } from './fixture.test-helper';

describe('FeaturePyramidNetwork vs torchvision [wasm]', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });

  for (const c of reference().fpn) {
    it(`matches torchvision with ${c.extra === 'maxpool' ? 'LastLevelMaxPool' : 'LastLevelP6P7'} on maps whose sizes do not halve`, () => {
      const before = tf.memory().numTensors;
      const fpn = new FeaturePyramidNetwork([3, 6], 5, { extraBlocks: c.extra === 'maxpool' ? new LastLevelMaxPool() : new LastLevelP6P7(6, 5) });
      expect(String(fpn)).toBe(c.repr);
      loadFixtureState(fpn, c.state);
      const x: FeatureDict = {};
      for (const [k, v] of Object.entries(c.inputs)) x[k] = tensorOf(v as any) as tf.Tensor4D;
      const y = fpn.forward(x);
      expect(Object.keys(y)).toEqual(Object.keys(c.outputs));
      for (const [k, v] of Object.entries(c.outputs) as [string, any][]) {
        expect(y[k].shape).toEqual(v.shape);
        expect(relError(y[k].dataSync(), v.values), k).toBeLessThan(1e-5);
      }
      tf.dispose([...Object.values(x), ...Object.values(y)]);
      fpn.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });
  }
});
