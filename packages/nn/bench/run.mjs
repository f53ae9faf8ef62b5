// Benchmark of @det/nn layers (forward + backward) and safetensors I/O against PyTorch, same run, same data.
// `node bench/run.mjs [reps=7]` after `pnpm build`. Layer timings: tfjs wasm backend (the cpu backend is
// ~20× slower on convolutions and is left out). The input is written with our safetensors writer and read by
// both sides (the peer parses it with struct + numpy), so the peer also checks that our files load in Python.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  AdaptiveAvgPool2d,
  BatchNorm2d,
  Conv2d,
  interpolate,
  L2Norm,
  MaxPool2d,
  ReLU,
  readSafetensors,
  Sequential,
  writeSafetensors,
} from '@det/nn';
import { initBackend, tf } from '@det/tfjs';
import { machine, ms, printTable, ratio, runPeer } from '../../../scripts/bench/harness.mjs';

const reps = Number(process.argv[2] ?? 7);
const dir = mkdtempSync(join(tmpdir(), 'det-nn-bench-'));
await initBackend('wasm');

function median(fn, warmup = 2) {
  for (let i = 0; i < warmup; i++) fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

async function medianAsync(fn, warmup = 1) {
  for (let i = 0; i < warmup; i++) await fn();
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  t.sort((a, b) => a - b);
  return t[t.length >> 1];
}

// Shared inputs: an SSD7-sized activation and an image batch.
const inputs = {
  act: tf.randomNormal([8, 64, 64, 32], 0, 1, 'float32', 1),
  image: tf.randomNormal([8, 128, 128, 3], 0, 1, 'float32', 2),
};
const dataPath = join(dir, 'inputs.safetensors');
await writeSafetensors(inputs, dataPath);
tf.dispose(Object.values(inputs));
const { tensors } = await readSafetensors(dataPath);
const act = tensors.get('act');
const image = tensors.get('image');

/** forward + backward of sum(f(x)) w.r.t. x and the module's parameters. */
function fwdBwd(module, x, fn = (t) => module.forward(t)) {
  const vars = module ? module.trainableParameters() : [];
  return () => {
    const { value, grads } = tf.variableGrads(() => tf.sum(fn(x)), vars);
    value.dataSync();
    tf.dispose([value, ...Object.values(grads)]);
  };
}

/** Gradient with respect to the input only (layers without parameters). */
function inputGrad(fn, x) {
  const g = tf.grad((t) => tf.sum(fn(t)));
  return () => {
    const d = g(x);
    d.dataSync();
    d.dispose();
  };
}

const cases = [];
const add = (name, module, run) => {
  cases.push({ name, ms: median(run) });
  module?.dispose();
};

let m = new Conv2d(32, 32, 3, { padding: 1 });
add('Conv2d 32→32 3×3', m, fwdBwd(m, act));
m = new Conv2d(32, 32, 3, { padding: 2, dilation: 2 });
add('Conv2d 32→32 3×3 dilation 2', m, fwdBwd(m, act));
m = new BatchNorm2d(32);
add('BatchNorm2d (train)', m, fwdBwd(m, act));
m = new MaxPool2d(3, { stride: 2, ceilMode: true });
add('MaxPool2d(3, 2, ceil_mode)', m, inputGrad((t) => m.forward(t), act));
m = new MaxPool2d(2, { stride: 2 });
add('MaxPool2d(2, 2)', m, inputGrad((t) => m.forward(t), act));
m = new AdaptiveAvgPool2d(6);
add('AdaptiveAvgPool2d(6) from 64×64', m, inputGrad((t) => m.forward(t), act));
add('interpolate bilinear ×2 (align_corners=False)', undefined, inputGrad((t) => interpolate(t, { scaleFactor: 2, mode: 'bilinear', alignCorners: false }), act));
m = new L2Norm(32, 20);
add('L2Norm(32)', m, fwdBwd(m, act));

// The SSD7 base net of the seed as @det/nn modules, one training step (forward + backward), batch 8, 128×128.
const channels = [3, 32, 48, 64, 64, 48, 48, 32];
const layers = [];
for (let i = 0; i < 7; i++) {
  layers.push(new Conv2d(channels[i], channels[i + 1], 3, { padding: 1 }), new BatchNorm2d(channels[i + 1]), new ReLU(true));
  if (i < 6) layers.push(new MaxPool2d(2, { stride: 2 }));
}
const ssd7 = new Sequential(...layers);
const before = tf.memory().numTensors;
add('SSD7 base net training step, 8×128×128', undefined, fwdBwd(ssd7, image, (t) => tf.mean(tf.square(ssd7.forward(t)))));
const leaked = tf.memory().numTensors - before;
ssd7.eval();
add('SSD7 base net inference, 8×128×128', undefined, () => tf.tidy(() => ssd7.forward(image).dataSync()));
ssd7.dispose();
tf.dispose([act, image]);

// safetensors I/O of a 32 MiB state dict (8 Mi float32).
const big = { 'features.0.weight': tf.randomNormal([2048, 4096], 0, 1, 'float32', 3) };
const bigPath = join(dir, 'big.safetensors');
const writeMs = await medianAsync(() => writeSafetensors(big, bigPath));
const readMs = await medianAsync(async () => tf.dispose([...(await readSafetensors(bigPath)).tensors.values()]));
tf.dispose(Object.values(big));

const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [dataPath, bigPath, String(reps)]);
rmSync(dir, { recursive: true, force: true });
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);
const date = new Date().toISOString().slice(0, 10);
console.log(`\n@det/nn on tfjs wasm vs PyTorch ${peer.torch ?? ''} CPU (${machine()}; ${date}); forward + backward unless noted; tensors leaked per training step: ${leaked}\n`);
printTable(
  ['op (batch 8, 64×64×32 unless noted)', '@det/nn wasm (ms)', 'PyTorch 1 thread (ms)', 'ratio', `PyTorch ${peer.threads ?? '?'} threads (ms)`, 'ratio'],
  cases.map((c) => {
    const p = peer.ops?.[c.name];
    return [c.name, ms(c.ms), ms(p?.t1), ratio(c.ms, p?.t1), ms(p?.tn), ratio(c.ms, p?.tn)];
  }),
);
console.log('');
printTable(
  ['safetensors, 32 MiB F32', '@det/nn (ms)', 'Python struct + numpy + torch (ms)', 'ratio'],
  [
    ['write (encode + atomic write + fsync)', ms(writeMs), ms(peer.write), ratio(writeMs, peer.write)],
    ['read (read + decode to tensors)', ms(readMs), ms(peer.read), ratio(readMs, peer.read)],
  ],
);
