// Benchmarks of @det/ssd on tfjs wasm against PyTorch CPU (bench/peer.py), measured in the same run:
// (1) SSD300-VGG16 forward latency, batch 1 (raw head(backbone(x)), no post-processing) vs torchvision ssd300_vgg16,
//     with @det/tfjs's Winograd convolutions (the default) and with XNNPACK's direct ones (DET_WINOGRAD=0);
// (2) one SSD7 training step (forward + MultiBox loss with hard negative mining + backward), batch 8, 300×300
//     (and 128×128), vs the same network and loss in PyTorch. Both with 1 thread. Run `pnpm build` first.
//
//   node bench/run.mjs [reps=5] [forward|train]   (default: every case)
//
// Each engine runs in its own child process so its peak RSS is its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ms, printTable, rng, runEngine, runPeer } from '../../../scripts/bench/harness.mjs';

const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];

async function engine(kind, size, reps, inputFile) {
  const { initBackend, tf } = await import('@det/tfjs');
  const { ssd300Vgg16, ssd7 } = await import('@det/ssd');
  await initBackend('wasm');
  const data = readFileSync(inputFile);
  const batch = kind === 'forward' ? 1 : 8;
  const x = tf.tensor4d(new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4), [batch, size, size, 3]);
  let step;
  let model;
  if (kind === 'forward') {
    model = ssd300Vgg16({ numClasses: 21 }).eval();
    step = () => {
      const { loc, conf } = model.forward(x);
      conf.dataSync();
      tf.dispose([loc, conf]);
    };
  } else {
    model = ssd7({ numClasses: 21, imageSize: size });
    const random = rng(7);
    // 3 objects per image, random classes and boxes (normalised xyxy).
    const truths = Array.from({ length: batch }, () => {
      const boxes = [];
      const labels = [];
      for (let k = 0; k < 3; k++) {
        const x0 = random() * 0.6;
        const y0 = random() * 0.6;
        boxes.push(x0, y0, x0 + 0.1 + random() * 0.3, y0 + 0.1 + random() * 0.3);
        labels.push(Math.floor(random() * 20));
      }
      return { boxes, labels };
    });
    const params = model.trainableParameters();
    step = () => {
      const { value, grads } = tf.variableGrads(() => model.computeLoss(x, truths).loss, params);
      value.dataSync();
      tf.dispose([value, ...Object.values(grads)]);
    };
  }
  step();
  const before = tf.memory().numTensors;
  const wall = [];
  const cpu = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    step();
    wall.push(Number(process.hrtime.bigint() - t0) / 1e6);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e3);
  }
  return {
    wall: median(wall),
    cpu: median(cpu),
    leaked: tf.memory().numTensors - before,
    heapMiB: tf.backend().wasm.HEAPU8.byteLength / 2 ** 20,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const argv = process.argv.slice(2);
if (argv[0] === '--engine') {
  const [, kind, size, reps, file] = argv;
  console.log(JSON.stringify(await engine(kind, Number(size), Number(reps), file)));
  process.exit(0);
}

const reps = Number(argv[0] ?? 5);
const only = argv[1];
const dir = mkdtempSync(join(tmpdir(), 'det-ssd-bench-'));
const self = fileURLToPath(import.meta.url);
const peerScript = fileURLToPath(new URL('./peer.py', import.meta.url));
const child = (kind, size, file, env) => runEngine(self, [kind, size, reps, file], undefined, env);
const input = (n, size) => {
  const random = rng(size * 31 + n);
  const a = new Float32Array(n * size * size * 3);
  for (let i = 0; i < a.length; i++) a[i] = random() * 2 - 1;
  const file = join(dir, `input-${n}-${size}.f32`);
  writeFileSync(file, a);
  return file;
};

console.log(`@det/ssd on tfjs wasm (1 thread) vs PyTorch CPU (1 thread), ${machine()}; ${new Date().toISOString().slice(0, 10)}\n`);
const rows = [];
const cases = [
  ['SSD300-VGG16 forward, batch 1, 300×300', 'forward', 300, 1],
  ['SSD300-VGG16 forward, batch 1, 300×300, direct convolutions (DET_WINOGRAD=0)', 'forward', 300, 1, { DET_WINOGRAD: '0' }],
  ['SSD7 training step, batch 8, 300×300', 'train', 300, 8],
  ['SSD7 training step, batch 8, 128×128', 'train', 128, 8],
].filter(([, kind]) => only === undefined || kind === only);
for (const [name, kind, size, n, env] of cases) {
  const file = input(n, size);
  const ours = child(kind, size, file, env);
  const peer = runPeer(peerScript, kind === 'forward' ? ['forward', String(reps), file] : ['train', String(size), String(reps), file]);
  if (ours.error) console.log(`${name}: wasm failed: ${ours.error}`);
  if (!peer.ok) console.log(`${name}: PyTorch peer not run: ${peer.reason}`);
  rows.push([
    name,
    ms(ours.wall),
    peer.ok ? ms(peer.wall) : 'not run',
    peer.ok && ours.wall ? `${(ours.wall / peer.wall).toFixed(2)}×` : 'n/a',
    ours.heapMiB?.toFixed(0) ?? '—',
    ours.rssMiB?.toFixed(0) ?? '—',
    peer.ok ? peer.rss_mib.toFixed(0) : '—',
    String(ours.leaked ?? '?'),
  ]);
}
printTable(['case', 'tfjs wasm (ms)', 'PyTorch (ms)', 'ratio', 'wasm heap (MiB)', 'wasm peak RSS (MiB)', 'PyTorch peak RSS (MiB)', 'tensors leaked/step'], rows);
rmSync(dir, { recursive: true, force: true });
