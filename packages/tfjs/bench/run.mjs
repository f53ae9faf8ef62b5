// Benchmark: one training step (forward + backward: gradients of all 28 variables) of the SSD7 base net —
// 7 conv3×3-BN-ReLU blocks, 32-48-64-64-48-48-32 channels, 2×2 max-pools between, loss = mean(out²) —
// batch 8, on tfjs wasm and cpu with @det/tfjs's fills, against the same net in PyTorch on the CPU
// (bench/peer.py, same input batch read from a temp file), in the same run. Run `pnpm build` first.
//
//   node bench/run.mjs [sizes=128,300] [reps=5]
//
// Each engine runs in its own child process (`--engine wasm|cpu`), so its peak RSS is its own.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine, ms, printTable, rng, runEngine, runPeer } from '../../../scripts/bench/harness.mjs';

const CHANNELS = [3, 32, 48, 64, 64, 48, 48, 32];
const BATCH = 8;

async function engine(backend, size, reps, inputFile) {
  const { batchNormTrain, initBackend, tf } = await import('@det/tfjs');
  await initBackend(backend);
  const net = CHANNELS.slice(1).map((cout, i) => ({
    w: tf.variable(tf.randomNormal([3, 3, CHANNELS[i], cout], 0, Math.sqrt(2 / (9 * CHANNELS[i])), 'float32', i)),
    b: tf.variable(tf.zeros([cout])),
    gamma: tf.variable(tf.ones([cout])),
    beta: tf.variable(tf.zeros([cout])),
  }));
  const vars = net.flatMap((l) => [l.w, l.b, l.gamma, l.beta]);
  const forward = (x) => {
    let h = x;
    net.forEach((l, i) => {
      h = tf.relu(batchNormTrain(tf.add(tf.conv2d(h, l.w, 1, 'same'), l.b), l.gamma, l.beta).y);
      if (i < net.length - 1) h = tf.maxPool(h, 2, 2, 'valid');
    });
    return tf.mean(tf.square(h));
  };
  const data = readFileSync(inputFile);
  const x = tf.tensor4d(new Float32Array(data.buffer, data.byteOffset, data.byteLength / 4), [BATCH, size, size, 3]);
  const step = () => {
    const { value, grads } = tf.variableGrads(() => forward(x), vars);
    value.dataSync(); // a scalar: reading large wasm tensors back is slow, a training loop reads losses only
    tf.dispose([value, ...Object.values(grads)]);
  };
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
  const leaked = tf.memory().numTensors - before;
  const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
  return {
    wall: median(wall),
    cpu: median(cpu),
    leaked,
    // The wasm heap only grows: its size is the peak of tensor memory (tf.memory() counts shared buffers twice).
    heapMiB: backend === 'wasm' ? tf.backend().wasm.HEAPU8.byteLength / 2 ** 20 : undefined,
    rssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

const argv = process.argv.slice(2);
if (argv[0] === '--engine') {
  const [, backend, size, reps, inputFile] = argv;
  console.log(JSON.stringify(await engine(backend, Number(size), Number(reps), inputFile)));
  process.exit(0);
}

const sizes = (argv[0] ?? '128,300').split(',').map(Number);
const reps = Number(argv[1] ?? 5);
const dir = mkdtempSync(join(tmpdir(), 'det-tfjs-bench-'));
const self = fileURLToPath(import.meta.url);
const child = (backend, size, file) => runEngine(self, [backend, size, backend === 'cpu' ? Math.min(reps, 3) : reps, file]);
console.log(`SSD7 base net training step, batch ${BATCH} (${machine()}; ${new Date().toISOString().slice(0, 10)})\n`);
for (const size of sizes) {
  const random = rng(size);
  const input = new Float32Array(BATCH * size * size * 3);
  for (let i = 0; i < input.length; i++) input[i] = random() * 2 - 1;
  const file = join(dir, `input-${size}.f32`);
  writeFileSync(file, input);
  const wasm = child('wasm', size, file);
  // tfjs cpu takes ~15 s a step at 128×128; skipped at larger sizes unless asked for (DET_BENCH_CPU=1).
  const cpu = size <= 128 || process.env.DET_BENCH_CPU === '1' ? child('cpu', size, file) : undefined;
  const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [String(size), String(reps), file]);
  if (!peer.ok) console.log(`PyTorch peer not run: ${peer.reason}`);
  for (const [name, r] of [
    ['wasm', wasm],
    ['cpu', cpu],
  ]) {
    if (r?.error) console.log(`${name} failed: ${r.error}`);
  }
  const vs = (t) => (peer.ok && t !== undefined ? `${(t / peer.step_1t).toFixed(2)}×` : 'n/a');
  console.log(`\n${size}×${size}: tensors leaked per step: wasm ${wasm.leaked ?? '?'}, cpu ${cpu?.leaked ?? 'not run'}\n`);
  printTable(
    ['engine', 'step (ms)', 'CPU time (ms)', 'vs PyTorch 1 thread', 'wasm heap (MiB)', 'process peak RSS (MiB)'],
    [
      ['tfjs wasm + @det/tfjs fills', ms(wasm.wall), ms(wasm.cpu), vs(wasm.wall), wasm.heapMiB?.toFixed(0) ?? '—', wasm.rssMiB?.toFixed(0) ?? '—'],
      cpu
        ? ['tfjs cpu + @det/tfjs fills', ms(cpu.wall), ms(cpu.cpu), vs(cpu.wall), '—', cpu.rssMiB?.toFixed(0) ?? '—']
        : ['tfjs cpu + @det/tfjs fills', 'not run', '', '', '', ''],
      ['PyTorch CPU, 1 thread', ms(peer.step_1t), ms(peer.cpu_1t), '1.00×', '—', peer.rss_mib?.toFixed(0) ?? '—'],
      [`PyTorch CPU, ${peer.threads ?? '?'} threads (default)`, ms(peer.step), ms(peer.cpu), vs(peer.step), '—', '—'],
    ],
  );
  if (cpu?.wall && wasm.wall) console.log(`\nwasm is ${(cpu.wall / wasm.wall).toFixed(1)}× faster than tfjs cpu at ${size}×${size}.`);
}
rmSync(dir, { recursive: true, force: true });
