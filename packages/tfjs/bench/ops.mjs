// Per-op figures for the training fills, before (tfjs's own kernels and formulas) and after (@det/tfjs), on
// wasm and cpu, at the SSD7 base net's largest shapes (batch 8, 128×128 input). CPU time per op, median of
// several runs after a warm-up; every result is disposed (no allocation growth between runs).
//   node bench/ops.mjs [reps=5]
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-cpu';
import { machine, printTable } from '../../../scripts/bench/harness.mjs';

// The wasm kernels @det/tfjs replaces, captured before it loads.
const REPLACED = ['Identity', 'Sum', 'Mean', 'Conv2DBackpropInput'];
const stock = Object.fromEntries(REPLACED.map((k) => [k, tf.getKernel(k, 'wasm')]));
const det = await import('@det/tfjs');
const ours = Object.fromEntries(REPLACED.map((k) => [k, tf.getKernel(k, 'wasm')]));
const useKernels = (set) => {
  for (const k of REPLACED) {
    tf.unregisterKernel(k, 'wasm');
    tf.registerKernel(set[k]);
  }
};

const reps = Number(process.argv[2] ?? 5);
function cpuMs(f) {
  tf.tidy(() => {
    f();
  });
  const times = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    tf.tidy(() => {
      f();
    });
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e3);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const rows = [];
const results = {};
for (const backend of ['wasm', 'cpu']) {
  await det.initBackend(backend);
  const x = tf.randomNormal([8, 128, 128, 32], 0, 1, 'float32', 1);
  const xr = tf.relu(x);
  const dy = tf.randomNormal([8, 128, 128, 32], 0, 1, 'float32', 2);
  const img = tf.randomNormal([8, 128, 128, 3], 0, 1, 'float32', 3);
  const w1 = tf.randomNormal([3, 3, 3, 32], 0, 0.1, 'float32', 4);
  const x2 = tf.randomNormal([8, 64, 64, 32], 0, 1, 'float32', 5);
  const w2 = tf.randomNormal([3, 3, 32, 48], 0, 0.1, 'float32', 6);
  const dy2 = tf.randomNormal([8, 64, 64, 48], 0, 1, 'float32', 7);
  const pooled = tf.maxPool(xr, 2, 2, 'valid');
  const dyPool = tf.randomNormal(pooled.shape, 0, 1, 'float32', 8);
  const g = tf.ones([32]);
  const b = tf.zeros([32]);
  const padInfo = { top: 1, left: 1 };
  const run = (kernel, inputs, attrs) => tf.engine().runKernel(kernel, inputs, attrs);
  const cases = [
    [
      'conv dx, 8×64×64, 32→48 (3×3)',
      () => run('Conv2DBackpropInput', { dy: dy2, filter: w2 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', inputShape: x2.shape }),
      () => det.conv2dInputGrad(dy2, w2, x2.shape, [1, 1], [1, 1], padInfo),
    ],
    [
      'conv dW, 8×64×64, 32→48 (3×3)',
      () =>
        tf.getKernel('Conv2DBackpropFilter', backend)?.kernelFunc === undefined || backend === 'wasm'
          ? undefined
          : run('Conv2DBackpropFilter', { x: x2, dy: dy2 }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: w2.shape }),
      () => det.conv2dFilterGrad(x2, dy2, w2.shape, [1, 1], [1, 1], padInfo),
    ],
    [
      'conv dW, 8×128×128, 3→32 (first layer)',
      () =>
        backend === 'wasm' ? undefined : run('Conv2DBackpropFilter', { x: img, dy }, { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: w1.shape }),
      () => det.conv2dFilterGrad(img, dy, w1.shape, [1, 1], [1, 1], padInfo),
    ],
    [
      'max-pool 2×2/2 gradient, 8×128×128×32',
      () => run('MaxPoolGrad', { dy: dyPool, input: xr, output: pooled }, { filterSize: 2, strides: 2, pad: 'valid' }),
      () => det.maxPoolGradFirstTap(dyPool, xr, pooled, tf.backend_util.computePool2DInfo(xr.shape, 2, 2, 1, 'valid')),
    ],
    [
      'batch norm fwd+bwd, 8×128×128×32',
      () =>
        tf.grad((a) => {
          const { mean, variance } = tf.moments(a, [0, 1, 2]);
          return tf.sum(tf.mul(tf.batchNorm(a, mean, variance, b, g, 1e-5), dy));
        })(x),
      () => tf.grad((a) => tf.sum(tf.mul(det.batchNormTrain(a, g, b).y, dy)))(x),
    ],
    ['bias gradient: sum over N·H·W, 8×128×128×32', () => tf.sum(dy, [0, 1, 2]), () => tf.sum(dy, [0, 1, 2])],
    ['clone (every tensor saved for a gradient), 8×128×128×32', () => tf.clone(dy), () => tf.clone(dy)],
  ];
  for (const [name, before, after] of cases) {
    if (backend === 'wasm') useKernels(stock);
    let b0;
    try {
      b0 = before() === undefined ? undefined : cpuMs(before);
    } catch (e) {
      b0 = `fails: ${String(e.message ?? e).slice(0, 40)}`;
    }
    if (backend === 'wasm') useKernels(ours);
    const a0 = cpuMs(after);
    results[name] = { ...results[name], [backend]: [b0, a0] };
  }
  tf.dispose([x, xr, dy, img, w1, x2, w2, dy2, pooled, dyPool, g, b]);
}
const fmt = (v) => (v === undefined ? 'missing' : typeof v === 'string' ? v : v.toFixed(1));
for (const [name, r] of Object.entries(results)) {
  rows.push([name, fmt(r.wasm[0]), fmt(r.wasm[1]), fmt(r.cpu[0]), fmt(r.cpu[1])]);
}
console.log(`Training fills, CPU ms per op (${machine()}; ${new Date().toISOString().slice(0, 10)}); wasm "before" = tfjs-backend-wasm's own kernels\n`);
printTable(['op', 'wasm before', 'wasm after', 'cpu before', 'cpu after'], rows);
process.exit(0);
