// Benchmark: NMS of 8732 SSD300-like boxes and batchedNms over 20 classes, against torchvision
// (ops.nms / ops.batched_nms) and tfjs tf.image.nonMaxSuppression on the cpu backend, same data, same run.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBoxes, SSD300_VOC } from '@det/anchors';
import { boxIou, toCorners } from '@det/boxes';
import { batchedNms, nms } from '@det/nms';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { machine, ms, printTable, ratio, rng, runPeer, timeIt } from '../../../scripts/bench/harness.mjs';

// SSD300 output-like data: the 8732 priors in pixels, jittered like decoded regressions; scores high for
// priors overlapping one of 6 objects, low clutter elsewhere; class = the object's class or random.
const random = rng(7);
const priors = toCorners(defaultBoxes(SSD300_VOC));
const n = priors.length / 4;
const boxes = new Float32Array(n * 4);
for (let i = 0; i < n; i++) {
  const w = (priors[4 * i + 2] - priors[4 * i]) * 300;
  const h = (priors[4 * i + 3] - priors[4 * i + 1]) * 300;
  const dx = (random() - 0.5) * 0.2 * w;
  const dy = (random() - 0.5) * 0.2 * h;
  boxes.set([priors[4 * i] * 300 + dx, priors[4 * i + 1] * 300 + dy, priors[4 * i + 2] * 300 + dx, priors[4 * i + 3] * 300 + dy], 4 * i);
}
const objects = new Float32Array(6 * 4);
const objectClass = [];
for (let k = 0; k < 6; k++) {
  const x = random() * 200;
  const y = random() * 200;
  objects.set([x, y, x + 40 + random() * 60, y + 40 + random() * 60], 4 * k);
  objectClass.push(Math.floor(random() * 20));
}
const iou = boxIou(boxes, objects);
const scores = new Float32Array(n);
const classes = new Int32Array(n);
for (let i = 0; i < n; i++) {
  let best = 0;
  let arg = 0;
  for (let k = 0; k < 6; k++) if (iou[i * 6 + k] > best) [best, arg] = [iou[i * 6 + k], k];
  scores[i] = best > 0.3 ? 0.3 + 0.7 * best * random() : 0.3 * random();
  classes[i] = best > 0.3 ? objectClass[arg] : Math.floor(random() * 20);
}
const data = join(tmpdir(), 'det-nms-bench.json');
writeFileSync(data, JSON.stringify({ boxes: Array.from(boxes), scores: Array.from(scores), idxs: Array.from(classes), iou: 0.45 }));

const ours = {
  nms: timeIt(() => nms(boxes, scores, 0.45), { warmup: 10, reps: 50 }),
  batched: timeIt(() => batchedNms(boxes, scores, classes, 0.45), { warmup: 10, reps: 50 }),
};
const kept = nms(boxes, scores, 0.45).length;

await tf.setBackend('cpu');
const yxyx = new Float32Array(n * 4);
for (let i = 0; i < n; i++) yxyx.set([boxes[4 * i + 1], boxes[4 * i], boxes[4 * i + 3], boxes[4 * i + 2]], 4 * i);
const tBoxes = tf.tensor2d(yxyx, [n, 4]);
const tScores = tf.tensor1d(scores);
const tfjsNms = timeIt(
  () => {
    const keep = tf.image.nonMaxSuppression(tBoxes, tScores, n, 0.45);
    keep.dataSync();
    keep.dispose();
  },
  { warmup: 3, reps: 15 },
);
const tfjsKept = tf.tidy(() => tf.image.nonMaxSuppression(tBoxes, tScores, n, 0.45).size);
tf.dispose([tBoxes, tScores]);

const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [data]);
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);
console.log(`\n@det/nms benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)}); ${n} boxes, ${kept} kept (tfjs kept ${tfjsKept}, torchvision ${peer.kept ?? '?'})\n`);
printTable(
  ['operation', '@det (ms)', 'torchvision 1 thread (ms)', 'ratio', `torchvision ${peer.threads ?? '?'} threads (ms)`, 'tfjs cpu (ms)', 'tfjs / @det'],
  [
    ['nms 8732 boxes, IoU 0.45', ms(ours.nms), ms(peer.nms_1t), ratio(ours.nms, peer.nms_1t), ms(peer.nms), ms(tfjsNms), `${(tfjsNms / ours.nms).toFixed(1)}×`],
    ['batchedNms 8732 boxes, 20 classes', ms(ours.batched), ms(peer.batched_1t), ratio(ours.batched, peer.batched_1t), ms(peer.batched), '—', '—'],
  ],
);
