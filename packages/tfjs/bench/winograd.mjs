// Benchmark: 3×3 stride-1 convolutions (padding 1, batch 1) on tfjs wasm — XNNPACK's direct kernel
// (setWinogradConv2d(false)) against @det/tfjs's Winograd path (F(4×4, 3×3), or F(2×2, 3×3) on maps where 4×4
// tiles would waste too many outputs: see winogradTile) — and torch.nn.functional.conv2d on the CPU with 1 thread (bench/conv3x3_peer.py), in the same run, for
// the layer shapes of VGG16 (SSD300), ResNet/FPN and the SSD300 heads. Median wall ms of `reps` calls after a
// warm-up (the warm-up also builds the cached filter transform, as the first forward of a model does).
// Run `pnpm build` first.
//
//   node bench/winograd.mjs [reps=5]
import { fileURLToPath } from 'node:url';
import { machine, printTable, runPeer } from '../../../scripts/bench/harness.mjs';

const reps = Number(process.argv[2] ?? 5);
// [output size, in channels, out channels, where]
const SHAPES = [
  [300, 64, 64, 'VGG16 conv1_2'],
  [150, 128, 128, 'VGG16 conv2_2'],
  [75, 256, 256, 'VGG16 conv3_2'],
  [38, 512, 512, 'VGG16 conv4_2'],
  [19, 512, 512, 'VGG16 conv5_2'],
  [200, 256, 256, 'FPN P2 (800 px)'],
  [56, 64, 64, 'ResNet layer1 (224 px)'],
  [14, 256, 256, 'ResNet-50 layer3 (224 px)'],
  [10, 512, 512, '10×10 map (F(2×2) tiles)'],
  [38, 512, 84, 'SSD300 class head, 38×38'],
  [10, 512, 126, 'SSD300 class head, 10×10'],
];

const { initBackend, setWinogradConv2d, tf, winogradTile } = await import('@det/tfjs');
await initBackend('wasm');
const median = (v) => [...v].sort((a, b) => a - b)[v.length >> 1];
const time = (fn) => {
  tf.dispose(fn());
  const t = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    const y = fn();
    t.push(performance.now() - t0);
    tf.dispose(y);
  }
  return median(t);
};

const ours = SHAPES.map(([size, cin, cout]) => {
  const x = tf.randomNormal([1, size, size, cin], 0, 1, 'float32', 1);
  const w = tf.randomNormal([3, 3, cin, cout], 0, 0.05, 'float32', 2);
  setWinogradConv2d(false);
  const direct = time(() => tf.conv2d(x, w, 1, 'same'));
  setWinogradConv2d(true);
  const winograd = time(() => tf.conv2d(x, w, 1, 'same'));
  const info = tf.backend_util.computeConv2DInfo(x.shape, w.shape, 1, 1, 'same');
  tf.dispose([x, w]);
  return { direct, winograd, tile: winogradTile(info) };
});
const peer = runPeer(fileURLToPath(new URL('./conv3x3_peer.py', import.meta.url)), [String(reps), JSON.stringify(SHAPES.map((s) => s.slice(0, 3)))]);
if (!peer.ok) console.log(`PyTorch peer not run: ${peer.reason}\n`);

console.log(`3×3 convolutions, batch 1, padding 1: tfjs wasm (1 thread) vs PyTorch CPU (1 thread), ${machine()}; ${new Date().toISOString().slice(0, 10)}\n`);
printTable(
  ['layer', 'shape (out, in→out ch)', 'wasm direct (ms)', 'wasm Winograd (ms)', 'tile', 'speed-up', 'PyTorch (ms)', 'direct / PyTorch', 'Winograd / PyTorch'],
  SHAPES.map(([size, cin, cout, where], i) => {
    const { direct, winograd, tile } = ours[i];
    const torch = peer.ok ? peer.ms[i] : undefined;
    return [
      where,
      `${size}², ${cin}→${cout}`,
      direct.toFixed(1),
      winograd.toFixed(1),
      `F(${tile}×${tile})`,
      `${(direct / winograd).toFixed(2)}×`,
      torch?.toFixed(1) ?? 'not run',
      torch ? `${(direct / torch).toFixed(2)}×` : 'n/a',
      torch ? `${(winograd / torch).toFixed(2)}×` : 'n/a',
    ];
  }),
);
