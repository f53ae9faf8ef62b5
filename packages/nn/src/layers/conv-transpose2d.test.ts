/* biome-ignore-all lint/suspicious/noExplicitAny: fixture JSON */
import { tf } from '@det/tfjs';
import { expect, it } from 'vitest';
import { assertNoLeaks, describeBackends, expectClose, fixture } from '../test-helpers.test-helper';
import { ConvTranspose2d } from './conv-transpose2d';

const { cases } = fixture('conv_transpose2d.json');
const nhwc = (t: tf.Tensor, perm = [0, 2, 3, 1]) => {
  const r = tf.transpose(t, perm);
  t.dispose();
  return r;
};

describeBackends('ConvTranspose2d vs torch.nn.ConvTranspose2d', () => {
  assertNoLeaks();
  cases.forEach((c: any) => {
    it(`${c.repr}: output and gradients (input ${c.x_shape})`, () => {
      const m = new ConvTranspose2d(c.in, c.out, c.kernel, { stride: c.stride, padding: c.padding, outputPadding: c.output_padding });
      expect(String(m)).toBe(c.repr);
      const w = tf.tensor4d(c.weight, [c.in, c.out, c.kernel, c.kernel]);
      const b = tf.tensor1d(c.bias);
      const result = m.loadStateDict(new Map<string, tf.Tensor>([['weight', w], ['bias', b]]), { source: 'torchvision' });
      expect(result.missingKeys).toEqual([]);
      const x = nhwc(tf.tensor(c.x, c.x_shape));
      const g = nhwc(tf.tensor(c.g, c.y_shape));
      const y = m.forward(x);
      expect(y.shape).toEqual([c.y_shape[0], c.y_shape[2], c.y_shape[3], c.y_shape[1]]);
      const want = nhwc(tf.tensor(c.y, c.y_shape));
      expectClose(y, want.dataSync(), 1e-4, 'y');
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.mul(m.forward(x), g)) as tf.Scalar, [m.weight, m.bias as tf.Variable]);
      const dw = nhwc(tf.tensor4d(c.dw, [c.in, c.out, c.kernel, c.kernel]), [2, 3, 1, 0]);
      expectClose(grads[m.weight.name], dw.dataSync(), 1e-3, 'dW');
      expectClose(grads[(m.bias as tf.Variable).name], c.db, 1e-3, 'db');
      const dx = tf.grad((xi: tf.Tensor) => tf.sum(tf.mul(m.forward(xi), g)))(x);
      const dxWant = nhwc(tf.tensor(c.dx, c.x_shape));
      expectClose(dx, dxWant.dataSync(), 1e-3, 'dx');
      tf.dispose([w, b, x, g, y, want, value, dw, dx, dxWant, ...Object.values(grads)]);
      m.dispose();
    });
  });
});
