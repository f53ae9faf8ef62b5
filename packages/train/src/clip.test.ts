import { tf } from '@det/tfjs';
import { describe, expect, it } from 'vitest';
import { clipGradNorm, gradNorm } from './clip';
import { assertNoLeaks, expectClose, reference, useCpuBackend } from './test-helpers.test-helper';

const ref = reference();

describe('clipGradNorm (torch.nn.utils.clip_grad_norm_ parity)', () => {
  useCpuBackend();
  assertNoLeaks();

  for (const c of ref.clip) {
    it(`max norm ${c.maxNorm}`, () => {
      const grads = new Map<string, tf.Tensor>(c.grads.map((g: number[], i: number) => [`p${i}`, tf.tensor(g, c.shapes[i])]));
      const { grads: clipped, norm } = clipGradNorm(grads, c.maxNorm);
      expectClose([norm.dataSync()[0]], [c.norm], 1e-6, 'norm');
      c.clipped.forEach((want: number[], i: number) => expectClose(clipped[`p${i}`].dataSync(), want, 1e-6, `grad ${i}`));
      tf.dispose([norm, ...Object.values(clipped), ...grads.values()]);
    });
  }

  it('gradNorm of nothing is 0; bad maxNorm throws', () => {
    const n = gradNorm({});
    expect(n.dataSync()[0]).toBe(0);
    n.dispose();
    expect(() => clipGradNorm({}, 0)).toThrow(/maxNorm/);
  });

  it('a non-finite gradient gives a non-finite norm', () => {
    const g = { a: tf.tensor([1, Number.NaN]) };
    const { grads, norm } = clipGradNorm(g, 1);
    expect(Number.isNaN(norm.dataSync()[0])).toBe(true);
    tf.dispose([norm, g.a, grads.a]);
  });
});
