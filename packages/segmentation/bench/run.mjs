// PSPNet-ResNet50 (output stride 8) on tfjs wasm vs the same network in PyTorch CPU (bench/peer.py), 1 thread each,
// same inputs, same run: forward at 224×224 (batch 1, eval) and one training step (batch 2: forward, cross entropy
// + 0.4 × aux, backward), then peak memory of a training step per batch size (1, 2, 4; one step each).
// Run `pnpm build` first.   node bench/run.mjs [reps=3]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ms, printTable, rng, runEngine, runPeer } from '../../../scripts/bench/harness.mjs';

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function engine(kind, reps, file, batch) {
  const { initBackend, tf } = await import('@det/tfjs');
  const { pspnet, pixelCrossEntropy, PSPNET_AUX_WEIGHT } = await import('@det/segmentation');
  await initBackend('wasm');
  const data = readFileSync(file);
  const x = tf.tensor4d(new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4), [batch, 224, 224, 3]);
  const model = pspnet({ numClasses: 21 });
  let step;
  if (kind === 'forward') {
    model.eval();
    step = () => {
      const { out } = model.forward(x);
      tf.tidy(() => tf.sum(out).dataSync());
      out.dispose();
    };
  } else {
    const random = rng(3);
    const labels = Int32Array.from({ length: batch * 224 * 224 }, () => Math.floor(random() * 21));
    const params = model.trainableParameters();
    step = () => {
      const { value, grads } = tf.variableGrads(() => {
        const { out, aux } = model.forward(x);
        return tf.add(pixelCrossEntropy(out, labels), tf.mul(pixelCrossEntropy(aux, labels), PSPNET_AUX_WEIGHT));
      }, params);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
  }
  step();
  const before = tf.memory().numTensors;
  const wall = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    step();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { wall: median(wall), leaked: tf.memory().numTensors - before, heapMiB: tf.backend().wasm.HEAPU8.byteLength / 2 ** 20, rssMiB: process.resourceUsage().maxRSS / 1024 };
}

const argv = process.argv.slice(2);
if (argv[0] === '--engine') {
  console.log(JSON.stringify(await engine(argv[1], Number(argv[2]), argv[3], Number(argv[4]))));
  process.exit(0);
}
const reps = Number(argv[0] ?? 3);
const dir = mkdtempSync(join(tmpdir(), 'det-seg-bench-'));
const self = fileURLToPath(import.meta.url);
const peer = fileURLToPath(new URL('./peer.py', import.meta.url));
console.log(`PSPNet-ResNet50 (output stride 8) on tfjs wasm vs PyTorch CPU, 1 thread each; ${machine()}; ${new Date().toISOString().slice(0, 10)}\n`);
function measure(kind, batch, repeats) {
  const random = rng(batch);
  const file = join(dir, `${kind}-${batch}.f32`);
  writeFileSync(file, Float32Array.from({ length: batch * 224 * 224 * 3 }, () => random() * 2 - 1));
  const ours = runEngine(self, [kind, repeats, file, batch], (stderr, status) => stderr.split('\n').filter((l) => /Error|memory/i.test(l)).slice(0, 2).join(' ') || `exit ${status}`);
  if (ours.error) console.log(`${kind} batch ${batch}: wasm failed: ${ours.error}`);
  const theirs = runPeer(peer, [kind, String(repeats), file, String(batch)]);
  if (!theirs.ok) console.log(`${kind} batch ${batch}: PyTorch peer not run: ${theirs.reason}`);
  return { ours, theirs };
}

const rows = [];
for (const [name, kind, batch] of [
  ['forward, batch 1, 224×224', 'forward', 1],
  ['training step, batch 2, 224×224', 'train', 2],
]) {
  const { ours, theirs } = measure(kind, batch, reps);
  rows.push([
    name,
    ms(ours.wall),
    theirs.ok ? ms(theirs.wall) : 'not run',
    theirs.ok && ours.wall ? `${(ours.wall / theirs.wall).toFixed(2)}×` : 'n/a',
    ours.heapMiB?.toFixed(0) ?? '—',
    ours.rssMiB?.toFixed(0) ?? '—',
    theirs.ok ? theirs.rss_mib.toFixed(0) : '—',
    String(ours.leaked ?? '?'),
  ]);
}
printTable(['case', 'tfjs wasm (ms)', 'PyTorch (ms)', 'ratio', 'wasm heap (MiB)', 'wasm peak RSS (MiB)', 'PyTorch peak RSS (MiB)', 'tensors leaked/step'], rows);

console.log('\nPeak memory of one training step (224×224) per batch size:\n');
const memory = [];
for (const batch of [1, 2, 4]) {
  const { ours, theirs } = measure('train', batch, 1);
  memory.push([String(batch), ms(ours.wall), ours.heapMiB?.toFixed(0) ?? '—', ours.rssMiB?.toFixed(0) ?? '—', theirs.ok ? ms(theirs.wall) : 'not run', theirs.ok ? theirs.rss_mib.toFixed(0) : '—']);
}
printTable(['batch', 'tfjs wasm step (ms)', 'wasm heap (MiB)', 'wasm peak RSS (MiB)', 'PyTorch step (ms)', 'PyTorch peak RSS (MiB)'], memory);
rmSync(dir, { recursive: true, force: true });
