import { readFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { describeBackends } from './backends.test-helper';
import { batchNormTrain } from './batch-norm';
import { tf } from './index';
import { maxPool2x2 } from './max-pool';

const fixture = JSON.parse(readFileSync(new URL('../../../fixtures/tfjs/train_ops.json', import.meta.url), 'utf8'));
const close = (got: ArrayLike<number>, want: number[], tol = 1e-4) => {
  for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThan(tol * Math.max(1, Math.abs(want[i])));
};

describeBackends('fast training ops vs PyTorch', () => {
  it('batchNormTrain: output, dx, dγ, dβ and batch statistics (BatchNorm2d training mode)', () => {
    const c = fixture.batch_norm;
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(c.x, c.x_shape);
    const gamma = tf.tensor1d(c.gamma);
    const beta = tf.tensor1d(c.beta);
    const r = tf.tensor4d(c.r, c.x_shape);
    const { y, mean, variance } = batchNormTrain(x, gamma, beta);
    close(y.dataSync(), c.y);
    // PyTorch's running stats after one step from (0, 1) with momentum 0.1 use the unbiased variance.
    const m = (c.x_shape[0] * c.x_shape[1] * c.x_shape[2]) as number;
    close(Array.from(mean.dataSync(), (v) => 0.1 * v), c.running_mean);
    close(Array.from(variance.dataSync(), (v) => 0.9 + 0.1 * v * (m / (m - 1))), c.running_var);
    const [dx, dg, db] = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(batchNormTrain(a, g as tf.Tensor1D, b as tf.Tensor1D).y, r)))([x, gamma, beta]);
    close(dx.dataSync(), c.dx);
    close(dg.dataSync(), c.dgamma);
    close(db.dataSync(), c.dbeta);
    tf.dispose([x, gamma, beta, r, y, mean, variance, dx, dg, db]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('maxPool2x2: values, and the gradient goes to one tap per window even with ties (odd sizes floor)', () => {
    const c = fixture.max_pool;
    const before = tf.memory().numTensors;
    const x = tf.tensor4d(c.x, c.x_shape);
    const out = maxPool2x2(x);
    close(out.dataSync(), c.y);
    const r = tf.tensor4d(c.r, out.shape);
    const dx = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(maxPool2x2(a as tf.Tensor4D), r)))(x);
    close(dx.dataSync(), c.dx);
    tf.dispose([x, out, r, dx]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
