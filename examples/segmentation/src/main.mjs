// Trains PSPNet (dilated ResNet-18) or FCN-8s (VGG16-BN) from scratch on synthetic shapes masks (64×64, VOC layout),
// prints mIoU on the held-out split every 100 steps and at the end, and writes the predicted class maps of a few
// validation images as VOC palette PNGs.
//   pnpm build && pnpm --filter @det-examples/segmentation start [pspnet|fcn8s] [steps: 300 for pspnet, 250 for fcn8s] [out] [lr=0.02]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@det/tfjs';
import { generateShapesDataset, loadVocSegmentation, writePaletteMask } from '@det/voc';
import { buildModel, scoreSegmenter, trainSegmenter } from './pipeline.mjs';

const arch = process.argv[2] ?? 'pspnet';
const steps = Number(process.argv[3] ?? (arch === 'fcn8s' ? 250 : 300));
const out = process.argv[4] ?? join('out', 'segmentation', arch);
const lr = Number(process.argv[5] ?? 0.02);
const classes = ['circle', 'square', 'triangle'];
const size = 64;
const started = Date.now();
const minutes = () => ((Date.now() - started) / 60000).toFixed(1);

const backend = await initBackend();
const root = join(out, 'shapes');
rmSync(root, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await generateShapesDataset(root, { images: 400, size, seed: 5, classes, sets: { train: 0.8, val: 0.2 } });
const trainSet = await loadVocSegmentation(root, { set: 'train', classNames: classes });
const valSet = await loadVocSegmentation(root, { set: 'val', classNames: classes });
const numClasses = classes.length + 1;
const model = buildModel(arch, numClasses);
console.log(`${arch}: ${trainSet.records.length} training / ${valSet.records.length} validation images, ${size}×${size}, ${backend} backend`);
await trainSegmenter(model, trainSet.records, {
  size,
  batchSize: 8,
  steps,
  lr,
  progress: Boolean(process.stderr.isTTY),
  onStep: process.stderr.isTTY ? undefined : (s) => s.step % 50 === 0 && console.log(`step ${s.step}/${s.maxSteps}  loss ${s.loss.toFixed(3)}  (${minutes()} min)`),
  validate: {
    every: 100,
    run: async (step) => {
      const { mIoU, pixelAccuracy } = await scoreSegmenter(model, valSet.records, { size, numClasses });
      console.log(`step ${step}: mIoU ${mIoU.toFixed(4)}, pixel accuracy ${pixelAccuracy.toFixed(4)} (${minutes()} min)`);
      return { mIoU, pixelAccuracy };
    },
  },
});
const scores = await scoreSegmenter(model, valSet.records, { size, numClasses, keep: 6 });
for (const p of scores.predictions) writeFileSync(join(out, `${p.id}-prediction.png`), writePaletteMask(p));
const perClass = scores.iou.map((v, c) => `${['background', ...classes][c]} ${v === null ? '—' : v.toFixed(3)}`).join(', ');
console.log(`${arch} after ${steps} steps: mIoU ${scores.mIoU.toFixed(4)} (${perClass}), pixel accuracy ${scores.pixelAccuracy.toFixed(4)}`);
console.log(`finished in ${minutes()} min; predicted masks in ${out}`);
model.dispose();
