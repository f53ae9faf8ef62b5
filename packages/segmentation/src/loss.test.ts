/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { readFileSync } from 'node:fs';
import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import { assertNoLeaks, describeBackends, expectClose } from '../../nn/src/test-helpers.test-helper';
import { pixelCrossEntropy } from './loss';

const { cases } = JSON.parse(readFileSync(new URL('../../../fixtures/segmentation/cross_entropy.json', import.meta.url), 'utf8'));

describeBackends('pixelCrossEntropy vs F.cross_entropy(ignore_index=255)', () => {
  assertNoLeaks();
  cases.forEach((c: any) => {
    it(`[${c.shape}]${c.weight ? ' weighted' : ''}: loss and gradient`, () => {
      const [n, ch, h, w] = c.shape;
      const nchw = tf.tensor4d(c.logits, [n, ch, h, w]);
      const logits = tf.transpose(nchw, [0, 2, 3, 1]);
      const labels = Int32Array.from(c.labels);
      const options = c.weight ? { classWeights: c.weight } : {};
      const loss = pixelCrossEntropy(logits, labels, options);
      expect(loss.dataSync()[0]).toBeCloseTo(c.loss, 5);
      const g = tf.grad((x: tf.Tensor) => pixelCrossEntropy(x, labels, options))(logits);
      const raw = tf.tensor4d(c.grad, [n, ch, h, w]);
      const want = tf.transpose(raw, [0, 2, 3, 1]);
      expectClose(g, want.dataSync(), 1e-4, 'grad');
      tf.dispose([nchw, logits, loss, g, raw, want]);
    });
  });

  it('is 0 (not NaN) when every pixel is ignored, and names a bad label', () => {
    const logits = tf.zeros([1, 2, 2, 3]);
    const loss = pixelCrossEntropy(logits, new Int32Array(4).fill(255));
    expect(loss.dataSync()[0]).toBe(0);
    expect(() => pixelCrossEntropy(logits, Int32Array.from([0, 1, 7, 2]))).toThrow(/index 2|label outside/);
    tf.dispose([logits, loss]);
  });
});
