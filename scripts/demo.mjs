// `pnpm demo`: the main job, on the built packages (via the det CLI, as a user would run it):
// (1) the default-box inspector on the SSD presets; (2) a synthetic shapes dataset written in VOC layout;
// (3) SSD7 trained on it from scratch on the best backend available (wasm here), with validation, checkpoints and
// training curves; (4) VOC07 mAP on the held-out split with PR curves; (5) predictions drawn on test images.
// Output goes to out/. DEMO_STEPS / DEMO_IMAGES / DEMO_SIZE / DEMO_BATCH override the defaults (for quick tries).
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../packages/cli/dist/index.js';
import { generateShapesDataset } from '../packages/voc/dist/index.js';

const out = 'out';
const env = (name, fallback) => String(process.env[name] === undefined ? fallback : Number(process.env[name]));
const steps = env('DEMO_STEPS', 600);
const images = Number(env('DEMO_IMAGES', 600));
const size = env('DEMO_SIZE', 128);
const batch = env('DEMO_BATCH', 16);
const started = Date.now();
mkdirSync(out, { recursive: true });
const run = async (args) => {
  console.log(`\n$ det ${args.join(' ')}`);
  const code = await main(args);
  if (code !== 0) {
    process.exitCode = code;
    throw new Error(`det ${args[0]} exited with ${code}`);
  }
};

for (const preset of ['SSD300_VOC', 'SSD7']) await run(['anchors', '--preset', preset, '--out', join(out, `anchors-${preset}.png`)]);

const classes = ['circle', 'square', 'triangle'];
const root = join(out, 'shapes');
rmSync(root, { recursive: true, force: true });
const summary = await generateShapesDataset(root, { images, size: Number(size), seed: 3, classes, sets: { train: 0.8, val: 0.2 } });
console.log(`\nsynthetic shapes: ${summary.ids.train.length} training and ${summary.ids.val.length} validation images (${size}×${size}, VOC layout) in ${root}`);

const runDir = join(out, 'ssd7');
rmSync(runDir, { recursive: true, force: true });
await run([
  'train', '--model', 'ssd7', '--data', root, '--classes', classes.join(','), '--size', size, '--steps', steps, '--batch', batch,
  '--lr', '0.01', '--augment', 'light', '--val-every', String(Math.ceil(Number(steps) / 3)), '--checkpoint-every', '200', '--out', runDir,
]);
await run(['eval', '--model', join(runDir, 'model'), '--data', root, '--set', 'val', '--metric', 'voc07', '--plot', join(out, 'pr-curves.png')]);
const predictions = join(out, 'predictions');
mkdirSync(predictions, { recursive: true });
await run(['predict', '--model', join(runDir, 'model'), ...summary.ids.val.slice(0, 4).flatMap((id) => ['--image', join(root, 'JPEGImages', `${id}.jpg`)]), '--out-dir', predictions]);
console.log(`\nwrote ${runDir}/loss.png, ${runDir}/validation.png, ${out}/pr-curves.png and ${predictions}/*.png`);
console.log(`demo finished in ${((Date.now() - started) / 60000).toFixed(1)} min`);
