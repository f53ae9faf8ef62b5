// Benchmark: roiAlign forward and forward + backward (gradient with respect to the features, given dy) at Mask R-CNN's
// box-head shape — K = 1000 boxes, 7×7 output, sampling ratio 2, spatial scale 1/4 (P2) on a [1, 200, 200, 256]
// feature map, boxes random over the 800×800 input — for the old tensor path (one GatherV2 row per bilinear tap,
// gradient by scatterND; still what non-host backends run) against the host loop roiAlign runs on wasm and cpu, and
// torchvision.ops.roi_align on the CPU with 1 thread (bench/roi_align_peer.py, same features, boxes and dy), in the
// same run. CPU time per call (process.cpuUsage / time.process_time), median of `reps` after one warm-up.
// Run `pnpm build` first (@det/tfjs from dist; the tensor path is bundled from src/roi-align.ts with esbuild).
//
//   node bench/roi-align.mjs [reps=5] [backends=wasm,cpu] [old path on=wasm]
//
// The old path takes seconds to a minute per call, so it runs once after a warm-up, and by default on wasm only.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, printTable, rng, runPeer } from '../../../scripts/bench/harness.mjs';

const reps = Number(process.argv[2] ?? 5);
const backends = (process.argv[3] ?? 'wasm,cpu').split(',');
const oldOn = (process.argv[4] ?? 'wasm').split(',');
const OLD_REPS = 1;
const [N, H, W, C] = [1, 200, 200, 256];
const K = 1000;
const OUT = [7, 7];
const OPTS = { spatialScale: 1 / 4, samplingRatio: 2, aligned: false };

// roiAlignTensor is internal (not exported by the package): bundle src/roi-align.ts against the same tfjs-core.
const here = fileURLToPath(new URL('.', import.meta.url));
// esbuild is tsup's (the repo's build tool), not a dependency of this package.
const require = createRequire(import.meta.url);
const { build } = require(createRequire(require.resolve('tsup')).resolve('esbuild'));
mkdirSync(join(here, '.tmp'), { recursive: true });
const bundled = join(here, '.tmp', 'roi-align.bundle.mjs');
await build({
  entryPoints: [join(here, '..', 'src', 'roi-align.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  external: ['@tensorflow/*', '@det/*'],
  outfile: bundled,
  logLevel: 'error',
});
const { roiAlignTensor } = await import(bundled);
const det = await import('@det/tfjs');
const { tf } = det;

// Inputs, shared with the peer through temp files.
const rand = rng(1);
const features = new Float32Array(N * H * W * C);
for (let i = 0; i < features.length; i++) features[i] = rand() * 2 - 1;
const boxes = new Float32Array(4 * K);
for (let i = 0; i < K; i++) {
  const w = 16 + rand() * 300;
  const h = 16 + rand() * 300;
  const x = rand() * (800 - w);
  const y = rand() * (800 - h);
  boxes.set([x, y, x + w, y + h], 4 * i);
}
const boxIndex = new Int32Array(K);
const dyData = new Float32Array(K * OUT[0] * OUT[1] * C);
for (let i = 0; i < dyData.length; i++) dyData[i] = rand() * 2 - 1;

function cpuMs(f, n) {
  f(); // warm-up
  const times = [];
  for (let i = 0; i < n; i++) {
    const c0 = process.cpuUsage();
    f();
    const c = process.cpuUsage(c0);
    times.push((c.user + c.system) / 1e3);
  }
  return times.sort((a, b) => a - b)[times.length >> 1];
}

const results = {};
const sums = {};
for (const backend of backends) {
  await det.initBackend(backend);
  const x = tf.tensor4d(features, [N, H, W, C]);
  const dy = tf.tensor4d(dyData, [K, ...OUT, C]);
  const paths = [
    ['tensor path (old)', roiAlignTensor],
    ['host loop (new)', det.roiAlign],
  ].filter(([name]) => !name.startsWith('tensor') || oldOn.includes(backend));
  for (const [name, align] of paths) {
    const before = tf.memory().numTensors;
    const forward = () => align(x, boxes, boxIndex, OUT, OPTS).dispose();
    const backward = () => tf.grad((f) => align(f, boxes, boxIndex, OUT, OPTS))(x, dy).dispose();
    const n = name.startsWith('tensor') ? OLD_REPS : reps;
    const fwd = cpuMs(forward, n);
    const both = cpuMs(backward, n);
    sums[`${backend} ${name}`] = tf.tidy(() => tf.sum(align(x, boxes, boxIndex, OUT, OPTS)).dataSync()[0]);
    if (tf.memory().numTensors !== before) throw new Error(`${backend} ${name}: ${tf.memory().numTensors - before} tensors leaked`);
    results[`tfjs ${backend}, ${name}`] = { fwd, both };
  }
  tf.dispose([x, dy]);
}

const dir = mkdtempSync(join(tmpdir(), 'roi-align-bench-'));
try {
  writeFileSync(join(dir, 'features.f32'), features);
  writeFileSync(join(dir, 'boxes.f32'), boxes);
  writeFileSync(join(dir, 'dy.f32'), dyData);
  const peer = runPeer(join(here, 'roi_align_peer.py'), [dir, String(reps), JSON.stringify([N, H, W, C, K, ...OUT, OPTS.spatialScale, OPTS.samplingRatio])]);
  if (peer.ok) {
    results['torchvision.ops.roi_align, CPU 1 thread'] = { fwd: peer.fwd, both: peer.both };
    sums.torchvision = peer.sum;
  } else console.log(`torchvision peer not run: ${peer.reason}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}

const peerRow = results['torchvision.ops.roi_align, CPU 1 thread'];
const fmt = (v) => (v < 100 ? v.toFixed(1) : v.toFixed(0));
const vs = (v, p) => (p === undefined ? 'n/a' : `${(v / p).toFixed(2)}×`);
console.log(
  `roiAlign, K=${K} boxes, ${OUT.join('×')}, sampling ${OPTS.samplingRatio}, scale 1/4, features [${N},${H},${W},${C}]; CPU ms per call, median of ${reps} (old path: ${OLD_REPS}) (${machine()}; ${new Date().toISOString().slice(0, 10)})\n`,
);
printTable(
  ['implementation', 'forward (ms)', 'forward + backward (ms)', 'forward vs torchvision', 'fwd+bwd vs torchvision'],
  Object.entries(results).map(([name, r]) => [name, fmt(r.fwd), fmt(r.both), vs(r.fwd, peerRow?.fwd), vs(r.both, peerRow?.both)]),
);
console.log(`\nsum of the pooled output (same inputs): ${Object.entries(sums).map(([k, v]) => `${k} ${v.toFixed(3)}`).join('; ')}`);
process.exit(0);
