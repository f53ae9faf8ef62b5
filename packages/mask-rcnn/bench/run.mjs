// Mask R-CNN inference at 512×512: @det/mask-rcnn's maskrcnnResnet50Fpn on tfjs wasm vs torchvision 0.14's
// maskrcnn_resnet50_fpn on PyTorch CPU (bench/peer.py), 1 thread each, the same random weights (written by the peer,
// loaded here by key) and the same image, min_size = max_size = 512 (no resize), default top-n (1000 proposals) and
// 100 detections; wall time of the whole eval forward (transform, backbone, RPN, RoI heads, mask pasting) and peak memory.
// Run `pnpm build` first.   node bench/run.mjs [reps=2] [size=512]
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ms, printTable, rng, runEngine, runPeer } from '../../../scripts/bench/harness.mjs';

async function engine(reps, weights, file, size) {
  const { initBackend, tf } = await import('@det/tfjs');
  const { readSafetensors } = await import('@det/nn');
  const { maskrcnnResnet50Fpn } = await import('@det/mask-rcnn');
  await initBackend('wasm');
  const model = maskrcnnResnet50Fpn({ numClasses: 91, pretrained: false, minSize: size, maxSize: size }).eval();
  const { tensors } = await readSafetensors(weights);
  model.loadStateDict(tensors, { source: 'torchvision' });
  for (const t of tensors.values()) t.dispose();
  const bytes = readFileSync(file);
  const image = { width: size, height: size, data: new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4) };
  let out = model.forward([image]); // warm-up
  const before = tf.memory().numTensors;
  const wall = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    out = model.forward([image]);
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  wall.sort((a, b) => a - b);
  return {
    wall: wall[wall.length >> 1],
    detections: out[0].scores.length,
    leaked: tf.memory().numTensors - before,
    heapMiB: tf.backend().wasm.HEAPU8.byteLength / 2 ** 20,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const argv = process.argv.slice(2);
if (argv[0] === '--engine') {
  console.log(JSON.stringify(await engine(Number(argv[1]), argv[2], argv[3], Number(argv[4]))));
  process.exit(0);
}
const reps = Number(argv[0] ?? 2);
const size = Number(argv[1] ?? 512);
const dir = mkdtempSync(join(tmpdir(), 'det-maskrcnn-bench-'));
const self = fileURLToPath(import.meta.url);
const peer = fileURLToPath(new URL('./peer.py', import.meta.url));
console.log(`Mask R-CNN ResNet-50-FPN inference, ${size}×${size}, tfjs wasm vs PyTorch CPU, 1 thread each; ${machine()}; ${new Date().toISOString().slice(0, 10)}\n`);
const weights = join(dir, 'maskrcnn.safetensors');
const written = runPeer(peer, ['weights', weights, String(size)]);
if (!written.ok) {
  console.log(`not run: the weights come from torchvision (${written.reason})`);
  process.exit(0);
}
const random = rng(5);
const file = join(dir, 'image.f32');
writeFileSync(file, Float32Array.from({ length: size * size * 3 }, () => random()));
const ours = runEngine(self, [reps, weights, file, size], (stderr, status) => stderr.trim().split('\n').slice(-3).join(' ') || `exit ${status}`);
if (ours.error) console.log(`wasm failed: ${ours.error}`);
const theirs = runPeer(peer, ['forward', String(reps), file, String(size)]);
if (!theirs.ok) console.log(`PyTorch peer not run: ${theirs.reason}`);
printTable(
  ['case', 'tfjs wasm (ms)', 'PyTorch (ms)', 'ratio', 'detections (ours / torchvision)', 'wasm heap (MiB)', 'wasm peak RSS (MiB)', 'PyTorch peak RSS (MiB)', 'tensors leaked/forward'],
  [
    [
      `eval forward, 1 image ${size}×${size}`,
      ms(ours.wall),
      theirs.ok ? ms(theirs.wall) : 'not run',
      theirs.ok && ours.wall ? `${(ours.wall / theirs.wall).toFixed(2)}×` : 'n/a',
      `${ours.detections ?? '—'} / ${theirs.detections ?? '—'}`,
      ours.heapMiB?.toFixed(0) ?? '—',
      ours.rssMiB?.toFixed(0) ?? '—',
      theirs.ok ? theirs.rss_mib.toFixed(0) : '—',
      String(ours.leaked ?? '?'),
    ],
  ],
);
rmSync(dir, { recursive: true, force: true });
