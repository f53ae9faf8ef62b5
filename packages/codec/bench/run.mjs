// Benchmark: match + encode of a 32-image batch (~3 objects each) against SSD300_VOC's 8732 priors,
// vs ssd.pytorch-style torch code (MultiBoxLoss's per-image match() loop), same data, same run.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultBoxes, SSD300_VOC } from '@det/anchors';
import { encodeBatch } from '@det/codec';
import { machine, ms, printTable, ratio, rng, runPeer, timeIt } from '../../../scripts/bench/harness.mjs';

const random = rng(5);
const priors = defaultBoxes(SSD300_VOC);
const batch = Array.from({ length: 32 }, () => {
  const n = 1 + Math.floor(random() * 5); // 1–5 objects, ~3 on average
  const boxes = new Float32Array(n * 4);
  const labels = new Int32Array(n);
  for (let j = 0; j < n; j++) {
    const x = random() * 0.7;
    const y = random() * 0.7;
    boxes.set([x, y, x + 0.05 + random() * 0.25, y + 0.05 + random() * 0.25], 4 * j);
    labels[j] = Math.floor(random() * 20);
  }
  return { boxes, labels };
});
const data = join(tmpdir(), 'det-codec-bench.json');
writeFileSync(data, JSON.stringify({ priors: Array.from(priors), batch: batch.map((b) => ({ boxes: Array.from(b.boxes), labels: Array.from(b.labels) })) }));

const objects = batch.reduce((s, b) => s + b.labels.length, 0);
const ours = timeIt(() => encodeBatch(batch, priors), { warmup: 5, reps: 30 });
const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [data]);
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);
console.log(`\n@det/codec benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)}); 32 images, ${objects} objects, 8732 priors\n`);
printTable(
  ['operation', '@det (ms)', 'ssd.pytorch-style torch, 1 thread (ms)', 'speed-up', `torch ${peer.threads ?? '?'} threads (ms)`, 'speed-up'],
  [
    [
      'match + encode, 32-image batch',
      ms(ours),
      ms(peer.match_1t),
      peer.match_1t ? `${(peer.match_1t / ours).toFixed(1)}×` : 'n/a',
      ms(peer.match),
      peer.match ? `${(peer.match / ours).toFixed(1)}×` : 'n/a',
    ],
  ],
);
void ratio;
