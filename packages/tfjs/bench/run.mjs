// Benchmark: one training step (forward + backward) of the SSD7 base net — 7 conv3×3-BN-ReLU blocks,
// 32-48-64-64-48-48-32 channels, 2×2 max-pools between — batch 8, on tfjs wasm with tfjs's own ops,
// on wasm and cpu with @det/tfjs's fills, and in PyTorch on the CPU, same run.
// `node bench/run.mjs [size=128] [reps=5]`.
import { fileURLToPath } from 'node:url';
import { batchNormTrain, initBackend, tf } from '@det/tfjs';
import { machine, ms, printTable, runPeer } from '../../../scripts/bench/harness.mjs';

const size = Number(process.argv[2] ?? 128);
const reps = Number(process.argv[3] ?? 5);
const channels = [3, 32, 48, 64, 64, 48, 48, 32];

function buildNet() {
  return channels.slice(1).map((cout, i) => ({
    w: tf.variable(tf.randomNormal([3, 3, channels[i], cout], 0, Math.sqrt(2 / (9 * channels[i])), 'float32', i)),
    b: tf.variable(tf.zeros([cout])),
    gamma: tf.variable(tf.ones([cout])),
    beta: tf.variable(tf.zeros([cout])),
  }));
}

function forward(net, x, fast) {
  let h = x;
  net.forEach((l, i) => {
    h = tf.add(tf.conv2d(h, l.w, 1, 'same'), l.b);
    if (fast) h = batchNormTrain(h, l.gamma, l.beta).y;
    else {
      const { mean, variance } = tf.moments(h, [0, 1, 2]);
      h = tf.batchNorm(h, mean, variance, l.beta, l.gamma, 1e-5);
    }
    h = tf.relu(h);
    if (i < net.length - 1) h = tf.maxPool(h, 2, 2, 'valid');
  });
  return tf.mean(tf.square(h));
}

async function measure(backend, fast) {
  await initBackend(backend);
  const net = buildNet();
  const vars = net.flatMap((l) => [l.w, l.b, l.gamma, l.beta]);
  const x = tf.randomNormal([8, size, size, 3], 0, 1, 'float32', 42);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => forward(net, x, fast), vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
  step();
  const before = tf.memory().numTensors;
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  const leaked = tf.memory().numTensors - before;
  const rss = process.memoryUsage().rss / 2 ** 20;
  tf.dispose([x, ...vars]);
  times.sort((a, b) => a - b);
  return { ms: times[times.length >> 1], leaked, rss };
}

const wasmStock = await measure('wasm', false);
const wasmFast = await measure('wasm', true);
const cpuFast = size <= 128 ? await measure('cpu', true) : undefined;
const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [String(size), String(reps)]);
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);
console.log(`\nSSD7 base net training step, batch 8, ${size}×${size} (${machine()}; ${new Date().toISOString().slice(0, 10)}); tensors leaked per step: ${wasmFast.leaked}\n`);
const vs = (t) => (peer.step_1t ? `${(t / peer.step_1t).toFixed(1)}×` : 'n/a');
printTable(
  ['engine', 'step (ms)', 'vs PyTorch 1 thread', 'process RSS (MiB)'],
  [
    ['tfjs wasm, tf.moments + tf.batchNorm (+ conv grads)', ms(wasmStock.ms), vs(wasmStock.ms), wasmStock.rss.toFixed(0)],
    ['tfjs wasm, @det/tfjs batchNormTrain (+ conv grads)', ms(wasmFast.ms), vs(wasmFast.ms), wasmFast.rss.toFixed(0)],
    ...(cpuFast ? [['tfjs cpu, @det/tfjs fills', ms(cpuFast.ms), vs(cpuFast.ms), cpuFast.rss.toFixed(0)]] : []),
    ['PyTorch CPU, 1 thread', ms(peer.step_1t), '1.0×', peer.rss_mib?.toFixed(0) ?? '—'],
    [`PyTorch CPU, ${peer.threads ?? '?'} threads (default)`, ms(peer.step), vs(peer.step), '—'],
  ],
);
