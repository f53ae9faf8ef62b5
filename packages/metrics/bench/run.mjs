// Benchmark: VOC07-test scale (4952 images, ~12k objects, 200k detections) with evaluateVoc, and
// COCO-val scale (5000 images, ~36k objects, 500k detections) with evaluateCocoJson, on seeded synthetic
// data. Peers (voc_eval.py, pycocotools) are run on the same data when their sources are given:
// VOC_EVAL_PATH=<dir with voc_eval.py> PYCOCOTOOLS_PATH=<dir containing the built pycocotools package>.
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { evaluateCocoJson, evaluateVoc } from '@det/metrics';
import { machine, ms, printTable, rng, runPeer } from '../../../scripts/bench/harness.mjs';

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
const toEval = (imgs) =>
  imgs.map((im) => ({
    id: im.id,
    groundTruth: { boxes: Float32Array.from(im.gt.flatMap((g) => g.box)), labels: Int32Array.from(im.gt.map((g) => g.label)), difficult: Uint8Array.from(im.gt.map((g) => g.difficult)) },
    detections: { boxes: Float32Array.from(im.dets.flatMap((d) => d.box)), scores: Float32Array.from(im.dets.map((d) => d.score)), labels: Int32Array.from(im.dets.map((d) => d.label)) },
  }));
const time = (fn) => {
  const t0 = process.hrtime.bigint();
  const r = fn();
  return [Number(process.hrtime.bigint() - t0) / 1e6, r];
};

// VOC07 scale
const voc = synth(4952, 2.45, 200_000, 20, 400);
const vocImages = toEval(voc.imgs);
const vocData = join(tmpdir(), 'det-metrics-voc.json');
writeFileSync(vocData, JSON.stringify(voc.imgs.map((im) => ({ id: im.id, gt: im.gt, dets: im.dets }))));
const [vocMs, vocRes] = time(() => evaluateVoc(vocImages, { metric: 'voc07' }));
const rssVoc = process.memoryUsage().rss / 2 ** 20;

// COCO scale
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
const cocoGt = join(tmpdir(), 'det-metrics-coco-gt.json');
const cocoDt = join(tmpdir(), 'det-metrics-coco-dt.json');
writeFileSync(cocoGt, JSON.stringify(gtJson));
writeFileSync(cocoDt, JSON.stringify(results));
const [cocoMs, cocoRes] = time(() => evaluateCocoJson(gtJson, results));
const rssCoco = process.memoryUsage().rss / 2 ** 20;

const peer = runPeer(fileURLToPath(new URL('./peer.py', import.meta.url)), [vocData, cocoGt, cocoDt]);
if (!peer.ok) console.log(`peer not run: ${peer.reason}`);
console.log(`\n@det/metrics benchmark (${machine()}; ${new Date().toISOString().slice(0, 10)})`);
console.log(`VOC07 scale: ${vocImages.length} images, ${voc.objects} objects, 200000 detections; mAP ${vocRes.mAP.toFixed(6)}${peer.voc_map !== undefined ? ` (voc_eval.py ${peer.voc_map.toFixed(6)})` : ''}`);
console.log(`COCO scale: ${coco.imgs.length} images, ${gtJson.annotations.length} objects, ${results.length} detections; AP ${cocoRes.stats[0].toFixed(6)}${peer.coco_ap !== undefined ? ` (pycocotools ${peer.coco_ap.toFixed(6)})` : ''}\n`);
const speedup = (peerMs) => (peerMs === undefined ? 'peer not run' : `${(peerMs / (peerMs === peer.voc_ms ? vocMs : cocoMs)).toFixed(1)}×`);
printTable(
  ['evaluation', '@det (ms)', 'peak RSS (MiB)', 'peer', 'peer (ms)', 'speed-up'],
  [
    ['VOC07 11-point, 20 classes', ms(vocMs), rssVoc.toFixed(0), 'voc_eval.py (py-faster-rcnn)', ms(peer.voc_ms), speedup(peer.voc_ms)],
    ['COCO bbox evaluate+accumulate+summarize', ms(cocoMs), rssCoco.toFixed(0), 'pycocotools COCOeval evaluate+accumulate', ms(peer.coco_ms), speedup(peer.coco_ms)],
  ],
);
