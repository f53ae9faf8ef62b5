// Benchmark: boxIou of 8732 SSD300 priors × 50 boxes, and defaultBoxes(SSD300_VOC), against torchvision
// box_iou / DefaultBoxGenerator and ssd.pytorch's PriorBox formula, on the same data in the same run.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBoxes, SSD300_VOC } from '@det/anchors';
import { boxIou, toCorners } from '@det/boxes';
import { machine, ms, printTable, ratio, rng, runPeer, timeIt } from '../../../scripts/bench/harness.mjs';

const random = rng(42);
const priors = toCorners(defaultBoxes(SSD300_VOC)); // 8732 × 4, normalised xyxy
const truths = new Float32Array(50 * 4);
for (let i = 0; i < 50; i++) {
  const x = random() * 0.8;
  const y = random() * 0.8;
  truths.set([x, y, x + 0.05 + random() * 0.2, y + 0.05 + random() * 0.2], 4 * i);
}
const data = join(tmpdir(), 'det-boxes-bench.json');
writeFileSync(data, JSON.stringify({ a: Array.from(priors), b: Array.from(truths) }));

const out = new Float32Array(8732 * 50);
const ours = {
  iou: timeIt(() => boxIou(priors, truths, {}, out), { warmup: 20, reps: 200 }),
  iouAlloc: timeIt(() => boxIou(priors, truths), { warmup: 20, reps: 200 }),
  priors: timeIt(() => defaultBoxes(SSD300_VOC), { warmup: 20, reps: 200 }),
};
const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [data]);
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);

console.log(`\n@det/boxes + @det/anchors benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)})\n`);
printTable(
  ['operation', '@det (ms)', 'peer', 'peer (ms)', 'ratio @det/peer'],
  [
    ['boxIou 8732×50 (out buffer reused)', ms(ours.iou), 'torchvision box_iou, 1 thread', ms(peer.box_iou_1t), ratio(ours.iou, peer.box_iou_1t)],
    ['boxIou 8732×50 (new output)', ms(ours.iouAlloc), `torchvision box_iou, ${peer.threads ?? '?'} threads`, ms(peer.box_iou), ratio(ours.iouAlloc, peer.box_iou)],
    ['defaultBoxes(SSD300_VOC)', ms(ours.priors), 'ssd.pytorch PriorBox.forward', ms(peer.prior_box), ratio(ours.priors, peer.prior_box)],
    ['defaultBoxes(SSD300_VOC)', ms(ours.priors), 'torchvision DefaultBoxGenerator (300×300)', ms(peer.default_box_generator), ratio(ours.priors, peer.default_box_generator)],
  ],
);
