// Benchmark: match + encode (SSD training targets) of a 32-image batch (1–5 objects per image, ~3 on average)
// against SSD300_VOC's 8732 priors, vs ssd.pytorch-style torch code on the CPU (MultiBoxLoss's per-image
// match() loop, bench/peer.py) on the same data in the same run. Priors come from
// fixtures/shared/geometry.json (priors.ssd300_voc.cxcywh), so the bench needs no other package.
// Run: pnpm build && pnpm bench   (the peer needs Debian's /usr/bin/python3 with torch)
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPriorMatcher, encodeBatch } from '@det/codec';
import { machine, ms, printTable, rng, runPeer, timeIt } from '../../../scripts/bench/harness.mjs';

const geometry = JSON.parse(readFileSync(new URL('../../../fixtures/shared/geometry.json', import.meta.url), 'utf8'));
const priors = Float32Array.from(geometry.priors.ssd300_voc.cxcywh);
const random = rng(5);
const batch = Array.from({ length: 32 }, () => {
  const n = 1 + Math.floor(random() * 5);
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
const data = join(tmpdir(), `det-codec-bench-${process.pid}.json`);
writeFileSync(data, JSON.stringify({ priors: Array.from(priors), batch: batch.map((b) => ({ boxes: Array.from(b.boxes), labels: Array.from(b.labels) })) }));

const objects = batch.reduce((s, b) => s + b.labels.length, 0);
const targets = encodeBatch(batch, priors);
const positives = targets.numPositives.reduce((s, v) => s + v, 0);
const ours = timeIt(() => encodeBatch(batch, priors), { warmup: 10, reps: 50 });
const oursMatch = timeIt(() => {
  const matcher = createPriorMatcher(priors);
  for (const b of batch) matcher.match(b.boxes, b.labels);
}, { warmup: 10, reps: 50 });
const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [data]);
rmSync(data, { force: true });
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);

const speedUp = (torchMs, oursMs) => (torchMs === undefined ? 'n/a' : `${(torchMs / oursMs).toFixed(1)}×`);
console.log(`\n@det/codec benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)}; load average ${loadavg()[0].toFixed(1)})`);
console.log(`32 images, ${objects} objects, 8732 priors; median of 50 runs after warm-up; speed-up = torch ms / @det ms`);
if (peer.ok) {
  const agree = peer.num_pos === positives;
  console.log(`targets agree with the peer: ${agree ? 'yes' : 'NO'} (${positives} positive priors here, ${peer.num_pos} in torch)\n`);
}
const row = (name, o, key) => [
  name,
  ms(o),
  ms(peer[key]),
  speedUp(peer[key], o),
  ms(peer[`${key}_1t`]),
  speedUp(peer[`${key}_1t`], o),
  ms(peer[`${key}_all`]),
  speedUp(peer[`${key}_all`], o),
];
printTable(
  [
    'operation',
    '@det/codec (ms)',
    `torch default (${peer.threads ?? '?'} thread${peer.threads === 1 ? '' : 's'}) (ms)`,
    'speed-up',
    'torch set_num_threads(1) (ms)',
    'speed-up',
    `torch set_num_threads(${peer.cores ?? '?'}) (ms)`,
    'speed-up',
  ],
  [
    row('match + encode, 32-image batch: `encodeBatch` vs MultiBoxLoss\'s match() loop', ours, 'targets'),
    row('match only: `createPriorMatcher` + 32 × `match` vs 32 × jaccard/argmax/forcing', oursMatch, 'match'),
  ],
);
