// Benchmark of @det/nms against torchvision (bench/peer.py, same data, same run) and tfjs's
// tf.image.nonMaxSuppression on the cpu backend. Run `pnpm build` first: this imports the built package.
//
// Data: SSD300 output-like. The 8732 SSD300 default boxes in pixels of a 300×300 image, each jittered
// like a decoded regression; 6 objects; a box's score is high when it overlaps an object, low clutter
// otherwise; its class is the object's class, or a random one of 20 for clutter.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBoxes, SSD300_VOC } from '@det/anchors';
import { boxIou, toCorners } from '@det/boxes';
import { batchedNms, multiclassNms, multiclassNmsPresets, nms } from '@det/nms';
import { nmsAsync } from '@det/nms/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { machine, ms, printTable, ratio, rng, runPeer, timeIt, timeItAsync } from '../../../scripts/bench/harness.mjs';

const CLASSES = 20;
const IOU = 0.45;
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
  objectClass.push(Math.floor(random() * CLASSES));
}
const iou = boxIou(boxes, objects);
const scores = new Float32Array(n);
const classes = new Int32Array(n);
// Softmax-like class probabilities [n, 21], column 0 background, for the SSD post-processing row.
const probs = new Float32Array(n * (CLASSES + 1));
for (let i = 0; i < n; i++) {
  let best = 0;
  let arg = 0;
  for (let k = 0; k < 6; k++) if (iou[i * 6 + k] > best) [best, arg] = [iou[i * 6 + k], k];
  scores[i] = best > 0.3 ? 0.3 + 0.7 * best * random() : 0.3 * random();
  classes[i] = best > 0.3 ? objectClass[arg] : Math.floor(random() * CLASSES);
  const row = probs.subarray(i * (CLASSES + 1), (i + 1) * (CLASSES + 1));
  let sum = 0;
  for (let c = 0; c <= CLASSES; c++) {
    row[c] = Math.exp(2 * random() + (c === 0 ? 2 : 0) + (best > 0.3 && c === objectClass[arg] + 1 ? 6 * best : 0));
    sum += row[c];
  }
  for (let c = 0; c <= CLASSES; c++) row[c] /= sum;
}

// Per-class candidate sets, as SSD post-processing feeds batched NMS: for each class the 200 best
// priors by that class's probability.
const candBoxes = [];
const candScores = [];
const candIdxs = [];
for (let c = 1; c <= CLASSES; c++) {
  const col = Float32Array.from({ length: n }, (_, i) => probs[i * (CLASSES + 1) + c]);
  const top = Array.from(col.keys())
    .sort((a, b) => col[b] - col[a] || a - b)
    .slice(0, 200);
  for (const i of top) {
    candBoxes.push(...boxes.subarray(4 * i, 4 * i + 4));
    candScores.push(col[i]);
    candIdxs.push(c - 1);
  }
}
const cand = { boxes: Float32Array.from(candBoxes), scores: Float32Array.from(candScores), idxs: Int32Array.from(candIdxs) };

const data = join(tmpdir(), `det-nms-bench-${process.pid}.json`);
writeFileSync(
  data,
  JSON.stringify({
    boxes: Array.from(boxes),
    scores: Array.from(scores),
    idxs: Array.from(classes),
    cand_boxes: Array.from(cand.boxes),
    cand_scores: Array.from(cand.scores),
    cand_idxs: Array.from(cand.idxs),
    probs: Array.from(probs),
    classes: CLASSES + 1,
    iou: IOU,
  }),
);

const reps = { warmup: 10, reps: 50 };
const ours = {
  nms: timeIt(() => nms(boxes, scores, IOU), reps),
  batched: timeIt(() => batchedNms(boxes, scores, classes, IOU), reps),
  candidates: timeIt(() => batchedNms(cand.boxes, cand.scores, cand.idxs, IOU), reps),
  multiclass: timeIt(() => multiclassNms(boxes, probs, multiclassNmsPresets.torchvision), reps),
};
const keep = nms(boxes, scores, IOU);
const kept = {
  nms: keep.length,
  batched: batchedNms(boxes, scores, classes, IOU).length,
  candidates: batchedNms(cand.boxes, cand.scores, cand.idxs, IOU).length,
  multiclass: multiclassNms(boxes, probs, multiclassNmsPresets.torchvision).scores.length,
};

