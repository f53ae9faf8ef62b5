// `pnpm demo`: the main job, on the built packages. (1) The default-box inspector on the SSD presets,
// writing PNG drawings; (2) an evaluation run: a synthetic VOC-format dataset, devkit result files from a
// stand-in detector, and `det eval` scoring them (VOC07 table and PR curves). The SSD train/evaluate demo
// replaces the stand-in when the SSD family lands. Output goes to out/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { main } from '../packages/cli/dist/index.js';
import { generateShapesDataset, loadVocDataset } from '../packages/voc/dist/index.js';

const out = 'out';
mkdirSync(out, { recursive: true });
let code = 0;
for (const preset of ['SSD300_VOC', 'SSD7']) {
  code ||= await main(['anchors', '--preset', preset, '--out', join(out, `anchors-${preset}.png`)]);
  console.log('');
}

// A stand-in detector: the ground truth jittered, with misses, confusions and false alarms (seeded).
const classes = ['circle', 'square', 'triangle'];
const root = join(out, 'shapes');
await generateShapesDataset(root, { images: 80, size: 128, seed: 11, classes });
const { records } = await loadVocDataset(root, { set: 'val', classNames: classes });
let s = 7;
const random = () => {
  s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
  return s / 4294967296;
};
const files = classes.map(() => []);
for (const r of records) {
  const { boxes, labels } = r.groundTruth;
  for (let i = 0; i < labels.length; i++) {
    if (random() < 0.1) continue;
    const j = () => (random() - 0.5) * 10;
    const label = random() < 0.08 ? (labels[i] + 1) % 3 : labels[i];
    files[label].push(`${r.id} ${(0.4 + 0.6 * random()).toFixed(4)} ${[0, 1, 2, 3].map((k) => (boxes[4 * i + k] + j()).toFixed(1)).join(' ')}`);
  }
  const x = 1 + random() * 90;
  const y = 1 + random() * 90;
  files[Math.floor(random() * 3)].push(`${r.id} ${(0.5 * random()).toFixed(4)} ${x.toFixed(1)} ${y.toFixed(1)} ${(x + 30).toFixed(1)} ${(y + 30).toFixed(1)}`);
}
const results = join(out, 'results');
mkdirSync(results, { recursive: true });
classes.forEach((c, k) => writeFileSync(join(results, `comp4_det_val_${c}.txt`), `${files[k].join('\n')}\n`));
console.log(`Scoring a stand-in detector on ${records.length} synthetic validation images with det eval:\n`);
code ||= await main([
  'eval', '--format', 'voc', '--annotations', root, '--image-set', join(root, 'ImageSets', 'Main', 'val.txt'),
  '--detections', results, '--metric', 'voc07', '--classes', classes.join(','), '--plot', join(out, 'pr-curves.png'),
]);
process.exitCode = code;
