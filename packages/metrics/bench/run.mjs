// Benchmark: VOC07-test scale (4952 images, ~12k objects, 200k detections) with evaluateVoc, and
// COCO-val scale (5000 images, ~36k objects, 500k detections) with evaluateCocoJson, on seeded synthetic
// data generated here. The peers run on the same data in the same run (bench/peer.py) when their sources
// are given: VOC_EVAL_PATH (py-faster-rcnn's voc_eval.py) and PYCOCOTOOLS_PATH (a built pycocotools);
// see scripts/fixtures/metrics_refs.py for how to get them. Without them the peers are reported as not run.
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateCocoJson, evaluateVoc } from '@det/metrics';
import { machine, ms, peerPython, printTable, rng } from '../../../scripts/bench/harness.mjs';

const random = rng(2026);
function synth(images, objectsPerImage, detections, classes, size) {
  const imgs = [];
  let objects = 0;
  for (let i = 0; i < images; i++) {
    const n = Math.max(0, Math.round(objectsPerImage + (random() - 0.5) * objectsPerImage * 1.6));
    const gt = [];
    for (let k = 0; k < n; k++) {
      const w = 8 + random() * size * 0.5;
      const h = 8 + random() * size * 0.5;
      const x = random() * (size - w);
      const y = random() * (size - h);
      gt.push({ box: [Math.round(x), Math.round(y), Math.round(x + w), Math.round(y + h)], label: Math.floor(random() * classes), difficult: random() < 0.1 ? 1 : 0 });
    }
    objects += n;
    imgs.push({ id: String(100000 + i), gt, dets: [] });
  }
  for (let d = 0; d < detections; d++) {
    const im = imgs[Math.floor(random() * images)];
    const score = Math.round(random() * 1e6) / 1e6;
    if (im.gt.length > 0 && random() < 0.5) {
      const g = im.gt[Math.floor(random() * im.gt.length)];
      const j = () => (random() - 0.5) * 12;
      im.dets.push({ box: [g.box[0] + j(), g.box[1] + j(), g.box[2] + j(), g.box[3] + j()].map((v) => Math.round(v * 100) / 100), label: random() < 0.9 ? g.label : Math.floor(random() * classes), score });
    } else {
      const x = random() * size * 0.8;
      const y = random() * size * 0.8;
      im.dets.push({ box: [x, y, x + 10 + random() * 100, y + 10 + random() * 100].map((v) => Math.round(v * 100) / 100), label: Math.floor(random() * classes), score });
    }
  }
  for (const im of imgs) for (const d of im.dets) if (d.box[2] <= d.box[0] || d.box[3] <= d.box[1]) d.box = [d.box[0], d.box[1], d.box[0] + 5, d.box[1] + 5];
  return { imgs, objects };
}

