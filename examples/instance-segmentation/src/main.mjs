// Trains a small Mask R-CNN (ResNet-18-FPN, 256×256) from scratch on synthetic shapes with instance masks (VOC layout),
// prints COCO mask and box AP on the held-out split every `evalEvery` steps and at the end, and writes the model's
// detections on a few validation images (translucent masks, boxes, class names) as PNGs.
//   pnpm build && pnpm --filter @det-examples/instance-segmentation start [steps=180] [out=out/instance-segmentation] [lr=0.02] [batch=4]
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tf, initBackend } from '@det/tfjs';
import { cocoMetric } from '@det/metrics';
import { generateShapesDataset } from '@det/voc';
import { detectionsAbove } from '@det/cli';
import { saveMaskRcnn } from '@det/mask-rcnn';
import { buildModel, drawInstances, loadInstances, modelConfig, scoreMaskRcnn, trainMaskRcnn } from './pipeline.mjs';

const steps = Number(process.argv[2] ?? 180);
const out = process.argv[3] ?? join('out', 'instance-segmentation');
const lr = Number(process.argv[4] ?? 0.02);
const batchSize = Number(process.argv[5] ?? 4);
const evalEvery = Number(process.env.EVAL_EVERY ?? 60);
const classes = ['circle', 'square', 'triangle'];
const size = 256;
const started = Date.now();
const minutes = () => ((Date.now() - started) / 60000).toFixed(1);
const report = (r) => `mask AP@0.5 ${r.segm.stats[1].toFixed(4)}, mask AP ${r.segm.stats[0].toFixed(4)}, box AP@0.5 ${r.bbox.stats[1].toFixed(4)}, box AP ${r.bbox.stats[0].toFixed(4)}`;

const backend = await initBackend();
const root = join(out, 'shapes');
rmSync(root, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await generateShapesDataset(root, { images: 400, size, seed: 5, classes, sets: { train: 0.8, val: 0.2 } });
const trainSet = await loadInstances(root, { set: 'train', classNames: classes });
const valSet = await loadInstances(root, { set: 'val', classNames: classes });
const model = buildModel(classes, size);
console.log(`Mask R-CNN (ResNet-18-FPN): ${trainSet.length} training / ${valSet.length} validation images, ${size}×${size}, batch ${batchSize}, ${backend} backend`);
const tensorsBefore = tf.memory().numTensors;
await trainMaskRcnn(model, trainSet, {
  batchSize,
  steps,
  lr,
  progress: Boolean(process.stderr.isTTY),
  onStep: process.stderr.isTTY ? undefined : (s) => s.step % 20 === 0 && console.log(`step ${s.step}/${s.maxSteps}  loss ${s.loss.toFixed(3)}  (${minutes()} min)`),
  validate: {
    every: evalEvery,
    run: (step) => {
      if (step === steps) return {};
      const r = scoreMaskRcnn(model, valSet, { classNames: classes });
      console.log(`step ${step}: ${report(r)} (${minutes()} min)`);
      return { maskAP50: r.segm.stats[1], boxAP50: r.bbox.stats[1] };
    },
  },
});
await saveMaskRcnn(join(out, 'model'), model, modelConfig(classes, size)); // for det predict / det eval --model
const scores = scoreMaskRcnn(model, valSet, { classNames: classes, keep: 6 });
for (const d of scores.detections) {
  const sample = valSet.find((s) => s.id === d.id);
  // Drawn: the detections scoring above 0.5 (all of them count for AP).
  writeFileSync(join(out, `${d.id}-prediction.png`), await drawInstances(sample.image, detectionsAbove(d, 0.5), ['background', ...classes]));
}
const perClass = classes.map((name, k) => `${name} ${(cocoMetric(scores.segm, { ap: true, iouThreshold: 0.5, categories: [k] }) ?? -1).toFixed(3)}`).join(', ');
console.log(`after ${steps} steps: ${report(scores)}`);
console.log(`mask AP@0.5 per class: ${perClass}`);
console.log(`tensors: ${tensorsBefore} before training, ${tf.memory().numTensors} after training and evaluation`);
console.log(`finished in ${minutes()} min; drawn predictions and the model folder (model/) in ${out}`);
model.dispose();