// tfjs on the cpu backend: yxyx boxes, maxOutputSize = N (no cap), same threshold.
await tf.setBackend('cpu');
const yxyx = new Float32Array(n * 4);
for (let i = 0; i < n; i++) yxyx.set([boxes[4 * i + 1], boxes[4 * i], boxes[4 * i + 3], boxes[4 * i + 2]], 4 * i);
const tYxyx = tf.tensor2d(yxyx, [n, 4]);
const tXyxy = tf.tensor2d(boxes, [n, 4]);
const tScores = tf.tensor1d(scores);
const tfjsSync = timeIt(
  () => {
    const k = tf.image.nonMaxSuppression(tYxyx, tScores, n, IOU);
    k.dataSync();
    k.dispose();
  },
  { warmup: 3, reps: 15 },
);
const tfjsAsync = await timeItAsync(
  async () => {
    const k = await tf.image.nonMaxSuppressionAsync(tYxyx, tScores, n, IOU);
    await k.data();
    k.dispose();
  },
  { warmup: 3, reps: 15 },
);
const oursAsync = await timeItAsync(() => nmsAsync(tXyxy, tScores, IOU), { warmup: 10, reps: 50 });
const tfjsKeep = tf.tidy(() => tf.image.nonMaxSuppression(tYxyx, tScores, n, IOU).dataSync());
const sameAsTfjs = tfjsKeep.length === keep.length && tfjsKeep.every((v, k) => v === keep[k]);
tf.dispose([tYxyx, tXyxy, tScores]);

const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [data]);
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);
const same = (name) => (peer.ok ? (peer.kept[name] === kept[name] ? 'same' : `torchvision ${peer.kept[name]}`) : '?');
console.log(`\n@det/nms benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)}; torch ${peer.torch ?? '?'}, ${peer.threads ?? '?'} default threads)`);
console.log(
  `${n} boxes; kept: nms ${kept.nms} (torchvision: ${same('nms')}; tfjs: ${sameAsTfjs ? 'same indices' : `${tfjsKeep.length}, different`}), ` +
    `batched ${kept.batched} (${same('batched')}), candidates ${kept.candidates} (${same('candidates')}), SSD post-processing ${kept.multiclass} (${same('multiclass')})\n`,
);
printTable(
  ['operation', '@det/nms (ms)', 'torchvision 1 thread (ms)', 'ratio', 'torchvision default threads (ms)', 'ratio'],
  [
    ['nms, 8732 boxes, IoU 0.45', ms(ours.nms), ms(peer.nms_1t), ratio(ours.nms, peer.nms_1t), ms(peer.nms), ratio(ours.nms, peer.nms)],
    [
      'batchedNms, 8732 boxes × 20 class ids',
      ms(ours.batched),
      ms(peer.batched_1t),
      ratio(ours.batched, peer.batched_1t),
      ms(peer.batched),
      ratio(ours.batched, peer.batched),
    ],
    [
      'batchedNms, 20 classes × 200 candidates',
      ms(ours.candidates),
      ms(peer.candidates_1t),
      ratio(ours.candidates, peer.candidates_1t),
      ms(peer.candidates),
      ratio(ours.candidates, peer.candidates),
    ],
    [
      'multiclassNms (torchvision preset) vs SSD.postprocess_detections, 8732 × 21',
      ms(ours.multiclass),
      ms(peer.multiclass_1t),
      ratio(ours.multiclass, peer.multiclass_1t),
      ms(peer.multiclass),
      ratio(ours.multiclass, peer.multiclass),
    ],
  ],
);
console.log('\ntfjs 4.22, cpu backend, same 8732 boxes (yxyx for tfjs), maxOutputSize 8732:\n');
printTable(
  ['operation', 'ms', '@det/nms faster by'],
  [
    ['@det/nms `nms`', ms(ours.nms), '—'],
    ['@det/nms/tfjs `nmsAsync` (tensor in, reads data)', ms(oursAsync), '—'],
    ['tf.image.nonMaxSuppression', ms(tfjsSync), `${(tfjsSync / ours.nms).toFixed(1)}×`],
    ['tf.image.nonMaxSuppressionAsync', ms(tfjsAsync), `${(tfjsAsync / oursAsync).toFixed(1)}× (vs nmsAsync)`],
  ],
);
