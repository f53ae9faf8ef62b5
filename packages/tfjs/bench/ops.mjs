// Per-op timing on wasm (8×128×128×32) for the training fills: `node bench/ops.mjs`. Ops only, no dataSync:
// reading a large wasm tensor back with dataSync costs seconds on this machine and would swamp the figures.
import { batchNormTrain, initBackend, tf } from '@det/tfjs';
await initBackend('wasm');
const x = tf.randomNormal([8, 128, 128, 32]);
const g = tf.ones([32]);
const b = tf.zeros([32]);
const time = (name, f) => {
  f();
  const t0 = performance.now();
  for (let i = 0; i < 3; i++) f();
  console.log(name, ((performance.now() - t0) / 3).toFixed(1), 'ms');
};
const stockBn = (a) => { const { mean, variance } = tf.moments(a, [0, 1, 2]); return tf.batchNorm(a, mean, variance, b, g, 1e-5); };
time('bn stock fwd+bwd', () => tf.tidy(() => tf.grad((a) => tf.sum(stockBn(a)))(x)));
time('bn fast fwd+bwd', () => tf.tidy(() => tf.grad((a) => tf.sum(batchNormTrain(a, g, b).y))(x)));
const ones = tf.ones([1, 8 * 128 * 128]);
time('matmul [1,M]x[M,C]', () => tf.tidy(() => tf.matMul(ones, tf.reshape(x, [-1, 32]))));
time('sum axis0 [M,C]', () => tf.tidy(() => tf.sum(tf.reshape(x, [-1, 32]), 0)));
time('tf.maxPool fwd+bwd (first-tap gradient)', () => tf.tidy(() => tf.grad((a) => tf.sum(tf.maxPool(a, 2, 2, 'valid')))(x)));
time('tf.maxPool fwd', () => tf.tidy(() => tf.maxPool(x, 2, 2, 'valid')));