/** Median wall time (ms) of `reps` runs after one warm-up, and the last result. */
function timeMedian(fn, reps) {
  let result = fn();
  const times = [];
  for (let i = 0; i < reps; i++) {
    const t0 = process.hrtime.bigint();
    result = fn();
    times.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  times.sort((a, b) => a - b);
  return [times[times.length >> 1], result];
}
const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;

// VOC07 scale: ground truth per image, detections as the devkit result-file records voc_eval.py reads.
const voc = synth(4952, 2.45, 200_000, 20, 400);
const classNames = Array.from({ length: 20 }, (_, k) => `c${k}`);
const vocGt = voc.imgs.map((im) => ({
  id: im.id,
  groundTruth: { boxes: Float32Array.from(im.gt.flatMap((g) => g.box)), labels: Int32Array.from(im.gt.map((g) => g.label)), difficult: Uint8Array.from(im.gt.map((g) => g.difficult)) },
}));
const vocRecords = voc.imgs.flatMap((im) => im.dets.map((d) => ({ imageId: im.id, label: d.label, score: d.score, box: d.box })));
const vocData = join(tmpdir(), `det-metrics-voc-${process.pid}.json`);
writeFileSync(vocData, JSON.stringify({ classes: classNames, images: voc.imgs.map((im) => ({ id: im.id, gt: im.gt })), dets: vocRecords }));
const [voc07Ms, voc07] = timeMedian(() => evaluateVoc(vocGt, vocRecords, { metric: 'voc07', classNames }), 5);
const [voc12Ms, voc12] = timeMedian(() => evaluateVoc(vocGt, vocRecords, { metric: 'voc12', classNames }), 5);
const rssVoc = peakRssMiB();

// COCO-val scale
const coco = synth(5000, 7.3, 500_000, 80, 640);
const gtJson = { images: [], annotations: [], categories: Array.from({ length: 80 }, (_, k) => ({ id: k + 1, name: `c${k}` })) };
const results = [];
let annId = 1;
coco.imgs.forEach((im, i) => {
  gtJson.images.push({ id: i + 1, width: 640, height: 640 });
  for (const g of im.gt) {
    const [x1, y1, x2, y2] = g.box;
    gtJson.annotations.push({ id: annId++, image_id: i + 1, category_id: g.label + 1, bbox: [x1, y1, x2 - x1, y2 - y1], area: (x2 - x1) * (y2 - y1), iscrowd: g.difficult && random() < 0.3 ? 1 : 0 });
  }
  for (const d of im.dets) results.push({ image_id: i + 1, category_id: d.label + 1, bbox: [d.box[0], d.box[1], Math.round((d.box[2] - d.box[0]) * 100) / 100, Math.round((d.box[3] - d.box[1]) * 100) / 100], score: d.score });
});
const cocoGt = join(tmpdir(), `det-metrics-coco-gt-${process.pid}.json`);
const cocoDt = join(tmpdir(), `det-metrics-coco-dt-${process.pid}.json`);
writeFileSync(cocoGt, JSON.stringify(gtJson));
writeFileSync(cocoDt, JSON.stringify(results));
const [cocoMs, cocoRes] = timeMedian(() => evaluateCocoJson(gtJson, results), 3);
const rssCoco = peakRssMiB();

// Peers, same files, same run.
let peer = {};
const python = peerPython();
const peerScript = fileURLToPath(new URL('./peer.py', import.meta.url));
if (python === undefined) console.log('peers not run: Debian python3 with numpy not found');
else if (!process.env.VOC_EVAL_PATH && !process.env.PYCOCOTOOLS_PATH) console.log('peers not run: set VOC_EVAL_PATH and/or PYCOCOTOOLS_PATH (see scripts/fixtures/metrics_refs.py)');
else {
  const run = spawnSync(python, [peerScript, vocData, cocoGt, cocoDt], { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) console.log(`peer failed (exit ${run.status})`);
  else peer = JSON.parse(run.stdout.trim().split('\n').pop());
}
for (const file of [vocData, cocoGt, cocoDt]) rmSync(file, { force: true });

const ratio = (peerMs, ours) => (peerMs === undefined ? 'peer not run' : `${(peerMs / ours).toFixed(1)}×`);
console.log(`\n@det/metrics benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)})`);
console.log(`VOC07 scale: ${vocGt.length} images, ${voc.objects} objects, ${vocRecords.length} detections, 20 classes; mAP voc07 ${voc07.mAP.toFixed(6)}${peer.voc07_map !== undefined ? ` (voc_eval.py ${peer.voc07_map.toFixed(6)})` : ''}, voc12 ${voc12.mAP.toFixed(6)}${peer.voc12_map !== undefined ? ` (voc_eval.py ${peer.voc12_map.toFixed(6)})` : ''}`);
console.log(`COCO scale: ${coco.imgs.length} images, ${gtJson.annotations.length} objects, ${results.length} detections, 80 classes; AP ${cocoRes.stats[0].toFixed(6)}${peer.coco_ap !== undefined ? ` (pycocotools ${peer.coco_ap.toFixed(6)})` : ''}`);
console.log('@det: median of 5 (VOC) / 3 (COCO) runs after a warm-up; peers: voc_eval.py median of 3 (all 20 classes, annotation cache warm), pycocotools one run.\n');
printTable(
  ['evaluation', '@det (ms)', 'peak RSS so far (MiB)', 'peer', 'peer (ms)', 'speed-up'],
  [
    ['VOC07 11-point, 20 classes', ms(voc07Ms), rssVoc.toFixed(0), 'voc_eval.py (py-faster-rcnn), use_07_metric=True', ms(peer.voc07_ms), ratio(peer.voc07_ms, voc07Ms)],
    ['VOC2010+ area, 20 classes', ms(voc12Ms), rssVoc.toFixed(0), 'voc_eval.py, use_07_metric=False', ms(peer.voc12_ms), ratio(peer.voc12_ms, voc12Ms)],
    ['COCO bbox evaluate+accumulate+summarize (from JSON objects)', ms(cocoMs), rssCoco.toFixed(0), 'pycocotools COCOeval evaluate+accumulate', ms(peer.coco_ms), ratio(peer.coco_ms, cocoMs)],
  ],
);
if (peer.coco_evaluate_ms !== undefined) console.log(`\npycocotools: evaluate ${ms(peer.coco_evaluate_ms)} ms + accumulate ${ms(peer.coco_accumulate_ms)} ms`);
