// Trains the hand-assembled TinySsd on synthetic shapes (64×64) and prints its VOC07 mAP.
//   pnpm --filter @det-examples/custom-pipeline start [steps=400]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collateDetection, composeTransforms, DataLoader, detectionDataset, randomHorizontalFlip, toPercentCoords } from '@det/data';
import { evaluateVoc } from '@det/metrics';
import { initBackend, tf } from '@det/tfjs';
import { multiStepLr, train } from '@det/train';
import { generateShapesDataset, loadVocDataset } from '@det/voc';
import { TinySsd } from './pipeline.mjs';

const steps = Number(process.argv[2] ?? 400);
const classes = ['circle', 'square', 'triangle'];
const root = mkdtempSync(join(tmpdir(), 'det-custom-'));
try {
  await initBackend();
  await generateShapesDataset(root, { images: 400, size: 64, seed: 5, classes, objectsPerImage: [1, 2] });
  const trainSet = await loadVocDataset(root, { set: 'train', classNames: classes });
  const valSet = await loadVocDataset(root, { set: 'val', classNames: classes });
  const loader = new DataLoader(detectionDataset(trainSet.records, { transform: composeTransforms(randomHorizontalFlip(), toPercentCoords()) }), {
    batchSize: 16, shuffle: true, dropLast: true, collate: collateDetection,
  });
  const model = new TinySsd(classes.length + 1);
  console.log(String(model));
  await train({
    model,
    loss: (b) => model.loss(tf.tensor4d(b.images, [b.batchSize, 64, 64, 3]), b.boxes.map((boxes, i) => ({ boxes, labels: b.labels[i] }))),
    batches: (epoch) => loader.epoch(epoch),
    batchSize: (b) => b.batchSize,
    maxSteps: steps,
    optimizer: { lr: 0.02 },
    schedule: multiStepLr(0.02, { milestones: [Math.round(steps * 0.75)], warmupSteps: 30 }),
    progress: true,
  });
  const images = [];
  const valLoader = new DataLoader(detectionDataset(valSet.records, { transform: toPercentCoords() }), { batchSize: 32, collate: collateDetection });
  for await (const b of valLoader.epoch(0)) {
    const x = tf.tensor4d(b.images, [b.batchSize, 64, 64, 3]);
    for (const d of model.detect(x, 64, { scoreThreshold: 0.01 })) images.push({ ...valSet.records[images.length], detections: d });
    x.dispose();
  }
  console.log(`mAP@0.5 (VOC07) of the hand-assembled SSD after ${steps} steps: ${evaluateVoc(images, { metric: 'voc07' }).mAP.toFixed(4)}`);
  model.dispose();
} finally {
  rmSync(root, { recursive: true, force: true });
}
